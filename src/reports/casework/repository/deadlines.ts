// The deadline sweep's statement (scheduler.ts).
import { and, inArray, isNotNull, lte } from 'drizzle-orm';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { reports } from '../../tables.js';
import type { Report } from '../../repository.js';

/** Reports in one of these states whose running clock is due on or before `horizon` (a China date). */
export async function reportsDueBy(db: Executor, states: readonly string[], horizon: string): Promise<Report[]> {
  return query(db, (q) =>
    q
      .select()
      .from(reports)
      .where(and(inArray(reports.status, [...states]), isNotNull(reports.dueOn), lte(reports.dueOn, horizon)))
      .all(),
  );
}
