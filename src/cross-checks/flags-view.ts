// The flags page of a region: which flags a user sees (their region's, by the recipient's village
// or the declarant's home village; never a flag about themselves or their declared relatives),
// filtered and keyset-paged, with what each row shows. ID hashes never reach the page. Names are in
// full only for the units that verify a flag (scope.ts verifiesFlag), masked as on the public lists
// for everyone else; the route audits each flag shown with full names (issue 19 item 15).
import type { Db } from '../db/connection.js';
import { declarantsByIds, relativesByIds } from '../declarations/index.js';
import { assistanceTypeKey, maskName, recipientsByIds } from '../disclosure/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { childrenOf, findRegion, findRegions } from '../regions/index.js';
import { userNames } from '../users/index.js';
import { countFlags, flagPage, openFlagCountsOf, visibleFlagById } from './pages-repository.js';
import { villageLabels } from './labels.js';
import { listsWithOldHashes } from './old-hashes.js';
import * as repo from './repository.js';
import { canResolve, codeWithin, flagRecusal, regionScope, verifiesFlag, type FlagRecusal } from './scope.js';
import { isRowId, rowIdOf } from '../db/dialect.js';

export const PAGE_SIZE = 50;

export interface FlagFilter {
  status: 'open' | 'resolved' | 'all';
  kind: repo.FlagKind | '';
  region: string;
  before: number | null;
}

export function parseFlagFilter(query: Record<string, string | undefined>): FlagFilter {
  const status = query.status === 'resolved' || query.status === 'all' ? query.status : 'open';
  const kind = repo.isFlagKind(query.kind) ? query.kind : '';
  const region = /^\d{6,12}$/.test(query.region ?? '') ? query.region! : '';
  const before = rowIdOf(query.before) ?? null;
  return { status, kind, region, before };
}

/** The flag if this user may see it (else the route answers 404). */
export async function visibleFlag(db: Db, staff: StaffContext, id: number): Promise<repo.Flag | undefined> {
  if (!isRowId(id)) return undefined;
  const scope = await regionScope(db, staff);
  return visibleFlagById(db, id, visibility(staff, scope.regionCodes, await flagRecusal(db, staff.user.id)));
}

function visibility(staff: StaffContext, regionCodes: readonly string[], recusal: FlagRecusal) {
  return { userId: staff.user.id, regionCodes, hiddenRecipientIds: recusal.recipientIds, hiddenDeclarantIds: recusal.declarantIds };
}

export interface ResolveForm {
  flagId: number;
  values: { outcome: string; note: string };
  errors: Record<string, string>;
}

/** `namesShown`: the flags whose names the page shows in full, for the route to audit. */
export type FlagPageResult = { ok: true; context: Record<string, unknown>; namesShown: number[] } | { ok: false };

