// The report status hook (issue 24): every change of a report's status (DESIGN.md §3) is told to the
// features that depend on reports — the exchange queues a partner's webhook event, the SMS channel a
// reporter's text — inside the transition's own transaction, so a listener's write commits or rolls
// back with the change (no polling, no lost or doubled event). Emitted by each transition: casework's
// applyStepIn (staff steps, referrals, transfers, reviews answered) and tracking (review requested,
// withdrawn). Filing is no transition: a new report starts at `received` with nothing before it.
import type { Executor } from '../db/executor.js';
import { changeSignal } from '../shared/change-signal.js';

export interface ReportStatusContext {
  /** The transition's transaction: listeners write through it. */
  db: Executor;
}

export interface ReportStatusChange {
  reportId: number;
  status: string;
  previous: string;
}

const statusChanged = changeSignal<ReportStatusContext, ReportStatusChange>();

/** Registers a listener once (the dependant calls it when it loads). */
export const onReportStatusChanged = statusChanged.on;

/** Tells the listeners of one report's change; nothing when the status stayed the same. */
export async function reportStatusChanged(db: Executor, reportId: number, previous: string, status: string, now: number): Promise<void> {
  if (status === previous) return;
  await statusChanged.emit({ db }, [{ reportId, status, previous }], now);
}
