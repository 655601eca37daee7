import { afterEach, describe, expect, it } from 'vitest';
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { createCalendar, type HolidayOverride } from '../../src/clocks/index.js';
import { addDays, weekday } from '../../src/clocks/dates.js';

const cal = createCalendar();
const holidays: Record<string, string> = data.holidays;
const makeUpDays: Record<string, string> = data.workdays;

const datesOf = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

describe('Spring Festival 2026 (春节)', () => {
  const feb = datesOf('2026-02-01', '2026-02-28');

  it("follows the package's table for every day of February", () => {
    for (const d of feb) {
      const expected = d in makeUpDays ? true : d in holidays ? false : weekday(d) >= 1 && weekday(d) <= 5;
      expect(cal.isWorkday(d), d).toBe(expected);
    }
    expect(feb.filter((d) => d in holidays)).toEqual(datesOf('2026-02-15', '2026-02-23'));
    expect(feb.filter((d) => d in makeUpDays)).toEqual(['2026-02-14', '2026-02-28']);
  });

  it('matches the State Council notice: off 15–23 Feb (nine days), Saturdays 14 and 28 Feb worked', () => {
    // Hand-checked: 2026-02-14 and 2026-02-28 are Saturdays, 2026-02-15 a Sunday, 2026-02-23 a Monday.
    expect([weekday('2026-02-14'), weekday('2026-02-15'), weekday('2026-02-23'), weekday('2026-02-28')]).toEqual([6, 0, 1, 6]);
    for (const d of datesOf('2026-02-15', '2026-02-23')) expect(cal.isWorkday(d), d).toBe(false);
    expect(cal.isWorkday('2026-02-14')).toBe(true);
    expect(cal.isWorkday('2026-02-28')).toBe(true);
    expect(cal.isWorkday('2026-02-13')).toBe(true);
    expect(cal.isWorkday('2026-02-24')).toBe(true);
    expect(cal.isWorkday('2026-02-07')).toBe(false); // an ordinary Saturday
    expect(cal.day('2026-02-17')).toEqual({ date: '2026-02-17', workday: false, source: 'chinese-days', covered: true, name: '春节' });
  });

  it('counts working days across the holiday, make-up Saturdays included', () => {
    // Thu 12 Feb: Fri 13, Sat 14 (make-up), then nothing until Tue 24, Wed 25, Thu 26.
    expect(cal.addWorkingDays('2026-02-12', 5)).toEqual({ date: '2026-02-26' });
    expect(cal.addWorkingDays('2026-02-13', 1)).toEqual({ date: '2026-02-14' });
    expect(cal.addWorkingDays('2026-02-14', 1)).toEqual({ date: '2026-02-24' });
    // Fri 27 → Sat 28 is a make-up workday, so one working day later is the 28th, not 2 March.
    expect(cal.addWorkingDays('2026-02-27', 1)).toEqual({ date: '2026-02-28' });
    expect(cal.workingDaysBetween('2026-02-12', '2026-02-27')).toEqual({ days: 6 });
    expect(cal.workingDaysBetween('2026-02-27', '2026-02-12')).toEqual({ days: -6 });
    expect(cal.workingDaysBetween('2026-02-14', '2026-02-23')).toEqual({ days: 0 });
    expect(cal.addWorkingDays('2026-02-16', 0)).toEqual({ date: '2026-02-16' });
  });
});

describe('National Day 2026 (国庆节)', () => {
  it('is off 1–7 October, with Sunday 20 September and Saturday 10 October worked', () => {
    for (const d of datesOf('2026-10-01', '2026-10-07')) expect(cal.isWorkday(d), d).toBe(false);
    expect(cal.isWorkday('2026-09-20')).toBe(true);
    expect(cal.isWorkday('2026-10-10')).toBe(true);
    expect(cal.isWorkday('2026-10-11')).toBe(false);
    // Mid-autumn 25–27 September just before.
    expect(cal.isWorkday('2026-09-25')).toBe(false);
  });

  it('counts working days across it', () => {
    // Mon 28 Sep: 29, 30, (1–7 off), Thu 8, Fri 9, Sat 10 (make-up).
    expect(cal.addWorkingDays('2026-09-28', 5)).toEqual({ date: '2026-10-10' });
    expect(cal.addWorkingDays('2026-09-28', 6)).toEqual({ date: '2026-10-12' });
    expect(cal.workingDaysBetween('2026-09-30', '2026-10-09')).toEqual({ days: 2 });
  });
});

