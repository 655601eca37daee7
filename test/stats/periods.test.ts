import { describe, expect, it } from 'vitest';
import { cstMidnight, cutoffOf, dataDate, makePeriod, parsePeriod, periodOptions, quartersOf } from '../../src/stats/periods.js';

describe('statistics periods (China Standard Time)', () => {
  const cutoff = cutoffOf(new Date('2026-08-15T03:00:00Z')); // 11:00 in Beijing on 15 August

  it('counts up to the start of today in Beijing', () => {
    expect(new Date(cutoff).toISOString()).toBe('2026-08-14T16:00:00.000Z');
    expect(dataDate(cutoff)).toBe('2026-08-14');
    expect(cutoffOf(new Date('2026-08-14T16:30:00Z'))).toBe(cutoff); // 00:30 on the 15th in Beijing
  });

  it('bounds quarters and years at Beijing midnight, never past the cutoff', () => {
    const q4 = makePeriod(2025, 4, cutoff);
    expect([q4.from, q4.to]).toEqual([cstMidnight(2025, 9), cstMidnight(2026, 0)]);
    const q3 = makePeriod(2026, 3, cutoff);
    expect(q3.to).toBe(cutoff);
    expect(makePeriod(2026, null, cutoff)).toMatchObject({ code: '2026', from: cstMidnight(2026, 0), to: cutoff });
  });

  it('offers only periods begun by the cutoff and falls back to the current year', () => {
    expect(parsePeriod('2026Q4', cutoff, 2024).code).toBe('2026');
    expect(parsePeriod('2023', cutoff, 2024).code).toBe('2026');
    expect(parsePeriod('2025Q2', cutoff, 2024).code).toBe('2025Q2');
    expect(parsePeriod('x', cutoff, 2024).code).toBe('2026');
    expect(quartersOf(2026, cutoff)).toEqual([1, 2, 3]);
    expect(periodOptions(2025, cutoff).map((o) => o.code)).toEqual(['2026', '2026Q1', '2026Q2', '2026Q3', '2025', '2025Q1', '2025Q2', '2025Q3', '2025Q4']);
  });
});
