import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { reportEvents, reports } from './tables.js';
import { nextNumber } from '../db/dialect.js';

export type Report = typeof reports.$inferSelect;
export type NewReport = typeof reports.$inferInsert;
export type ReportEvent = typeof reportEvents.$inferSelect;
export type NewReportEvent = typeof reportEvents.$inferInsert;

export async function nextCaseNo(db: Executor, year: number): Promise<string> {
  const next = (await query(db, (q) => q.get<{ n: number }>(sql`select ${nextNumber('report_case_numbers', sql`(select coalesce(max(id), 0) + 1 from reports)`)} as n`)))!.n;
  return `JL${year}-${String(next).padStart(6, '0')}`;
}

export async function insertReport(db: Executor, row: NewReport): Promise<Report> {
  return query(db, (q) => q.insert(reports).values(row).returning().get());
}

export async function updateReport(db: Executor, id: number, values: Partial<NewReport>): Promise<void> {
  await query(db, (q) => q.update(reports).set(values).where(eq(reports.id, id)).run());
}

export async function findReport(db: Executor, id: number): Promise<Report | undefined> {
  return query(db, (q) => q.select().from(reports).where(eq(reports.id, id)).get());
}

/** The case numbers of `ids` (unknown ids left out), for lists kept by other features (in-app notices). */
export async function caseNumbersOf(db: Executor, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await query(db, (q) => q.select({ id: reports.id, caseNo: reports.caseNo }).from(reports).where(inArray(reports.id, [...ids])).all());
  return new Map(rows.map((r) => [r.id, r.caseNo]));
}

/** A report by its case number, through the column's unique index. */
export async function findByCaseNo(db: Executor, caseNo: string): Promise<Report | undefined> {
  return query(db, (q) => q.select().from(reports).where(eq(reports.caseNo, caseNo)).get());
}

/** The report whose receipt digest is one of `digests` (a code's digest under each crypto profile). */
export async function findByReceiptDigest(db: Executor, digests: string[]): Promise<Report | undefined> {
  return query(db, (q) => q.select().from(reports).where(inArray(reports.receiptDigest, digests)).get());
}

/** The report whose submission digest is one of `digests` (a form nonce's digest under each crypto profile). */
export async function findBySubmissionDigest(db: Executor, digests: string[]): Promise<Report | undefined> {
  return query(db, (q) => q.select().from(reports).where(inArray(reports.submissionDigest, digests)).get());
}

export async function insertEvent(db: Executor, row: NewReportEvent): Promise<ReportEvent> {
  return query(db, (q) => q.insert(reportEvents).values(row).returning().get());
}

export async function eventsOf(db: Executor, reportId: number, onlyVisibleToReporter = false): Promise<ReportEvent[]> {
  const all = await query(db, (q) => q.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).all());
  return onlyVisibleToReporter ? all.filter((e) => e.visibleToReporter) : all;
}

/** Drops the one-day retry copy of query codes older than `before` (a retried POST comes within minutes). */
export async function forgetRetryReceipts(db: Executor, before: number): Promise<void> {
  await query(db, (q) => q.update(reports).set({ receiptForRetry: null }).where(and(isNotNull(reports.receiptForRetry), lt(reports.receivedAt, before))).run());
}

// Retention (issue 15, src/retention): which reports are past their period, and erasing the identity.

/**
 * Ids of reports in one of `endStates` whose last change (`updated_at`) is before `endedBefore` and
 * whose written answer, if opened, was first opened before `openedBefore` (so no review window is
 * open). With `ids`, only among those; with `withIdentity`, only those still holding an identity.
 */
export async function reportsPastRetention(
  db: Executor,
  q: { endStates: readonly string[]; endedBefore: number; openedBefore: number; withIdentity?: boolean; ids?: readonly number[] },
): Promise<number[]> {
  if (q.ids && q.ids.length === 0) return [];
  const conditions = [
    inArray(reports.status, [...q.endStates]),
    lt(reports.updatedAt, q.endedBefore),
    or(isNull(reports.answerFirstOpenedAt), lt(reports.answerFirstOpenedAt, q.openedBefore)),
    ...(q.withIdentity ? [isNotNull(reports.identitySealed)] : []),
  ];
  // Chunks keep each statement under SQLite's bound-parameter limit.
  const chunks = q.ids ? Array.from({ length: Math.ceil(q.ids.length / 500) }, (_, i) => q.ids!.slice(i * 500, i * 500 + 500)) : [null];
  return query(db, async (d) => {
    const out: number[] = [];
    for (const part of chunks) {
      const where = part ? and(...conditions, inArray(reports.id, [...part])) : and(...conditions);
      for (const row of await d.select({ id: reports.id }).from(reports).where(where).orderBy(asc(reports.id)).all()) out.push(row.id);
    }
    return out;
  });
}

