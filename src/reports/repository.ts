import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { reportEvents, reports } from './tables.js';

export type Report = typeof reports.$inferSelect;
export type NewReport = typeof reports.$inferInsert;
export type ReportEvent = typeof reportEvents.$inferSelect;
export type NewReportEvent = typeof reportEvents.$inferInsert;

export function nextCaseNo(db: Executor, year: number): string {
  const next = db.get<{ n: number }>(sql`select coalesce(max(id), 0) + 1 as n from reports`)!.n;
  return `JL${year}-${String(next).padStart(6, '0')}`;
}

export function insertReport(db: Executor, row: NewReport): Report {
  return db.insert(reports).values(row).returning().get();
}

export function updateReport(db: Executor, id: number, values: Partial<NewReport>): void {
  db.update(reports).set(values).where(eq(reports.id, id)).run();
}

export function findReport(db: Executor, id: number): Report | undefined {
  return db.select().from(reports).where(eq(reports.id, id)).get();
}

/** A report by its case number, through the column's unique index. */
export function findByCaseNo(db: Executor, caseNo: string): Report | undefined {
  return db.select().from(reports).where(eq(reports.caseNo, caseNo)).get();
}

export function findByReceiptDigest(db: Executor, digest: string): Report | undefined {
  return db.select().from(reports).where(eq(reports.receiptDigest, digest)).get();
}

export function findBySubmissionDigest(db: Executor, digest: string): Report | undefined {
  return db.select().from(reports).where(eq(reports.submissionDigest, digest)).get();
}

export function insertEvent(db: Executor, row: NewReportEvent): ReportEvent {
  return db.insert(reportEvents).values(row).returning().get();
}

export function eventsOf(db: Executor, reportId: number, onlyVisibleToReporter = false): ReportEvent[] {
  const all = db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).all();
  return onlyVisibleToReporter ? all.filter((e) => e.visibleToReporter) : all;
}

/** Drops the one-day retry copy of query codes older than `before` (a retried POST comes within minutes). */
export function forgetRetryReceipts(db: Executor, before: number): void {
  db.update(reports).set({ receiptForRetry: null }).where(sql`${reports.receiptForRetry} is not null and ${reports.receivedAt} < ${before}`).run();
}

// Retention (issue 15, src/retention): which reports are past their period, and erasing the identity.

/**
 * Ids of reports in one of `endStates` whose last change (`updated_at`) is before `endedBefore` and
 * whose written answer, if opened, was first opened before `openedBefore` (so no review window is
 * open). With `ids`, only among those; with `withIdentity`, only those still holding an identity.
 */
export function reportsPastRetention(
  db: Executor,
  q: { endStates: readonly string[]; endedBefore: number; openedBefore: number; withIdentity?: boolean; ids?: readonly number[] },
): number[] {
  if (q.ids && q.ids.length === 0) return [];
  const conditions = [
    inArray(reports.status, [...q.endStates]),
    lt(reports.updatedAt, q.endedBefore),
    or(isNull(reports.answerFirstOpenedAt), lt(reports.answerFirstOpenedAt, q.openedBefore)),
    ...(q.withIdentity ? [isNotNull(reports.identitySealed)] : []),
  ];
  const out: number[] = [];
  // Chunks keep each statement under SQLite's bound-parameter limit.
  const chunks = q.ids ? Array.from({ length: Math.ceil(q.ids.length / 500) }, (_, i) => q.ids!.slice(i * 500, i * 500 + 500)) : [null];
  for (const part of chunks) {
    const where = part ? and(...conditions, inArray(reports.id, [...part])) : and(...conditions);
    for (const row of db.select({ id: reports.id }).from(reports).where(where).orderBy(asc(reports.id)).all()) out.push(row.id);
  }
  return out;
}

/** Deletes the sealed identity; `updated_at` stays, since it is the end time the schedule counts from. */
export function eraseIdentity(db: Executor, id: number, now: number): boolean {
  return db.update(reports).set({ identitySealed: null, identityErasedAt: now }).where(and(eq(reports.id, id), isNotNull(reports.identitySealed))).run().changes > 0;
}

/** Ids of reports still holding the one-day retry copy of their query code, filed before `before`. */
export function retryReceiptsBefore(db: Executor, before: number): number[] {
  return db.select({ id: reports.id }).from(reports).where(and(isNotNull(reports.receiptForRetry), lt(reports.receivedAt, before))).all().map((r) => r.id);
}

/** Reports of one county still waiting at intake, oldest first (the demo moves them along). */
export function receivedReportsInCounty(db: Executor, countyCode: string): Report[] {
  return db.select().from(reports).where(and(eq(reports.countyCode, countyCode), eq(reports.status, 'received'))).orderBy(asc(reports.receivedAt)).all();
}

/** How many reports the database holds (an unmarked database with reports is real data). */
export function reportCount(db: Executor): number {
  return db.get<{ n: number }>(sql`select count(*) as n from reports`)!.n;
}

/** Reports filed as objections to a roster entry that meet `condition` (a scope), newest first. */
export function objectionReports(db: Executor, condition: SQL, limit: number) {
  return db
    .select({ id: reports.id, caseNo: reports.caseNo, status: reports.status, receivedAt: reports.receivedAt, entryId: reports.objectionEntryId, placeCode: reports.placeCode })
    .from(reports)
    .where(and(condition, isNotNull(reports.objectionEntryId)))
    .orderBy(desc(reports.id))
    .limit(limit)
    .all();
}