export async function flagPageContext(db: Db, staff: StaffContext, filter: FlagFilter, form: ResolveForm | null = null): Promise<FlagPageResult> {
  const scope = await regionScope(db, staff);
  let codes = scope.regionCodes;
  if (filter.region) {
    if (!(await codeWithin(db, filter.region, codes))) return { ok: false };
    codes = [filter.region];
  }
  const visible = visibility(staff, codes, await flagRecusal(db, staff.user.id));
  // A flag being resolved with a mistake stays on the page even when paging moved past it.
  const rows = await flagPage(db, visible, filter, filter.before, PAGE_SIZE + 1);
  const more = rows.length > PAGE_SIZE;
  const page = rows.slice(0, PAGE_SIZE);
  if (form && !page.some((f) => f.id === form.flagId)) {
    const extra = await visibleFlagById(db, form.flagId, visible);
    if (extra) page.unshift(extra);
  }

  const recipientRows = await recipientsByIds(db, page.map((f) => f.recipientId));
  const declarantRows = await declarantsByIds(db, page.map((f) => f.declarantId));
  const relativeIds = page.map((f) => f.relativeId).filter((id): id is number => id !== null);
  const relativeRows = await relativesByIds(db, relativeIds);
  const resolverIds = page.map((f) => f.resolvedBy).filter((id): id is number => id !== null);
  const resolvers = await userNames(db, resolverIds);
  const labels = await villageLabels(db, [...page.map((f) => f.villageCode), ...declarantRows.map((d) => d.homeVillageCode)]);
  const mayResolve = canResolve(staff);
  const villages = new Map((await findRegions(db, page.map((f) => f.villageCode))).map((r) => [r.code, r]));
  const namesShown: number[] = [];

  const flags = page.map((f) => {
    const r = recipientRows.find((x) => x.id === f.recipientId);
    const d = declarantRows.find((x) => x.id === f.declarantId);
    const rel = f.relativeId ? relativeRows.find((x) => x.id === f.relativeId) : undefined;
    const mine = form?.flagId === f.id ? form : null;
    const village = villages.get(f.villageCode);
    const full = verifiesFlag(staff, f, village?.parentCode ?? null);
    if (full) namesShown.push(f.id);
    const shown = (name: string) => (full ? name : maskName(name));
    // The roster keeps only the masked name; the full one is known where the recipient is the
    // declared relative (declared) or the declarant (declarant_receives), never for a possible relative.
    const recipientName = r ? (full && f.kind === 'declared' && rel ? rel.name : full && f.kind === 'declarant_receives' && d ? d.name : r.maskedName) : '';
    return {
      id: f.id,
      kind: f.kind,
      open: f.status === 'open',
      createdAt: f.createdAt,
      village: labels.get(f.villageCode) ?? f.villageCode,
      fullNames: full,
      recipient: r ? { name: recipientName, typeKey: assistanceTypeKey(r.type, village?.kind), active: r.status === 'active' } : null,
      declarant: d ? { id: d.id, name: shown(d.name), position: d.position, isUser: d.userId !== null, village: labels.get(d.homeVillageCode) ?? d.homeVillageCode } : null,
      relative: rel ? { name: shown(rel.name), relation: rel.relation } : null,
      resolvedAt: f.resolvedAt,
      actionNote: f.actionNote,
      resolvedBy: f.resolvedBy ? (resolvers.find((u) => u.id === f.resolvedBy)?.name ?? '') : null,
      autoClosed: f.status === 'resolved' && f.resolvedBy === null,
      canResolve: mayResolve && f.status === 'open',
      form: mine ? { values: mine.values, errors: mine.errors, hasErrors: Object.keys(mine.errors).length > 0 } : { values: { outcome: '', note: '' }, errors: {}, hasErrors: false },
    };
  });

  const own = await findRegion(db, staff.unit.regionCode);
  const options = own && own.level !== 'township' && own.level !== 'village' ? (await childrenOf(db, own.code)).filter((c) => c.level !== 'village') : [];
  const query = (over: Partial<Record<string, string>>) => {
    const p = new URLSearchParams();
    const merged = { status: filter.status, kind: filter.kind, region: filter.region, ...over };
    for (const [k, v] of Object.entries(merged)) if (v) p.set(k, v);
    return `/staff/cross-checks?${p.toString()}`;
  };
  return {
    ok: true,
    context: {
      filter,
      flags,
      openCount: await countFlags(db, visible, { status: 'open', kind: '' }),
      regionOptions: options.map((c) => ({ code: c.code, name: c.name, selected: c.code === filter.region })),
      regionName: filter.region ? ((await findRegion(db, filter.region))?.name ?? null) : (own?.name ?? null),
      kinds: repo.FLAG_KINDS,
      nextHref: more ? query({ before: String(page[page.length - 1]!.id) }) : null,
      canResolve: mayResolve,
      // Under SM: the lists of the region still hashed only under HMAC-SHA256 (issue 23).
      oldHashLists: await listsWithOldHashes(db, codes),
    },
    namesShown,
  };
}

/** How many open flags a declarant has (none shown to the declarant themselves). */
export async function openFlagCounts(db: Db, declarantsShown: readonly { id: number; userId: number | null }[], selfUserId: number): Promise<Map<number, number>> {
  return openFlagCountsOf(db, declarantsShown.filter((d) => d.userId !== selfUserId).map((d) => d.id));
}
