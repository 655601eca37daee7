// Which reports a staff user sees, as SQL (DESIGN.md §4): the condition scope.ts caches per request
// and other repositories of the reports domain (and other features' repositories, through
// scopeOf(…).condition) add to their own statements.
import { and, eq, inArray, not, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { onPostgres } from '../../../db/engine.js';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { reports } from '../../tables.js';
import type { Report } from '../../repository.js';
import { referrals } from '../../referrals/tables.js';
import { transfers } from '../../transfers/tables.js';
import { integerList, personNameKeyOf } from '../../../db/dialect.js';
import { personNameKey } from '../../../shared/person-name.js';

/** A condition on the reports table (a drizzle SQL fragment). */
export type ReportCondition = SQL;

export interface ScopeFacts {
  unit: { id: number; kind: string; regionCode: string };
  /** The user's unit and every unit below it. */
  unitIds: number[];
  homeVillageCode: string | null;
  /** People the user is recused from (recusal.ts conflictPairs): by name + township and by keyed ID hash, each when known. */
  conflicts: { name: string; township: string | null; idHash?: string | null }[];
  /** Subject positions at township level or below. */
  townshipOrBelow: readonly string[];
}

/**
 * A column SQLite is not to read through an index (`+column`, SQLite's documented way): for a unit
 * tree holding many reports, reading the reports in time order and testing the tree
 * on each row finds a page's 50 rows after a few hundred, where the three unit indexes yield every
 * report of the tree to be sorted first (a prefecture 0.3 s, the province 1.7 s: issue 22).
 * PostgreSQL chooses by its statistics: there the column is left as it is.
 */
const unindexed = (column: SQLWrapper): SQL => (onPostgres ? sql`${column}` : sql`+${column}`);

/**
 * The condition for the reports a user with these facts sees. Builds SQL only; runs nothing. With
 * `inTimeOrder`, a civil-affairs tree is tested row by row rather than read through the unit
 * indexes (for a page in time order over a wide tree, see `unindexed`); the rows are the same.
 */
export async function scopeCondition(db: Executor, s: ScopeFacts, options: { inTimeOrder?: boolean } = {}): Promise<ReportCondition> {
  const conditions: SQL[] = [];
  if (s.unit.kind === 'civil_affairs') {
    // The unit tree as one JSON parameter rather than three inline lists of ~250 ids each: the
    // statement stays small and each branch can still be read through its own index.
    const tree = integerList(s.unitIds);
    const column = (c: SQLWrapper) => (options.inTimeOrder ? unindexed(c) : sql`${c}`);
    conditions.push(sql`(${column(reports.handlingUnitId)} in ${tree} or ${column(reports.assignedUnitId)} in ${tree} or ${column(reports.reviewUnitId)} in ${tree})`);
  } else if (s.unit.kind === 'township_gov') {
    // Only what is assigned to the township, and never a report about its own officials.
    conditions.push(eq(reports.assignedUnitId, s.unit.id));
    // coalesce: a report without a subject position is not about the township's officials (a bare
    // NULL would make the whole condition unknown and hide every such report from the township).
    conditions.push(not(and(eq(reports.townshipCode, s.unit.regionCode), inArray(sql`coalesce(${reports.subjectPosition}, '')`, [...s.townshipOrBelow]))!));
  } else if (s.unit.kind === 'discipline') {
    // A body sees the referrals addressed to it and to the bodies it supervises, nothing else, and
    // only while the referral is open: a returned referral is no longer its business (issue 16), a
    // concluded one it keeps in its own workspace (/staff/referrals).
    conditions.push(inArray(reports.id, db.select({ id: referrals.reportId }).from(referrals).where(and(inArray(referrals.bodyUnitId, s.unitIds), inArray(referrals.status, ['pending', 'accepted'])))));
  } else {
    // A department sees the reports transferred to it while the transfer is open; once it reported
    // its outcome or returned the transfer its part has ended (issue 16).
    conditions.push(inArray(reports.id, db.select({ id: transfers.reportId }).from(transfers).where(and(eq(transfers.departmentUnitId, s.unit.id), inArray(transfers.status, ['sent', 'received'])))));
  }
  // Recusal: reports from the user's home village or about them or their declared relatives.
  if (s.homeVillageCode) conditions.push(sql`${reports.placeCode} <> ${s.homeVillageCode}`);
  for (const pair of s.conflicts) {
    const key = personNameKey(pair.name);
    if (!pair.township || !key) continue;
    // The township first: most rows differ there, and the name's key is then never worked out.
    conditions.push(sql`not (coalesce(${reports.townshipCode}, '') = ${pair.township} and ${personNameKeyOf(reports.subjectName)} = ${key})`);
  }
  // By keyed ID hash (an objection's recipient, issue 19 item 4). coalesce: a report without a hash
  // is about nobody known, so it stays visible (a bare NULL `not in` would hide it from every
  // declarant); empty hashes are left out so '' never matches.
  const hashes = [...new Set(s.conflicts.map((p) => p.idHash).filter((h): h is string => !!h))];
  if (hashes.length > 0) conditions.push(not(inArray(sql`coalesce(${reports.subjectIdHash}, '')`, hashes)));
  return and(...conditions)!;
}

/** The report with this id if it meets the condition. */
export async function findReportWhere(db: Executor, id: number, condition: ReportCondition): Promise<Report | undefined> {
  return query(db, (q) => q.select().from(reports).where(and(eq(reports.id, id), condition)).get());
}

/** Of these report ids, those that meet the condition. */
export async function reportIdsWhere(db: Executor, ids: readonly number[], condition: ReportCondition): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await query(db, (q) => q.select({ id: reports.id }).from(reports).where(and(inArray(reports.id, [...ids]), condition)).all());
  return rows.map((r) => r.id);
}

/** How many reports meet the condition, counting at most `n`. */
export async function reportsWhereUpTo(db: Executor, condition: ReportCondition, n: number): Promise<number> {
  if (!(n > 0)) return 0;
  const row = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(q.select({ one: sql`1`.as('one') }).from(reports).where(condition).limit(n).as('upto')).get());
  return Number(row?.n ?? 0);
}

/** Whether `db` is inside a transaction: drizzle's PostgreSQL transaction, or an SQLite connection with one open. */
export async function insideTransaction(db: Executor): Promise<boolean> {
  if ('rollback' in db) return true;
  return (db as { $client?: { inTransaction?: unknown } }).$client?.inTransaction === true;
}