/** Deletes the sealed identity; `updated_at` stays, since it is the end time the schedule counts from. */
export async function eraseIdentity(db: Executor, id: number, now: number): Promise<boolean> {
  return (await query(db, (q) => q.update(reports).set({ identitySealed: null, identityErasedAt: now }).where(and(eq(reports.id, id), isNotNull(reports.identitySealed))).run())).changes > 0;
}

/** Ids of reports still holding the one-day retry copy of their query code, filed before `before`. */
export async function retryReceiptsBefore(db: Executor, before: number): Promise<number[]> {
  const rows = await query(db, (q) => q.select({ id: reports.id }).from(reports).where(and(isNotNull(reports.receiptForRetry), lt(reports.receivedAt, before))).all());
  return rows.map((r) => r.id);
}

/** Reports of one county still waiting at intake, oldest first (the demo moves them along). */
export async function receivedReportsInCounty(db: Executor, countyCode: string): Promise<Report[]> {
  return query(db, (q) => q.select().from(reports).where(and(eq(reports.countyCode, countyCode), eq(reports.status, 'received'))).orderBy(asc(reports.receivedAt)).all());
}

/** How many reports the database holds (an unmarked database with reports is real data). */
export async function reportCount(db: Executor): Promise<number> {
  return (await query(db, (q) => q.get<{ n: number }>(sql`select count(*) as n from reports`)))!.n;
}

/** Reports filed as objections to a roster entry that meet `condition` (a scope), newest first. */
export async function objectionReports(db: Executor, condition: SQL, limit: number) {
  return query(db, (q) =>
    q
      .select({ id: reports.id, caseNo: reports.caseNo, status: reports.status, receivedAt: reports.receivedAt, entryId: reports.objectionEntryId, placeCode: reports.placeCode })
      .from(reports)
      .where(and(condition, isNotNull(reports.objectionEntryId)))
      .orderBy(desc(reports.id))
      .limit(limit)
      .all(),
  );
}

/** Reports assigned to a user in the given states, oldest first (an administrator's view of a user's open work). */
export async function reportsAssignedTo(db: Executor, userId: number, statuses: readonly string[]): Promise<Report[]> {
  return query(db, (q) =>
    q
      .select()
      .from(reports)
      .where(and(eq(reports.assigneeId, userId), inArray(reports.status, [...statuses])))
      .orderBy(asc(reports.id))
      .all(),
  );
}

/** Moves a report from one assignee to another; false when it is no longer the first one's (someone acted meanwhile). */
export async function reassignReport(db: Executor, reportId: number, fromUserId: number, toUserId: number, now: number): Promise<boolean> {
  const result = await query(db, (q) =>
    q
      .update(reports)
      .set({ assigneeId: toUserId, updatedAt: now })
      .where(and(eq(reports.id, reportId), eq(reports.assigneeId, fromUserId)))
      .run(),
  );
  return result.changes === 1;
}

/** Reports by id (absent ids are left out). */
export async function findReports(db: Executor, ids: readonly number[]): Promise<Report[]> {
  if (ids.length === 0) return [];
  return query(db, (q) => q.select().from(reports).where(inArray(reports.id, [...new Set(ids)])).all());
}

// Key rotation (issue 23, src/key-rotation): reporters' identities still sealed under another profile.

/** A sealed value's first byte, its format version (1 intl, 2 sm), compared as a blob on both engines. */
function sealedVersionIsNot(column: typeof reports.identitySealed, version: number): SQL {
  return sql`substr(${column}, 1, 1) <> ${Buffer.from([version])}`;
}

/** Ids after `afterId` (up to `limit`, in id order) whose identity is sealed under a version other than `version`. */
export async function idsWithIdentityNotSealedAs(db: Executor, version: number, afterId: number, limit: number): Promise<number[]> {
  const rows = await query(db, (q) => q.select({ id: reports.id }).from(reports).where(and(gt(reports.id, afterId), isNotNull(reports.identitySealed), sealedVersionIsNot(reports.identitySealed, version))).orderBy(asc(reports.id)).limit(limit).all());
  return rows.map((r) => r.id);
}

/** How many identities are sealed under a version other than `version`. */
export async function countIdentitiesNotSealedAs(db: Executor, version: number): Promise<number> {
  const row = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(reports).where(and(isNotNull(reports.identitySealed), sealedVersionIsNot(reports.identitySealed, version))).get());
  return Number(row?.n ?? 0);
}

/** Replaces a sealed identity with its re-sealed value, provided it is still `old` (not erased or changed meanwhile). */
export async function replaceSealedIdentity(db: Executor, id: number, old: Buffer, next: Buffer): Promise<boolean> {
  return (await query(db, (q) => q.update(reports).set({ identitySealed: next }).where(and(eq(reports.id, id), eq(reports.identitySealed, old))).run())).changes > 0;
}
