// While a report is referred or transferred the civil-affairs clock stands still (DESIGN.md §3).
// Resuming moves the legal handling deadline by the calendar days it stood still.
import { addDays, daysBetween, toCstDate } from '../clocks/index.js';
import type { Report, NewReport } from '../reports/repository.js';

export function pauseChanges(now: number): Partial<NewReport> {
  return { pausedSince: now };
}

export function resumeChanges(report: Report, status: string, now: number): Partial<NewReport> {
  if (!report.pausedSince) return { status, pausedSince: null };
  const stood = Math.max(0, daysBetween(toCstDate(new Date(report.pausedSince)), toCstDate(new Date(now))));
  return { status, pausedSince: null, handlingDue: report.handlingDue ? addDays(report.handlingDue, stood) : report.handlingDue };
}
