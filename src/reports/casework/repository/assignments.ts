// The assignment sweep's statement (scheduler.ts, issue 19 item 2).
import { and, inArray, isNotNull, lte } from 'drizzle-orm';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { reports } from '../../tables.js';
import type { Report } from '../../repository.js';

/** Reports in one of these states, with a responsible person, whose 交办期限 is on or before `horizon` (a China date). */
export async function assignmentsDueBy(db: Executor, states: readonly string[], horizon: string): Promise<Report[]> {
  return query(db, (q) =>
    q
      .select()
      .from(reports)
      .where(and(inArray(reports.status, [...states]), isNotNull(reports.assigneeId), isNotNull(reports.assignmentDue), lte(reports.assignmentDue, horizon)))
      .all(),
  );
}
