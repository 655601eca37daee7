// A running clock: where a deadline stands today, and how referral and transfer pause it.
import type { Calendar } from './calendar.js';
import { daysBetween, toCstDate, type DateInput, type IsoDate } from './dates.js';
import { computeDeadline, type ClockRule, type Deadline, type Stretch } from './rules.js';

export type ClockState = 'on_time' | 'due_soon' | 'overdue';

export interface ClockStateOptions {
  /** Calendar days before the due date from which a clock is "due soon" (the due day included). */
  soonDays: number;
}

/**
 * on_time, due_soon (due within soonDays calendar days, or today) or overdue (the due day is
 * over: a period ends at 24:00 China time on its last day, 民法典第二百零三条第二款).
 * `now` is an instant (read in China time) or a China date.
 */
export function clockState(due: IsoDate, now: DateInput, options: ClockStateOptions = { soonDays: 3 }): ClockState {
  if (!Number.isInteger(options.soonDays) || options.soonDays < 0) throw new RangeError(`soonDays must be a whole number ≥ 0, got ${options.soonDays}`);
  const left = daysBetween(toCstDate(now), due);
  if (left < 0) return 'overdue';
  return left <= options.soonDays ? 'due_soon' : 'on_time';
}

/**
 * A stretch during which the clock does not run: while a report is referred (移送) or transferred
 * (转办), the civil-affairs clock pauses and the other body's clock runs (DESIGN.md §3). Likewise a
 * re-review hearing (信访工作条例第三十六条第二款). `from` is the day it left, `to` the day it came
 * back, null while it is still away.
 */
export interface Pause {
  from: IsoDate;
  to: IsoDate | null;
}

export interface Clock {
  startedOn: IsoDate;
  rule: Pick<ClockRule, 'amount' | 'unit'>;
  pauses: readonly Pause[];
  /**
   * Approved extensions, in the rule's unit (信访工作条例第三十四条: one of at most 30日). Each runs
   * from the running due date — pauses already added back — never from the start again.
   */
  extensions?: readonly number[];
}

export interface ClockDue extends Deadline {
  /** Calendar days during which the clock stood still (pauses that began by the due date). */
  pausedDays: number;
  /** True while a pause is open: the due date shown assumes the report comes back today. */
  paused: boolean;
}

/**
 * The due date of a clock, pauses included. The choices:
 * - a pause from F to T stops the clock on the days after F up to and including T (T − F calendar
 *   days): the day it leaves still counts for the handler, who had it; a same-day return costs
 *   nothing; overlapping pauses count once; an open pause is counted up to today, so the due date
 *   moves forward a day each day the report is away.
 * - paused days are simply not counted (computeDeadline). For a calendar-day period that is the
 *   due date shifted by the paused calendar days, with the holiday rule applied to the shifted last
 *   day rather than the original one; for a working-day period, paused working days do not count.
 * - a pause that began after the clock had run out does not revive it: an overdue report stays
 *   overdue when it is referred late.
 * - a report never comes back already overdue: when a pause began on or before the due date but
 *   ended after it (it left on its last day, or during the holiday days that extended its period),
 *   it is due on the day it came back, or the first working day after.
 */
export function clockDue(clock: Clock, calendar: Calendar, now: DateInput): ClockDue {
  const start = toCstDate(clock.startedOn);
  const pauses = mergePauses(clock.pauses, start, toCstDate(now));
  let deadline = computeDeadline(clock.rule, start, calendar, pauses);
  for (const p of pauses) {
    if (p.from <= deadline.due && p.to > deadline.due) {
      const back = calendar.nextWorkdayFrom(p.to);
      const uncoveredYear = deadline.uncoveredYear ?? back.uncoveredYear;
      deadline = uncoveredYear === undefined ? { due: back.date } : { due: back.date, uncoveredYear };
    }
  }
  for (const amount of clock.extensions ?? []) {
    // 第三十四条: the extension is counted from the due date as it stands (paused days included),
    // in the rule's own unit; a pause after that date still stops the extended clock.
    const extended = computeDeadline({ amount, unit: clock.rule.unit }, deadline.due, calendar, pauses);
    const uncoveredYear = deadline.uncoveredYear ?? extended.uncoveredYear;
    deadline = uncoveredYear === undefined ? { due: extended.due } : { due: extended.due, uncoveredYear };
  }
  const due = deadline.due;
  const pausedDays = pauses.filter((p) => p.from <= due).reduce((sum, p) => sum + daysBetween(p.from, p.to), 0);
  const paused = clock.pauses.some((p) => p.to === null);
  return { ...deadline, pausedDays, paused };
}

/** clockDue and its state today; 'paused' while the report is away (no escalation then). */
export function clockStatus(clock: Clock, calendar: Calendar, now: DateInput, options: ClockStateOptions = { soonDays: 3 }): ClockDue & { state: ClockState | 'paused' } {
  const due = clockDue(clock, calendar, now);
  return { ...due, state: due.paused ? 'paused' : clockState(due.due, now, options) };
}

/** Sorted, non-overlapping, clipped to start at the clock's start; open pauses end today. */
function mergePauses(pauses: readonly Pause[], start: IsoDate, today: IsoDate): Stretch[] {
  const closed = pauses.map((p) => {
    const from = toCstDate(p.from);
    const to = p.to === null ? (today > from ? today : from) : toCstDate(p.to);
    if (to < from) throw new RangeError(`pause ends (${to}) before it starts (${from})`);
    return { from: from < start ? start : from, to };
  });
  const merged: Stretch[] = [];
  for (const p of closed.filter((p) => p.to > p.from).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    const last = merged.at(-1);
    if (last && p.from <= last.to) last.to = p.to > last.to ? p.to : last.to;
    else merged.push({ ...p });
  }
  return merged;
}
