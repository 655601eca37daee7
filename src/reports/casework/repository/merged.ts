// The reports merged into a master (合并办理, issue 19 item 7): the master's staff page lists them.
import { asc, eq } from 'drizzle-orm';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { reports } from '../../tables.js';

/** A cap on the list: a master gathers a handful of duplicates; the page never reads without bound. */
export const MERGED_LIST_MAX = 200;

/** Id, case number and receipt of the reports merged into `masterId`, oldest first (reports_merged_into_idx). */
export async function reportsMergedInto(db: Executor, masterId: number): Promise<{ id: number; caseNo: string; receivedAt: number }[]> {
  return query(db, (q) =>
    q
      .select({ id: reports.id, caseNo: reports.caseNo, receivedAt: reports.receivedAt })
      .from(reports)
      .where(eq(reports.mergedIntoId, masterId))
      .orderBy(asc(reports.id))
      .limit(MERGED_LIST_MAX)
      .all(),
  );
}
