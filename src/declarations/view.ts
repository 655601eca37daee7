// What the profile page shows: the account, the home village, the user's declaration and its
// relatives, and the two forms with the person's input and errors when they come back. ID numbers
// are never part of this context: a registered one shows as "已登记".
import { mailLanguageChoice, userNames } from '../users/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { placeChain, placeLabel, placeOfVillage, placePicker, withoutVillage } from '../regions/index.js';
import { POSITION_CODES } from './vocab.js';
import type { Deps } from '../shared/deps.js';
import { formContext, type FormState } from './form.js';
import * as repo from './repository.js';
import * as removals from './removals-repository.js';
import { decidesRemovals } from './removals.js';
import { ASSISTANCE_TYPES, RELATIONS } from './vocab.js';

/** The order fields appear in on the page, for the error summary. */
const FIELD_ORDER = ['form', 'home_village', 'position', 'id_number', 'name', 'relation', 'rel_village', 'assistance_type'];

async function villageLabel(deps: Deps, code: string | null | undefined): Promise<string | null> {
  return code ? placeLabel(await placeChain(deps.db, code)) : null;
}

/** The e-mail language form when it comes back with an error (the saved choice stays selected). */
export interface LanguageForm {
  error: string;
}

export async function profileContext(deps: Deps, staff: StaffContext, forms: { declaration?: FormState; relative?: FormState; language?: LanguageForm } = {}) {
  const { db } = deps;
  const user = staff.user;
  const declarant = await repo.declarantOfUser(db, user.id);
  const relatives = declarant ? await repo.relativesOf(db, declarant.id) : [];
  // The latest removal request of each relative (newest first): pending, or refused with its reason.
  const latest = new Map<number, removals.RemovalRequest>();
  for (const r of declarant ? await removals.removalRequestsOfDeclarant(db, declarant.id) : []) if (!latest.has(r.relativeId)) latest.set(r.relativeId, r);
  const homeCode = declarant?.homeVillageCode ?? user.homeVillageCode;
  const homePlace = await placeOfVillage(db, homeCode);

  const declState: FormState = forms.declaration ?? { values: { position: declarant?.position ?? '' }, place: homePlace, errors: {}, retypeId: false };
  // A relative usually lives near the declarant: start from the declarant's township.
  const relState: FormState = forms.relative ?? { values: {}, place: withoutVillage(homePlace), errors: {}, retypeId: false };

  return {
    me: {
      name: user.displayName,
      username: user.username,
      unit: staff.unit.name,
      roles: staff.roles,
      homeVillage: await villageLabel(deps, user.homeVillageCode),
    },
    mailLanguage: mailLanguageChoice(deps.config, user.locale, forms.language?.error ?? null),
    declaration: declarant
      ? { position: declarant.position, homeVillage: await villageLabel(deps, declarant.homeVillageCode), updatedAt: declarant.updatedAt }
      : null,
    relatives: await Promise.all(
      relatives.map(async (r) => ({ id: r.id, name: r.name, relation: r.relation, assistanceType: r.assistanceType, village: await villageLabel(deps, r.villageCode), removal: removalState(latest.get(r.id)) })),
    ),
    removalsToDecide: decidesRemovals(staff) ? (await removals.pendingRemovalsFor(db, staff.unit.id, user.id)).length : 0,
    declForm: formContext(declState, await placePicker(db, 'home', declState.place, declState.errors.home_village), FIELD_ORDER, { form: 'declaration' }),
    relForm: formContext(relState, await placePicker(db, 'rel', relState.place, relState.errors.rel_village), FIELD_ORDER, { form: 'relatives', id_number: 'field-rel_id_number' }),
    positions: POSITION_CODES.map((p) => ({ value: p, selected: p === declState.values.position })),
    relations: RELATIONS.map((r) => ({ value: r, selected: r === relState.values.relation })),
    assistanceTypes: ASSISTANCE_TYPES.map((a) => ({ value: a, checked: a === relState.values.assistance_type })),
  };
}

/** What a relative's row says of its latest removal request: waiting, or refused and why. */
function removalState(r: removals.RemovalRequest | undefined) {
  if (!r || r.status === 'confirmed') return null;
  return { pending: r.status === 'pending', requestedAt: r.requestedAt, decidedAt: r.decidedAt, note: r.decisionNote };
}

/** The declarant's page asking to remove one relative; undefined when the relative is not hers. */
export async function removalRequestContext(deps: Deps, staff: StaffContext, relativeId: number, form: { reason?: string; errors?: Record<string, string> } = {}) {
  const declarant = await repo.declarantOfUser(deps.db, staff.user.id);
  const relative = declarant ? (await repo.relativesOf(deps.db, declarant.id)).find((r) => r.id === relativeId) : undefined;
  if (!relative) return undefined;
  const pending = await removals.pendingRemovalOf(deps.db, relative.id);
  return {
    relative: { id: relative.id, name: relative.name, relation: relative.relation, assistanceType: relative.assistanceType, village: await villageLabel(deps, relative.villageCode) },
    pending: pending ? { requestedAt: pending.requestedAt, reason: pending.reason } : null,
    reason: form.reason ?? '',
    errors: form.errors ?? {},
  };
}

/** A decider's list of open removal requests; `failed` brings one row back with its typed note and message. */
export async function removalListContext(deps: Deps, staff: StaffContext, failed?: { id: number; note: string; error: string }) {
  const rows = await removals.pendingRemovalsFor(deps.db, staff.unit.id, staff.user.id);
  const requesters = new Map((await userNames(deps.db, [...new Set(rows.map((r) => r.requestedBy))])).map((u) => [u.id, u.name]));
  return {
    requests: await Promise.all(
      rows.map(async (r) => ({
        id: r.id,
        declarantName: r.declarantName,
        declarantPosition: r.declarantPosition,
        requester: requesters.get(r.requestedBy) ?? '',
        relativeName: r.relativeName,
        relation: r.relation,
        assistanceType: r.assistanceType,
        village: await villageLabel(deps, r.relativeVillageCode),
        reason: r.reason,
        requestedAt: r.requestedAt,
        note: failed?.id === r.id ? failed.note : '',
        error: failed?.id === r.id ? failed.error : null,
      })),
    ),
  };
}
