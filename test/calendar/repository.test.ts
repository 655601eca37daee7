// The operator's holiday table as the calendar feature keeps it: overrides and declared years,
// read and written through the calendar's index (issue 17: its tables are private).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allOverrides, coveredYears, declaredYears, deleteOverride, deleteYear, findOverride, insertYear, loadCalendar, overridesInYear, upsertOverride } from '../../src/calendar/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('the holiday table', () => {
  it('keeps, finds, counts and removes overrides', async () => {
    await upsertOverride(t.app.db, { date: '2031-01-02', kind: 'holiday', note: 'a', updatedBy: null, updatedAt: 1 });
    await upsertOverride(t.app.db, { date: '2031-01-04', kind: 'workday', note: null, updatedBy: null, updatedAt: 1 });
    await upsertOverride(t.app.db, { date: '2031-01-02', kind: 'holiday', note: 'b', updatedBy: null, updatedAt: 2 });
    expect(await findOverride(t.app.db, '2031-01-02')).toMatchObject({ kind: 'holiday', note: 'b', updatedAt: 2 });
    expect(await overridesInYear(t.app.db, 2031)).toBe(2);
    expect((await allOverrides(t.app.db)).filter((o) => o.date.startsWith('2031-')).map((o) => o.date)).toEqual(['2031-01-02', '2031-01-04']);
    expect((await loadCalendar(t.app.db)).isWorkday('2031-01-04')).toBe(true);
    expect(await deleteOverride(t.app.db, '2031-01-02')).toBe(true);
    expect(await deleteOverride(t.app.db, '2031-01-02')).toBe(false);
    expect(await findOverride(t.app.db, '2031-01-02')).toBeUndefined();
    expect(await overridesInYear(t.app.db, 2031)).toBe(1);
  });

  it('declares a year entered once, lists and withdraws it', async () => {
    expect(await insertYear(t.app.db, 2032, 7, 100)).toBe(true);
    expect(await insertYear(t.app.db, 2032, 8, 200)).toBe(false);
    expect(await insertYear(t.app.db, 2031, 7, 100)).toBe(true);
    expect((await declaredYears(t.app.db)).map((y) => [y.year, y.updatedBy])).toEqual(expect.arrayContaining([[2031, 7], [2032, 7]]));
    const years = (await declaredYears(t.app.db)).map((y) => y.year);
    expect(years).toEqual([...years].sort((a, b) => a - b));
    expect(await coveredYears(t.app.db)).toEqual(expect.arrayContaining([2031, 2032]));
    expect(await deleteYear(t.app.db, 2032)).toBe(true);
    expect(await deleteYear(t.app.db, 2032)).toBe(false);
    expect(await coveredYears(t.app.db)).not.toContain(2032);
  });
});
