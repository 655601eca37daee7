// The declarants of a region: the list, one declarant's page (with the edit and relative forms
// for a non-user declarant the user manages) and the new-declarant form. Declarants who are portal
// users are shown read-only (they keep their declaration on their profile). No ID number or hash
// is ever part of these contexts: a registered number shows as "已登记".
import type { Db } from '../db/connection.js';
import { declarantInScope, declarantsInScope, relativesOfDeclarants, ASSISTANCE_TYPES, POSITION_CODES, RELATIONS, formContext, type FormState } from '../declarations/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { placeOfVillage, placePicker, withoutVillage, type Region } from '../regions/index.js';
import { openFlagCounts } from './flags-view.js';
import { villageLabels } from './labels.js';
import * as repo from './repository.js';
import { codeWithin, managedRegion, regionScope } from './scope.js';
import { isRowId, rowIdOf } from '../db/dialect.js';

export const PAGE_SIZE = 50;

/** The order fields appear in on the page, for the error summary. */
const FIELD_ORDER = ['form', 'name', 'position', 'id_number', 'home_village', 'relation', 'rel_village', 'assistance_type'];

/** The declarant if this user may see it, else undefined (404). */
export async function visibleDeclarant(db: Db, staff: StaffContext, id: number): Promise<repo.Declarant | undefined> {
  if (!isRowId(id)) return undefined;
  // Those at home in the user's region, or kept by a unit they supervise.
  return declarantInScope(db, await regionScope(db, staff), id);
}

/** Whether this user may edit the declarant: a non-user declarant at home in the region they manage. */
export async function mayEdit(db: Db, staff: StaffContext, declarant: repo.Declarant): Promise<Region | null> {
  if (declarant.userId !== null) return null;
  const region = await managedRegion(db, staff);
  return region && (await codeWithin(db, declarant.homeVillageCode, [region.code])) ? region : null;
}

export async function listContext(db: Db, staff: StaffContext, query: { q?: string; before?: string }) {
  const q = (query.q ?? '').normalize('NFKC').replace(/[\s%_\\]/gu, '').slice(0, 20);
  const before = rowIdOf(query.before) ?? null;
  const rows = await declarantsInScope(db, await regionScope(db, staff), { name: q, before, limit: PAGE_SIZE + 1 });
  const page = rows.slice(0, PAGE_SIZE);
  const labels = await villageLabels(db, page.map((d) => d.homeVillageCode));
  const relCounts = new Map<number, number>();
  for (const r of await relativesOfDeclarants(db, page.map((d) => d.id))) relCounts.set(r.declarantId, (relCounts.get(r.declarantId) ?? 0) + 1);
  const flagCounts = await openFlagCounts(db, page, staff.user.id);
  const region = await managedRegion(db, staff);
  return {
    q,
    manages: region !== null,
    regionName: region?.name ?? null,
    declarants: page.map((d) => ({
      id: d.id,
      name: d.name,
      position: d.position,
      village: labels.get(d.homeVillageCode) ?? d.homeVillageCode,
      isUser: d.userId !== null,
      relatives: relCounts.get(d.id) ?? 0,
      openFlags: flagCounts.get(d.id) ?? 0,
      updatedAt: d.updatedAt,
    })),
    nextHref: rows.length > PAGE_SIZE ? `/staff/cross-checks/declarants?${new URLSearchParams({ ...(q ? { q } : {}), before: String(page[page.length - 1]!.id) }).toString()}` : null,
  };
}

function declarantFormOptions(state: FormState) {
  return { positions: POSITION_CODES.map((p) => ({ value: p, selected: p === state.values.position })) };
}

/** The new-declarant form: the home village starts at the managed region (county or township). */
export async function newContext(db: Db, region: Region, state?: FormState) {
  const start = state ?? { values: {}, place: await placeOfVillage(db, region.code), errors: {}, retypeId: false };
  return { regionName: region.name, form: formContext(start, await placePicker(db, 'home', start.place, start.errors.home_village), FIELD_ORDER), ...declarantFormOptions(start) };
}

export async function detailContext(db: Db, staff: StaffContext, declarant: repo.Declarant, forms: { declarant?: FormState; relative?: FormState } = {}) {
  const relatives = await relativesOfDeclarants(db, [declarant.id]);
  const labels = await villageLabels(db, [declarant.homeVillageCode, ...relatives.map((r) => r.villageCode)]);
  const editable = (await mayEdit(db, staff, declarant)) !== null;
  const homePlace = await placeOfVillage(db, declarant.homeVillageCode);
  const declState: FormState = forms.declarant ?? { values: { name: declarant.name, position: declarant.position }, place: homePlace, errors: {}, retypeId: false };
  const relState: FormState = forms.relative ?? { values: {}, place: withoutVillage(homePlace), errors: {}, retypeId: false };
  return {
    declarant: {
      id: declarant.id,
      name: declarant.name,
      position: declarant.position,
      isUser: declarant.userId !== null,
      village: labels.get(declarant.homeVillageCode) ?? declarant.homeVillageCode,
      updatedAt: declarant.updatedAt,
    },
    openFlags: (await openFlagCounts(db, [declarant], staff.user.id)).get(declarant.id) ?? 0,
    self: declarant.userId === staff.user.id,
    relatives: relatives.map((r) => ({ id: r.id, name: r.name, relation: r.relation, assistanceType: r.assistanceType, village: labels.get(r.villageCode) ?? r.villageCode })),
    editable,
    ...(editable
      ? {
          declForm: formContext(declState, await placePicker(db, 'home', declState.place, declState.errors.home_village), FIELD_ORDER),
          ...declarantFormOptions(declState),
          relForm: formContext(relState, await placePicker(db, 'rel', relState.place, relState.errors.rel_village), FIELD_ORDER, { id_number: 'field-rel_id_number', name: 'field-rel_name' }),
          relations: RELATIONS.map((r) => ({ value: r, selected: r === relState.values.relation })),
          assistanceTypes: ASSISTANCE_TYPES.map((a) => ({ value: a, checked: a === relState.values.assistance_type })),
        }
      : {}),
  };
}
