// The calendar reads chinese-days' data table rather than calling its functions (see
// src/clocks/holiday-data.ts). These tests check that the two agree, so a package upgrade that
// changes the table's shape or meaning is caught here.
import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { createCalendar, packageYears } from '../../src/clocks/index.js';
import { addDays } from '../../src/clocks/dates.js';

const cal = createCalendar();

describe('chinese-days data', () => {
  it('covers 2004 to 2026 and nothing later', () => {
    const years = packageYears();
    expect(years[0]).toBe(2004);
    expect(years.at(-1)).toBe(2026);
    expect(Object.keys(data.holidays).some((d) => d.startsWith('2027-'))).toBe(false);
  });

  it('lists holidays and make-up workdays per date', () => {
    expect(Object.keys(data)).toEqual(expect.arrayContaining(['holidays', 'workdays']));
    const holidays: Record<string, string> = data.holidays;
    const workdays: Record<string, string> = data.workdays;
    expect(holidays['2026-02-17']).toMatch(/春节/);
    expect(workdays['2026-02-14']).toMatch(/春节/);
  });

  // The package's functions parse 'YYYY-MM-DD' as UTC midnight and then read local time, so they
  // only name the right day where the process runs at or east of UTC.
  it.runIf(new Date('2026-06-01T00:00:00Z').getTimezoneOffset() <= 0)('agrees with isWorkday() on every day of 2004–2026', () => {
    const mismatches: string[] = [];
    for (let d = '2004-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      if (cal.isWorkday(d) !== chineseDays.isWorkday(d)) mismatches.push(d);
    }
    expect(mismatches).toEqual([]);
  });

  it('is not fooled by isWorkday() for a year without data', () => {
    expect(chineseDays.isWorkday('2027-01-01')).toBe(true); // the package's answer: a plain Friday
    expect(cal.covers(2027)).toBe(false);
    expect(cal.day('2027-01-01')).toMatchObject({ source: 'weekday-rule', covered: false });
  });
});
