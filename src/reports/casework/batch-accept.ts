// Batch 受理 (issue 19 item 12): intake accepts several received reports in one post. Each goes
// through the same steps as its own accept button — visible to the user (scope, recusal), allowed by
// the relation (permissions.ts), in the right state (workflow.accept) — in a transaction of its own
// with its own event and audit entry, so one refused report leaves the others accepted.
import type { StaffContext } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { authorize } from './permissions.js';
import { visibleReport } from './scope.js';
import * as wf from './workflow.js';
import { isRowId } from '../../db/dialect.js';

/** More than a page of the inbox is never posted by its form; a longer list is cut here. */
export const BATCH_MAX = 100;

export interface BatchOutcome {
  /** The id as posted; the case number only when the user may see the report. */
  id: number;
  caseNo: string | null;
  accepted: boolean;
  /** Why not, as a message key. */
  reason?: string;
}

/** The posted ids: whole positive numbers, each once, in the order given, at most BATCH_MAX. */
export function batchIds(posted: unknown): number[] {
  const list = Array.isArray(posted) ? posted : posted === undefined ? [] : [posted];
  const ids = list.map((v) => (typeof v === 'string' && /^\d{1,12}$/.test(v) ? Number(v) : NaN)).filter(isRowId);
  return [...new Set(ids)].slice(0, BATCH_MAX);
}

export async function acceptMany(deps: Deps, staff: StaffContext, ids: readonly number[], now = Date.now()): Promise<BatchOutcome[]> {
  const out: BatchOutcome[] = [];
  for (const id of ids) {
    const report = await visibleReport(deps.db, staff, id);
    // Another county's report, or one the user is recused from, answers as one that does not exist.
    if (!report) {
      out.push({ id, caseNo: null, accepted: false, reason: 'casework.batch.not_found' });
      continue;
    }
    try {
      await authorize(deps, staff, report, 'accept');
      await wf.accept(deps, staff, report, now);
      out.push({ id, caseNo: report.caseNo, accepted: true });
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500) throw err;
      out.push({ id, caseNo: report.caseNo, accepted: false, reason: err.messageKey });
    }
  }
  return out;
}
