// The clock a report runs on in each state, and its due date (DESIGN.md §3 "Legal clocks").
import { clockState, computeDeadline, ruleTable, todayInChina, type Calendar, type ClockState, type RuleId } from '../clocks/index.js';
import type { Report } from '../reports/repository.js';

const rules = ruleTable();

/** The rule that runs for a report in `status`, or null when no legal clock runs (end states). */
export function ruleFor(status: string, reviewLevel: number): RuleId | null {
  switch (status) {
    case 'received':
      return 'xinfang.register';
    case 'accepted':
    case 'assigned':
    case 'investigating':
    case 'concluded':
      return 'xinfang.handling';
    case 'under_review':
      return reviewLevel >= 2 ? 'xinfang.rereview_answer' : 'xinfang.review_answer';
    default:
      // referred/transferred pause the civil-affairs clock; rectifying runs on ledger deadlines.
      return null;
  }
}

export function dueFrom(calendar: Calendar, rule: RuleId, start: number | Date, extraDays = 0): { due: string; uncoveredYear?: number } {
  const base = computeDeadline({ ...rules[rule], amount: rules[rule].amount + extraDays }, new Date(start), calendar);
  return base;
}

export function assignmentObjectionDue(calendar: Calendar, assignedAt: number): string {
  return computeDeadline(rules['xinfang.assignment_objection'], new Date(assignedAt), calendar).due;
}

export function maxExtensionDays(): number {
  return rules['xinfang.handling_extension'].amount;
}

export type ClockView = { state: ClockState; due: string; rule: RuleId } | null;

export function clockOf(report: Pick<Report, 'dueOn' | 'clockRule'>, now = new Date()): ClockView {
  if (!report.dueOn || !report.clockRule) return null;
  return { state: clockState(report.dueOn, todayInChina(now)), due: report.dueOn, rule: report.clockRule as RuleId };
}
