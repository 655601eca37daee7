import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, toCstDate, todayInChina } from '../../src/clocks/index.js';

describe('China Standard Time dates', () => {
  it('maps an instant to its date in Beijing (UTC+8), whatever the server time zone', () => {
    expect(toCstDate(new Date('2026-02-14T15:59:59.999Z'))).toBe('2026-02-14');
    expect(toCstDate(new Date('2026-02-14T16:00:00Z'))).toBe('2026-02-15');
    expect(toCstDate(new Date('2026-02-15T00:00:00+08:00'))).toBe('2026-02-15');
    expect(todayInChina(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
  });

  it('takes a YYYY-MM-DD string as the China date it names, and rejects anything else', () => {
    expect(toCstDate('2026-02-28')).toBe('2026-02-28');
    for (const bad of ['2026-2-28', '2026-02-30', '2026-13-01', '2026-02-28T00:00', '', 'tomorrow']) {
      expect(() => toCstDate(bad), bad).toThrow(RangeError);
    }
    expect(() => toCstDate(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('does calendar arithmetic across months, years and leap days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2026-03-17', '2026-03-02')).toBe(-15);
  });
});
