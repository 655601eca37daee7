// Data access for spot checks. Async, taking the database or a transaction handle; statements run
// through `query` (src/db/transaction.ts).
// Scope always follows the region_ancestors closure, never code prefixes (DESIGN.md §2).
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { END_STATES } from '../reports/index.js';
import { regions } from '../regions/index.js';
import type { Signals } from './sampler.js';
import { spotCheckRounds, spotCheckTargets, spotChecks } from './tables.js';

export type Round = typeof spotCheckRounds.$inferSelect;
export type Target = typeof spotCheckTargets.$inferSelect;
export type Check = typeof spotChecks.$inferSelect;
export type NewCheck = typeof spotChecks.$inferInsert;

/** The townships at or below `scopeCode`, in code order. */
export async function townshipsIn(db: Executor, scopeCode: string): Promise<{ code: string; name: string }[]> {
  // Phase 2: the regions feature's tables.
  return query(db, (q) =>
    q.all<{ code: string; name: string }>(sql`
    select r.code as code, r.name as name from region_ancestors a join regions r on r.code = a.region_code
    where a.ancestor_code = ${scopeCode} and r.level = 'township' order by r.code`),
  );
}

/** Regions strictly below `code` at the given levels (the optional restriction of a round). */
export async function regionsBelow(db: Executor, code: string, levels: string[]): Promise<{ code: string; name: string; level: string }[]> {
  if (levels.length === 0) return [];
  // Phase 2: the regions feature's tables.
  return query(db, (q) =>
    q.all<{ code: string; name: string; level: string }>(sql`
    select r.code as code, r.name as name, r.level as level from region_ancestors a join regions r on r.code = a.region_code
    where a.ancestor_code = ${code} and a.depth > 0 and r.level in (${sql.join(
      levels.map((l) => sql`${l}`),
      sql`, `,
    )}) order by r.code`),
  );
}

export interface SignalWindow {
  /** Today in China (YYYY-MM-DD): overdue means dueOn before it. */
  today: string;
  /** Reports received at or after this instant (ms) count as reports and findings. */
  reportsSince: number;
  /** A village with active recipients and no posting starting on or after this date has a stale roster. */
  postedSince: string;
}

const ZERO: Signals = { reports: 0, overdue: 0, substantiated: 0, staleVillages: 0 };

/** The weighting signals of every township below `scopeCode` that has any (others are all zero). */
export async function townshipSignals(db: Executor, scopeCode: string, w: SignalWindow): Promise<Map<string, Signals>> {
  const out = new Map<string, Signals>();
  const get = (code: string) => out.get(code) ?? { ...ZERO };
  const ended = sql.join(
    END_STATES.map((s) => sql`${s}`),
    sql`, `,
  );
  // Phase 2: reports, recipients, postings and region_ancestors are other features' tables; both
  // counts run in one `query`.
  const [reportRows, staleRows] = await query(db, (q) => [
    q.all<{ code: string; reports: number; overdue: number; substantiated: number }>(sql`
    select rp.township_code as code,
      sum(case when rp.received_at >= ${w.reportsSince} and rp.status <> 'merged' then 1 else 0 end) as reports,
      sum(case when rp.due_on is not null and rp.due_on < ${w.today} and rp.status not in (${ended}) then 1 else 0 end) as overdue,
      sum(case when rp.received_at >= ${w.reportsSince} and rp.status <> 'merged' and rp.finding in ('substantiated', 'partly') then 1 else 0 end) as substantiated
    from reports rp
    where rp.township_code in (select region_code from region_ancestors where ancestor_code = ${scopeCode})
    group by rp.township_code`),
    q.all<{ code: string; villages: number }>(sql`
    select rc.township_code as code, count(distinct rc.village_code) as villages
    from recipients rc
    where rc.status = 'active'
      and rc.township_code in (select region_code from region_ancestors where ancestor_code = ${scopeCode})
      and not exists (select 1 from postings p where p.village_code = rc.village_code and p.starts_on >= ${w.postedSince})
    group by rc.township_code`),
  ] as const);
  for (const r of reportRows) out.set(r.code, { ...get(r.code), reports: r.reports, overdue: r.overdue, substantiated: r.substantiated });
  for (const r of staleRows) out.set(r.code, { ...get(r.code), staleVillages: r.villages });
  return out;
}

export async function insertRound(db: Executor, row: typeof spotCheckRounds.$inferInsert): Promise<Round> {
  return query(db, (q) => q.insert(spotCheckRounds).values(row).returning().get());
}

export async function insertTargets(db: Executor, rows: (typeof spotCheckTargets.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await query(db, (q) => q.insert(spotCheckTargets).values(rows).run());
}

export async function findRound(db: Executor, id: number): Promise<Round | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
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
  // Phase 2: the township's name and county come from the regions feature's table.
  return query(db, (q) =>
    q
      .select({ target: spotCheckTargets, name: regions.name, countyCode: regions.parentCode })
      .from(spotCheckTargets)
      .innerJoin(regions, eq(regions.code, spotCheckTargets.townshipCode))
      .where(eq(spotCheckTargets.roundId, roundId))
      .orderBy(asc(spotCheckTargets.position))
      .all(),
  );
}

export async function findTarget(db: Executor, roundId: number, id: number): Promise<Target | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
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
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
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
