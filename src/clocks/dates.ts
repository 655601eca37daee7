// Calendar dates in China Standard Time, as 'YYYY-MM-DD' strings.
//
// Legal periods count calendar dates, not instants, and the dates are those of the place where the
// report is handled: China (UTC+8, no daylight saving since 1991). A Date is an instant, so it maps
// to the calendar date it has in Beijing: 2026-02-14T16:00:00Z is already 2026-02-15. The process
// time zone (TZ) never enters: arithmetic runs on UTC day numbers.

/** A calendar date in China Standard Time, 'YYYY-MM-DD'. */
export type IsoDate = string;
/** A Date (an instant, read in UTC+8) or an IsoDate (taken as it is). */
export type DateInput = Date | IsoDate;

const CST_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a valid IsoDate; throws RangeError on anything else (2026-02-30 too). */
export function dayNumber(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: "${date}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const n = ms / DAY_MS;
  if (fromDayNumber(n) !== date) throw new RangeError(`no such calendar date: "${date}"`);
  return n;
}

export function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The China Standard Time calendar date of an instant, or the IsoDate itself (validated). */
export function toCstDate(input: DateInput): IsoDate {
  if (typeof input === 'string') {
    dayNumber(input);
    return input;
  }
  const ms = input.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return fromDayNumber(Math.floor((ms + CST_OFFSET_MS) / DAY_MS));
}

/** Today's date in China. */
export function todayInChina(now: Date = new Date()): IsoDate {
  return toCstDate(now);
}

export function addDays(date: DateInput, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`day count must be a whole number, got ${n}`);
  return fromDayNumber(dayNumber(toCstDate(date)) + n);
}

/** b − a in calendar days (negative when b is earlier). */
export function daysBetween(a: DateInput, b: DateInput): number {
  return dayNumber(toCstDate(b)) - dayNumber(toCstDate(a));
}

/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
export function weekday(date: IsoDate): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}
