// The working-day calendar: which dates are 工作日 (DESIGN.md §3, "Legal clocks").
//
// Precedence for a date: the operator's override table, then chinese-days' arrangement for the
// year, then — for a year neither covers — Monday to Friday. Results that had to rely on that last
// rule name the year (uncoveredYear), so administrators can be warned to enter the year's
// arrangement before deadlines in it are trusted.
import { addDays, dayNumber, fromDayNumber, toCstDate, weekday, yearOf, type DateInput, type IsoDate } from './dates.js';
import { packageCoversYear, packageDayKind } from './holiday-data.js';

/** A row of the operator-editable table; it wins over chinese-days. */
export interface HolidayOverride {
  date: IsoDate;
  kind: 'holiday' | 'workday';
  note?: string;
}

export interface DayInfo {
  date: IsoDate;
  workday: boolean;
  /** Where the answer came from; 'weekday-rule' is Monday to Friday, nothing more. */
  source: 'override' | 'chinese-days' | 'weekday-rule';
  /** Whether the date's year has a complete calendar (see Calendar.covers). */
  covered: boolean;
  /** Holiday name from chinese-days, or the override's note. */
  name?: string;
}

/** A result and, when it relied on a year without a calendar, the first such year. */
export type Flagged<T> = T & { uncoveredYear?: number };

export interface Calendar {
  isWorkday(date: DateInput): boolean;
  day(date: DateInput): DayInfo;
  /** The n-th working day after start (start itself is not counted); n = 0 gives start. */
  addWorkingDays(start: DateInput, n: number): Flagged<{ date: IsoDate }>;
  /** Plain date arithmetic; needs no holiday data, so it carries no flag. */
  addCalendarDays(start: DateInput, n: number): IsoDate;
  /** date itself if it is a working day, else the first working day after it. */
  nextWorkdayFrom(date: DateInput): Flagged<{ date: IsoDate }>;
  /**
   * Working days d with a < d ≤ b (negative when b < a), so that
   * workingDaysBetween(a, addWorkingDays(a, n).date).days === n.
   */
  workingDaysBetween(a: DateInput, b: DateInput): Flagged<{ days: number }>;
  /** chinese-days has the year, or the operator declared it fully entered (coveredYears). */
  covers(year: number): boolean;
}

/**
 * overrides: the operator's table. coveredYears: years the operator has entered completely (a few
 * override rows in a year do not make it covered: a missing 春节 would go unnoticed).
 */
export function createCalendar(overrides: readonly HolidayOverride[] = [], coveredYears: readonly number[] = []): Calendar {
  const byDate = indexOverrides(overrides);
  const declared = new Set(coveredYears);
  const covers = (year: number) => packageCoversYear(year) || declared.has(year);

  const day = (input: DateInput): DayInfo => {
    const date = toCstDate(input);
    const covered = covers(yearOf(date));
    const override = byDate.get(date);
    if (override) {
      return { date, workday: override.kind === 'workday', source: 'override', covered, ...(override.note ? { name: override.note } : {}) };
    }
    const pkg = packageDayKind(date);
    if (pkg) return { date, workday: pkg.kind === 'workday', source: 'chinese-days', covered, name: pkg.name };
    const wd = weekday(date);
    // An ordinary day of a year chinese-days has is still its answer; otherwise only the weekday rule.
    const source = packageCoversYear(yearOf(date)) ? 'chinese-days' : 'weekday-rule';
    return { date, workday: wd >= 1 && wd <= 5, source, covered };
  };

  // Walks forward one day at a time, remembering the first uncovered year it looked at.
  const walker = () => {
    let uncoveredYear: number | undefined;
    return {
      isWorkday(date: IsoDate): boolean {
        const y = yearOf(date);
        if (uncoveredYear === undefined && !covers(y)) uncoveredYear = y;
        return day(date).workday;
      },
      flag: () => (uncoveredYear === undefined ? {} : { uncoveredYear }),
    };
  };

  return {
    isWorkday: (date) => day(date).workday,
    day,
    covers,
    addCalendarDays: (start, n) => addDays(start, n),

    addWorkingDays(start, n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
      const w = walker();
      let current = dayNumber(toCstDate(start));
      for (let left = n; left > 0; ) {
        current += 1;
        if (w.isWorkday(fromDayNumber(current))) left -= 1;
      }
      return { date: fromDayNumber(current), ...w.flag() };
    },

    nextWorkdayFrom(input) {
      const w = walker();
      let current = dayNumber(toCstDate(input));
      while (!w.isWorkday(fromDayNumber(current))) current += 1;
      return { date: fromDayNumber(current), ...w.flag() };
    },

    workingDaysBetween(a, b) {
      const from = dayNumber(toCstDate(a));
      const to = dayNumber(toCstDate(b));
      const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
      const w = walker();
      let days = 0;
      for (let n = lo + 1; n <= hi; n += 1) if (w.isWorkday(fromDayNumber(n))) days += 1;
      return { days: sign * days, ...w.flag() };
    },
  };
}

function indexOverrides(overrides: readonly HolidayOverride[]): Map<IsoDate, HolidayOverride> {
  const byDate = new Map<IsoDate, HolidayOverride>();
  for (const row of overrides) {
    const date = toCstDate(row.date);
    if (row.kind !== 'holiday' && row.kind !== 'workday') throw new RangeError(`override ${date}: kind must be holiday or workday`);
    const earlier = byDate.get(date);
    if (earlier && earlier.kind !== row.kind) throw new RangeError(`override ${date} is both a holiday and a workday`);
    byDate.set(date, row);
  }
  return byDate;
}
