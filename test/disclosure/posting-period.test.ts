// 公示期 (issue 19 item 15): "公示期7天" as a posting notice reads it — the day the list is put up
// is the first of the seven, so a posting of Monday 2 March 2026 ends on Sunday 8 March, not on the
// 9th as before; the number of days is a setting (SUNSHINE_POSTING_DAYS), 7 by default.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { isOpen, postingPeriod } from '../../src/disclosure/posting-rules.js';

describe('公示期', () => {
  it('runs seven days counting the day of posting, and is open through the last of them', () => {
    const period = postingPeriod('2026-03-02', 7);
    expect(period).toEqual({ startsOn: '2026-03-02', endsOn: '2026-03-08' });
    expect(isOpen(period, '2026-03-08')).toBe(true);
    expect(isOpen(period, '2026-03-09')).toBe(false);
    // Across a month end and the Spring Festival alike: calendar days, as the notice counts them.
    expect(postingPeriod('2026-02-26', 7).endsOn).toBe('2026-03-04');
    expect(postingPeriod('2026-02-14', 7).endsOn).toBe('2026-02-20');
    expect(postingPeriod('2026-03-02', 1).endsOn).toBe('2026-03-02');
    expect(() => postingPeriod('2026-03-02', 0)).toThrow(RangeError);
  });

  it('is a setting, 7 by default, refused at start when it is not a sensible number of days', () => {
    expect(loadConfig({}).postingDays).toBe(7);
    expect(loadConfig({ SUNSHINE_POSTING_DAYS: '10' }).postingDays).toBe(10);
    expect(() => loadConfig({ SUNSHINE_POSTING_DAYS: '0' })).toThrow(/SUNSHINE_POSTING_DAYS/);
    expect(() => loadConfig({ SUNSHINE_POSTING_DAYS: 'seven' })).toThrow(/SUNSHINE_POSTING_DAYS/);
  });
});
