// Data access for spot checks. Async, taking the database or a transaction handle; statements run
// through `query` (src/db/transaction.ts).
// Regions (names, scope) come from the regions feature; a township's signals from the features
// that own them (see service.ts signalsAt).
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { regionNameOf, regionParentOf } from '../regions/index.js';
import { spotCheckRounds, spotCheckTargets, spotChecks } from './tables.js';
import { isRowId } from '../db/dialect.js';

export type Round = typeof spotCheckRounds.$inferSelect;
export type Target = typeof spotCheckTargets.$inferSelect;
export type Check = typeof spotChecks.$inferSelect;
export type NewCheck = typeof spotChecks.$inferInsert;

export async function insertRound(db: Executor, row: typeof spotCheckRounds.$inferInsert): Promise<Round> {
  return query(db, (q) => q.insert(spotCheckRounds).values(row).returning().get());
}

export async function insertTargets(db: Executor, rows: (typeof spotCheckTargets.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await query(db, (q) => q.insert(spotCheckTargets).values(rows).run());
}

export async function findRound(db: Executor, id: number): Promise<Round | undefined> {
  if (!isRowId(id)) return undefined;
  return query(db, (q) => q.select().from(spotCheckRounds).where(eq(spotCheckRounds.id, id)).get());
}

/** The rounds of one inspecting unit, newest first, with how many targets were checked. */
export async function roundsOf(db: Executor, unitId: number) {
  return query(db, (q) =>
    q
      .select({
        round: spotCheckRounds,
        checked: sql<number>`(select count(distinct ${spotChecks.targetId}) from ${spotChecks} where ${spotChecks.roundId} = ${spotCheckRounds.id})`,
      })
      .from(spotCheckRounds)
      .where(eq(spotCheckRounds.unitId, unitId))
      .orderBy(desc(spotCheckRounds.id))
      .all(),
  );
}

/** A round's targets in draw order, with the township's name and its county (parent) code. */
export async function targetsOf(db: Executor, roundId: number) {
  const rows = await query(db, (q) =>
    q
      .select({ target: spotCheckTargets, name: regionNameOf(spotCheckTargets.townshipCode), countyCode: regionParentOf(spotCheckTargets.townshipCode) })
      .from(spotCheckTargets)
      .where(eq(spotCheckTargets.roundId, roundId))
      .orderBy(asc(spotCheckTargets.position))
      .all(),
  );
  // A target whose township is not among the regions is left out, as the former join did.
  return rows.filter((r): r is typeof r & { name: string } => r.name !== null);
}

/** A round's targets as stored, in draw order (all of them, whether or not the township is among the regions). */
export async function targetRowsOf(db: Executor, roundId: number): Promise<Target[]> {
  return query(db, (q) => q.select().from(spotCheckTargets).where(eq(spotCheckTargets.roundId, roundId)).orderBy(asc(spotCheckTargets.position)).all());
}

export async function findTarget(db: Executor, roundId: number, id: number): Promise<Target | undefined> {
  if (!isRowId(id)) return undefined;
  return query(db, (q) =>
    q
      .select()
      .from(spotCheckTargets)
      .where(and(eq(spotCheckTargets.id, id), eq(spotCheckTargets.roundId, roundId)))
      .get(),
  );
}

export async function checksOf(db: Executor, roundId: number): Promise<Check[]> {
  return query(db, (q) => q.select().from(spotChecks).where(eq(spotChecks.roundId, roundId)).orderBy(asc(spotChecks.id)).all());
}

export async function findCheck(db: Executor, roundId: number, id: number): Promise<Check | undefined> {
  if (!isRowId(id)) return undefined;
  return query(db, (q) =>
    q
      .select()
      .from(spotChecks)
      .where(and(eq(spotChecks.id, id), eq(spotChecks.roundId, roundId)))
      .get(),
  );
}

export async function insertCheck(db: Executor, row: NewCheck): Promise<Check> {
  return query(db, (q) => q.insert(spotChecks).values(row).returning().get());
}

/** Links a check to its ledger item once; false when it already had one (a repeated POST). */
export async function linkLedgerItem(db: Executor, checkId: number, itemId: number): Promise<boolean> {
  const res = await query(db, (q) =>
    q
      .update(spotChecks)
      .set({ ledgerItemId: itemId })
      .where(and(eq(spotChecks.id, checkId), isNull(spotChecks.ledgerItemId)))
      .run(),
  );
  return res.changes === 1;
}
