// Comparing an imported list with a village's roster and applying the difference: new people,
// changed household size / amount / type (or a corrected name that masks differently), and the
// people of the village who are no longer on the list. Every change is announced in a posting
// (公示) of that village; the roster row is updated at once, and the posting keeps the history.
// A person is matched under both crypto profiles (any hash of the row equals any stored hash, issue
// 23); a stored row whose hashes are not exactly the list's (one from before both were kept) takes
// the list's — no public change, so no posting — which is what completes a switch of profile.
import { idHashesOf } from './id-number.js';
import type { Executor } from '../db/executor.js';
import type { IsoDate } from '../clocks/index.js';
import * as repo from './repository.js';
import type { PostingPeriod, StoredType } from './posting-rules.js';

/** One person of an imported list, as the roster keeps them (no clear name or ID number). */
export interface RosterRow {
  villageCode: string;
  idHash: string;
  idHashAlt: string | null;
  maskedName: string;
  surname: string;
  householdSize: number;
  monthlyAmountFen: number;
  type: StoredType;
}

export type Change = 'new' | 'changed' | 'removed';

export interface PlannedChange {
  change: Change;
  row: RosterRow;
  /** The existing roster row (changed, removed, or a removed person coming back as new). */
  existing?: repo.Recipient;
}

export interface VillagePlan {
  villageCode: string;
  changes: PlannedChange[];
  /** Stored rows listed again whose hashes the list's replace (issue 23); not announced. */
  rehash: { id: number; idHash: string; idHashAlt: string | null }[];
}

function differs(a: repo.Recipient, b: RosterRow): boolean {
  return a.householdSize !== b.householdSize || a.monthlyAmountFen !== b.monthlyAmountFen || a.type !== b.type || a.maskedName !== b.maskedName;
}

/**
 * What an import changes, village by village (only the villages in the file: a list of one village
 * removes nobody elsewhere). `current` is every roster row of those villages, active or removed.
 * Order within a village: new, changed, removed, each in file / roster order.
 */
export function planChanges(rows: readonly RosterRow[], current: readonly repo.Recipient[]): VillagePlan[] {
  const villages = [...new Set(rows.map((r) => r.villageCode))];
  const byVillage = new Map<string, Map<string, repo.Recipient>>();
  for (const r of current) {
    const m = byVillage.get(r.villageCode) ?? new Map<string, repo.Recipient>();
    for (const h of idHashesOf(r)) m.set(h, r);
    byVillage.set(r.villageCode, m);
  }
  return villages.map((code) => {
    const existing = byVillage.get(code) ?? new Map<string, repo.Recipient>();
    const listed = rows.filter((r) => r.villageCode === code);
    const seen = new Set(listed.flatMap(idHashesOf));
    const added: PlannedChange[] = [];
    const changed: PlannedChange[] = [];
    const rehash: VillagePlan['rehash'] = [];
    for (const row of listed) {
      const before = idHashesOf(row).map((h) => existing.get(h)).find((r) => r !== undefined);
      if (before && (before.idHash !== row.idHash || before.idHashAlt !== row.idHashAlt)) rehash.push({ id: before.id, idHash: row.idHash, idHashAlt: row.idHashAlt });
      if (!before) added.push({ change: 'new', row });
      else if (before.status !== 'active') added.push({ change: 'new', row, existing: before });
      else if (differs(before, row)) changed.push({ change: 'changed', row, existing: before });
    }
    const removed: PlannedChange[] = [...new Set(existing.values())]
      .filter((r) => r.status === 'active' && !idHashesOf(r).some((h) => seen.has(h)))
      .sort((a, b) => a.id - b.id)
      .map((r) => ({ change: 'removed', existing: r, row: { villageCode: code, idHash: r.idHash, idHashAlt: r.idHashAlt, maskedName: r.maskedName, surname: r.surname, householdSize: r.householdSize, monthlyAmountFen: r.monthlyAmountFen, type: r.type as StoredType } }));
    return { villageCode: code, changes: [...added, ...changed, ...removed], rehash };
  });
}

export interface ApplyContext {
  importId: number;
  townshipCode: string;
  countyCode: string;
  period: PostingPeriod;
  /** The date removals and (re)admissions take effect: the posting's first day. */
  today: IsoDate;
  now: number;
}

export interface AppliedVillage {
  villageCode: string;
  postingId: number;
  added: number;
  changed: number;
  removed: number;
}

/** Writes one posting per village with changes, the roster rows and the posting entries. */
export async function applyPlans(tx: Executor, plans: readonly VillagePlan[], ctx: ApplyContext): Promise<AppliedVillage[]> {
  const out: AppliedVillage[] = [];
  for (const plan of plans) {
    for (const r of plan.rehash) await repo.updateRecipient(tx, r.id, { idHash: r.idHash, idHashAlt: r.idHashAlt });
    if (plan.changes.length === 0) continue;
    const posting = await repo.insertPosting(tx, {
      villageCode: plan.villageCode,
      townshipCode: ctx.townshipCode,
      countyCode: ctx.countyCode,
      importId: ctx.importId,
      startsOn: ctx.period.startsOn,
      endsOn: ctx.period.endsOn,
      createdAt: ctx.now,
    });
    const published = (r: RosterRow) => ({ maskedName: r.maskedName, householdSize: r.householdSize, monthlyAmountFen: r.monthlyAmountFen, type: r.type });
    const fresh = plan.changes.filter((c) => c.change === 'new' && !c.existing);
    const inserted = await repo.insertRecipients(
      tx,
      fresh.map((c) => ({
        ...published(c.row),
        villageCode: plan.villageCode,
        townshipCode: ctx.townshipCode,
        countyCode: ctx.countyCode,
        idHash: c.row.idHash,
        idHashAlt: c.row.idHashAlt,
        surname: c.row.surname,
        status: 'active',
        sinceOn: ctx.today,
        removedOn: null,
        lastPostingId: posting.id,
        updatedAt: ctx.now,
      })),
    );
    const idOf = new Map(inserted.map((r) => [r.idHash, r.id]));
    const entries: { postingId: number; recipientId: number; change: Change; maskedName: string; householdSize: number; monthlyAmountFen: number; type: string }[] = [];
    for (const c of plan.changes) {
      let recipientId: number;
      if (c.existing) {
        recipientId = c.existing.id;
        if (c.change === 'removed') {
          await repo.updateRecipient(tx, recipientId, { status: 'removed', removedOn: ctx.today, lastPostingId: posting.id, updatedAt: ctx.now });
        } else {
          // Changed, or a removed person listed again: back on the roster from today.
          const back = c.change === 'new' ? { status: 'active', sinceOn: ctx.today, removedOn: null } : {};
          await repo.updateRecipient(tx, recipientId, { ...published(c.row), surname: c.row.surname, ...back, lastPostingId: posting.id, updatedAt: ctx.now });
        }
      } else {
        recipientId = idOf.get(c.row.idHash)!;
      }
      entries.push({ postingId: posting.id, recipientId, change: c.change, ...published(c.row) });
    }
    await repo.insertEntries(tx, entries);
    const count = (k: Change) => plan.changes.filter((c) => c.change === k).length;
    out.push({ villageCode: plan.villageCode, postingId: posting.id, added: count('new'), changed: count('changed'), removed: count('removed') });
  }
  return out;
}
