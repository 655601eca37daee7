import { asc, eq, sql } from 'drizzle-orm';
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