describe('a year without a calendar (2027)', () => {
  it('is not covered: weekends only, and results say so', () => {
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2027)).toBe(false);
    expect(cal.covers(2003)).toBe(false);
    // 2027-01-01 is surely 元旦, but nothing here knows it yet: a plain Friday.
    expect(cal.isWorkday('2027-01-01')).toBe(true);
    expect(cal.isWorkday('2027-01-02')).toBe(false);
    // Mon 28 Dec 2026: 29, 30, 31, Fri 1 Jan, Mon 4 Jan.
    expect(cal.addWorkingDays('2026-12-28', 5)).toEqual({ date: '2027-01-04', uncoveredYear: 2027 });
    expect(cal.workingDaysBetween('2026-12-25', '2027-01-08')).toEqual({ days: 10, uncoveredYear: 2027 });
    expect(cal.nextWorkdayFrom('2027-01-02')).toEqual({ date: '2027-01-04', uncoveredYear: 2027 });
  });

  it('raises no warning while a computation stays inside covered years', () => {
    expect(cal.addWorkingDays('2026-12-28', 3)).toEqual({ date: '2026-12-31' });
  });
});

describe('operator overrides', () => {
  const rows: HolidayOverride[] = [
    { date: '2027-01-01', kind: 'holiday', note: '元旦' },
    { date: '2026-02-28', kind: 'holiday', note: 'test: make-up day cancelled' },
    { date: '2026-02-21', kind: 'workday' },
  ];

  it('turn a 2027 date into a holiday, but do not make the year covered', () => {
    const withRows = createCalendar(rows);
    expect(withRows.isWorkday('2027-01-01')).toBe(false);
    expect(withRows.day('2027-01-01')).toEqual({ date: '2027-01-01', workday: false, source: 'override', covered: false, name: '元旦' });
    expect(withRows.addWorkingDays('2026-12-28', 5)).toEqual({ date: '2027-01-05', uncoveredYear: 2027 });
    expect(withRows.covers(2027)).toBe(false);
  });

  it('make a year covered only when the operator declares it complete', () => {
    const complete = createCalendar(rows, [2027]);
    expect(complete.covers(2027)).toBe(true);
    expect(complete.addWorkingDays('2026-12-28', 5)).toEqual({ date: '2027-01-05' });
    expect(complete.day('2027-01-04')).toMatchObject({ source: 'weekday-rule', covered: true, workday: true });
  });

  it('win over chinese-days', () => {
    const withRows = createCalendar(rows);
    expect(withRows.isWorkday('2026-02-28')).toBe(false);
    expect(withRows.isWorkday('2026-02-21')).toBe(true);
    expect(cal.isWorkday('2026-02-28')).toBe(true); // another calendar is unaffected
  });

  it('reject a table that contradicts itself or names no real date', () => {
    expect(() => createCalendar([{ date: '2027-01-01', kind: 'holiday' }, { date: '2027-01-01', kind: 'workday' }])).toThrow(RangeError);
    expect(() => createCalendar([{ date: '2027-02-30', kind: 'holiday' }])).toThrow(RangeError);
    expect(() => createCalendar([{ date: '2027-01-01', kind: 'holiday' }, { date: '2027-01-01', kind: 'holiday' }])).not.toThrow();
  });
});

describe('inputs', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('reads a Date as its China date and ignores the process time zone', () => {
    // 2026-02-13T17:00Z is 01:00 on Saturday 14 Feb in Beijing: a make-up workday.
    const instant = new Date('2026-02-13T17:00:00Z');
    expect(cal.isWorkday(instant)).toBe(true);
    expect(cal.day(instant).date).toBe('2026-02-14');
    process.env.TZ = 'America/New_York';
    expect(new Date('2026-06-01T00:00:00Z').getTimezoneOffset()).toBeGreaterThan(0);
    expect(cal.day(instant).date).toBe('2026-02-14');
    expect(cal.isWorkday('2026-02-24')).toBe(true);
    expect(cal.addWorkingDays('2026-02-12', 5)).toEqual({ date: '2026-02-26' });
  });

  it('refuses a negative or fractional count', () => {
    expect(() => cal.addWorkingDays('2026-02-12', -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-02-12', 1.5)).toThrow(RangeError);
    expect(cal.addCalendarDays('2026-02-12', 17)).toBe('2026-03-01');
  });
});
