// While a report is referred or transferred the civil-affairs clock stands still (DESIGN.md §3).
// These only mark the report as away and back: how long it stood still, and the due date that
// follows, is the clock engine's rule (src/clocks/state.ts clockDue, read from the timeline by
// src/clocks/report.ts handlingClockOf), applied by applyStep in workflow.ts on every step.
import type { Report, NewReport } from '../repository.js';

export function pauseChanges(now: number): Partial<NewReport> {
  return { pausedSince: now };
}

/** Back from the body or department: the step's own event (referral_returned, transfer_outcome …) ends the pause. */
export function resumeChanges(_report: Report, status: string, _now: number): Partial<NewReport> {
  return { status, pausedSince: null };
}
