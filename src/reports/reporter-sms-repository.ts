// What the reporter SMS sweep reads (issue 24): the steps a real-name reporter is texted about, and
// the reports whose review window may be closing. Only real-name reports with an identity on record
// (an anonymous reporter has no number, and an erased identity none any more).
import { and, asc, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { reportEvents, reports } from './tables.js';

export interface TextableStep {
  eventId: number;
  reportId: number;
  type: string;
}

/** Visible steps of `types` since `since` on real-name reports with an identity, oldest first. */
export async function textableSteps(db: Executor, types: readonly string[], since: number): Promise<TextableStep[]> {
  return query(db, (q) =>
    q
      .select({ eventId: reportEvents.id, reportId: reportEvents.reportId, type: reportEvents.type })
      .from(reportEvents)
      .innerJoin(reports, eq(reports.id, reportEvents.reportId))
      .where(and(inArray(reportEvents.type, [...types]), gte(reportEvents.at, since), eq(reportEvents.visibleToReporter, true), eq(reports.realName, true), isNotNull(reports.identitySealed)))
      .orderBy(asc(reportEvents.id))
      .all(),
  );
}

/** Ids of real-name reports with an identity whose written answer (or review answer) came since `since`. */
export async function answeredRealNameReports(db: Executor, since: number): Promise<number[]> {
  const rows = await query(db, (q) =>
    q
      .selectDistinct({ id: reportEvents.reportId })
      .from(reportEvents)
      .innerJoin(reports, eq(reports.id, reportEvents.reportId))
      .where(and(inArray(reportEvents.type, ['answer', 'review_answer']), gte(reportEvents.at, since), eq(reports.realName, true), isNotNull(reports.identitySealed)))
      .orderBy(asc(reportEvents.reportId))
      .all(),
  );
  return rows.map((r) => r.id);
}
