// Data access for the administrators' pages that no other feature offers: a user's open work and
// its hand-over. Users, the audit log and the holiday table are read and written through their
// features' indexes (users, audit, calendar).
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { reports } from '../reports/index.js';

export type ReportRow = typeof reports.$inferSelect;

export async function openWorkOf(db: Executor, userId: number, statuses: readonly string[]): Promise<ReportRow[]> {
  return query(db, (q) =>
    q
      .select()
      .from(reports)
      .where(and(eq(reports.assigneeId, userId), inArray(reports.status, [...statuses])))
      .orderBy(asc(reports.id))
      .all(),
  );
}

export async function reassign(db: Executor, reportId: number, fromUserId: number, toUserId: number, now: number): Promise<boolean> {
  const result = await query(db, (q) =>
    q
      .update(reports)
      .set({ assigneeId: toUserId, updatedAt: now })
      .where(and(eq(reports.id, reportId), eq(reports.assigneeId, fromUserId)))
      .run(),
  );
  return result.changes === 1;
}
