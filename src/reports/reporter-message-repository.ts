// What the limit on a reporter's messages reads (reporter-message-limit.ts): when the reporter left
// messages on one report lately. Read from report_events, the messages' own record, so the count is
// the same on every app node and survives a restart.
import { and, asc, eq, gte } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { reportEvents } from './tables.js';

/** When the reporter's messages on `reportId` since `since` were left, oldest first (report_events_report_idx narrows to the report). */
export async function reporterMessageTimes(db: Executor, reportId: number, since: number): Promise<number[]> {
  const rows = await query(db, (q) =>
    q
      .select({ at: reportEvents.at })
      .from(reportEvents)
      .where(and(eq(reportEvents.reportId, reportId), eq(reportEvents.type, 'reporter_message'), eq(reportEvents.actorType, 'reporter'), gte(reportEvents.at, since)))
      .orderBy(asc(reportEvents.at))
      .all(),
  );
  return rows.map((r) => r.at);
}
