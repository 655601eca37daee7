// The queries behind the cross-checks' pages: the flags a user may see. Kept out of the views so
// they hold no SQL (DESIGN.md §6). Async like every repository here, taking the database or a
// transaction's tx.
//
// The flags' visibility is one statement over the flags with the regions' and the declarations'
// conditions in it (a flag is seen by the declarant's home village too, and never by the declarant).
import { and, desc, eq, inArray, lt, not, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { declarantHomeWithinAny, declarantIsUser } from '../declarations/index.js';
import { regionWithinAny } from '../regions/index.js';
import type { FlagKind } from './flag-kinds.js';
import type { Flag } from './repository.js';
import { crossCheckFlags } from './tables.js';

// --- flags a user sees -----------------------------------------------------------------------

/** Whose flags: those in `regionCodes` (by the recipient's village or the declarant's home), minus flags about `userId`. */
export interface FlagVisibility {
  userId: number;
  regionCodes: readonly string[];
  /** Recusal beyond her own declaration: flags about her or her relatives, by roster entry and declarant (scope.ts flagRecusal). */
  hiddenRecipientIds?: readonly number[];
  hiddenDeclarantIds?: readonly number[];
}

/** A list's narrowing of the visible flags: a status ('all' for any) and a kind ('' for any). */
export interface FlagFilterValues {
  status: 'open' | 'resolved' | 'all';
  kind: FlagKind | '';
}

function visibleFlagsCondition(v: FlagVisibility): SQL {
  const hidden: SQL[] = [];
  // A declarant never sees a flag naming herself or a declared relative (issue 19 item 15).
  if (v.hiddenRecipientIds?.length) hidden.push(notInArray(crossCheckFlags.recipientId, [...v.hiddenRecipientIds]));
  if (v.hiddenDeclarantIds?.length) hidden.push(notInArray(crossCheckFlags.declarantId, [...v.hiddenDeclarantIds]));
  return and(
    or(regionWithinAny(crossCheckFlags.villageCode, v.regionCodes), declarantHomeWithinAny(crossCheckFlags.declarantId, v.regionCodes)),
    // Recusal (DESIGN.md §4): nobody sees or resolves the flags raised on their own declaration.
    not(declarantIsUser(crossCheckFlags.declarantId, v.userId)),
    ...hidden,
  )!;
}

function flagFilterCondition(v: FlagVisibility, f: FlagFilterValues): SQL {
  const conditions: SQL[] = [visibleFlagsCondition(v)];
  if (f.status !== 'all') conditions.push(eq(crossCheckFlags.status, f.status));
  if (f.kind) conditions.push(eq(crossCheckFlags.kind, f.kind));
  return and(...conditions)!;
}

/** The flag with this id if it is visible. */
export async function visibleFlagById(db: Executor, id: number, v: FlagVisibility): Promise<Flag | undefined> {
  return query(db, (q) => q.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.id, id), visibleFlagsCondition(v))).get());
}

/** A page of the visible flags matching the filter, newest first, keyset-paged by id. */
export async function flagPage(db: Executor, v: FlagVisibility, f: FlagFilterValues, beforeId: number | null, limit: number): Promise<Flag[]> {
  return query(db, (q) => {
    const where = flagFilterCondition(v, f);
    return q
      .select()
      .from(crossCheckFlags)
      .where(beforeId ? and(where, lt(crossCheckFlags.id, beforeId)) : where)
      .orderBy(desc(crossCheckFlags.id))
      .limit(limit)
      .all();
  });
}

/** How many visible flags match the filter. */
export async function countFlags(db: Executor, v: FlagVisibility, f: FlagFilterValues): Promise<number> {
  return (await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(crossCheckFlags).where(flagFilterCondition(v, f)).get()))?.n ?? 0;
}

/** Open flags per declarant, for these declarant ids. */
export async function openFlagCountsOf(db: Executor, declarantIds: readonly number[]): Promise<Map<number, number>> {
  if (declarantIds.length === 0) return new Map();
  const rows = await query(db, (q) =>
    q
      .select({ id: crossCheckFlags.declarantId, n: sql<number>`count(*)` })
      .from(crossCheckFlags)
      .where(and(inArray(crossCheckFlags.declarantId, [...declarantIds]), eq(crossCheckFlags.status, 'open')))
      .groupBy(crossCheckFlags.declarantId)
      .all(),
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}
