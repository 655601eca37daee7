// The legal deadlines of a report, from the clock rules and the working-day calendar.
import { computeDeadline, ruleTable, type Calendar, type Deadline, type RuleId } from '../clocks/index.js';
import type { Db } from '../db/connection.js';
import { loadCalendar } from '../calendar/index.js';

const rules = ruleTable();

export function deadline(calendar: Calendar, rule: RuleId, start: number | Date): Deadline {
  return computeDeadline(rules[rule], new Date(start), calendar);
}

/** The calendar with the operator's holiday overrides (falls back to the package's data alone). */
export function calendarOf(db: Db): Calendar {
  return loadCalendar(db);
}
