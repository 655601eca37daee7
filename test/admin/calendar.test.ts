import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarWarning } from '../../src/calendar/index.js';
import { entriesFor } from '../../src/audit/index.js';
import { allOverrides, coveredYears, loadCalendar } from '../../src/calendar/index.js';
import { computeDeadline } from '../../src/clocks/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';

let t: TestApp;
let province: Session, county: Session;
const CAL = '/staff/admin/calendar';
// 2027 is not in chinese-days 1.5.7: only the operator's table can tell its holidays.
const THREE_WORKING_DAYS = { amount: 3, unit: 'working' } as const;
const START = '2027-09-29'; // a Wednesday

beforeAll(async () => {
  t = await makeApp();
  province = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['system_admin']));
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['system_admin']));
});
afterAll(() => t.close());

describe('holiday overrides', () => {
  it('change a computed deadline, and declaring the year removes the warning', async () => {
    const before = computeDeadline(THREE_WORKING_DAYS, START, await loadCalendar(t.app.db));
    // Weekends only: Thu 30 Sep, Fri 1 Oct, Mon 4 Oct.
    expect(before).toEqual({ due: '2027-10-04', uncoveredYear: 2027 });
    expect(await calendarWarning(t.app.db, new Date('2026-06-01T12:00:00+08:00'))).toEqual({ year: 2027 });
    const page = await province.get(CAL);
    expect(page.body).toContain('2027年的放假安排尚未录入');

    for (const date of ['2027-10-01', '2027-10-02', '2027-10-03', '2027-10-04', '2027-10-05', '2027-10-06', '2027-10-07']) {
      const res = await province.post(`${CAL}/overrides`, { date, kind: 'holiday', note: '国庆节' }, CAL);
      expect(res.statusCode).toBe(303);
    }
    expect((await province.post(`${CAL}/overrides`, { date: '2027-10-09', kind: 'workday', note: '国庆节调休' }, CAL)).statusCode).toBe(303);
    const after = computeDeadline(THREE_WORKING_DAYS, START, await loadCalendar(t.app.db));
    // Thu 30 Sep, Fri 8 Oct, Sat 9 Oct (a make-up workday).
    expect(after).toEqual({ due: '2027-10-09', uncoveredYear: 2027 });
    expect((await entriesFor(t.app.db, 'calendar_day', '2027-10-09')).map((e) => e.action)).toEqual(['calendar.override_set']);

    expect((await province.post(`${CAL}/years`, { year: '2027' }, CAL)).statusCode).toBe(303);
    expect(await coveredYears(t.app.db)).toContain(2027);
    expect(computeDeadline(THREE_WORKING_DAYS, START, await loadCalendar(t.app.db))).toEqual({ due: '2027-10-09' });
    expect(await calendarWarning(t.app.db, new Date('2026-06-01T12:00:00+08:00'))).toBeNull();
    expect(await calendarWarning(t.app.db, new Date('2027-06-01T12:00:00+08:00'))).toEqual({ year: 2028 });
    const listed = await province.get(CAL);
    expect(listed.body).toContain('国庆节调休');
    expect(listed.body).not.toContain('2027年的放假安排尚未录入');

    // Removing an override puts the day back to the weekday rule.
    expect((await province.post(`${CAL}/overrides/2027-10-09/delete`, {}, CAL)).statusCode).toBe(303);
    expect(computeDeadline(THREE_WORKING_DAYS, START, await loadCalendar(t.app.db)).due).toBe('2027-10-11');
    expect((await allOverrides(t.app.db)).some((o) => o.date === '2027-10-09')).toBe(false);
    expect((await province.post(`${CAL}/years/2027/delete`, {}, CAL)).statusCode).toBe(303);
    expect(await coveredYears(t.app.db)).not.toContain(2027);
  });

  it('re-renders bad input with messages and refuses an empty year', async () => {
    const bad = await province.post(`${CAL}/overrides`, { date: '2027-02-30', kind: 'holiday', note: '春节（错日期）' }, CAL);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请填写有效日期');
    expect(bad.body).toContain('value="春节（错日期）"');
    const kind = await province.post(`${CAL}/overrides`, { date: '2027-02-06', kind: 'day-off', note: '' }, CAL);
    expect(kind.statusCode).toBe(400);
    expect(kind.body).toContain('请选择放假或调休上班');
    const empty = await province.post(`${CAL}/years`, { year: '2031' }, CAL);
    expect(empty.statusCode).toBe(409);
    expect(empty.body).toContain('不能标记为已完整录入');
    const nonsense = await province.post(`${CAL}/years`, { year: '20x7' }, CAL);
    expect(nonsense.statusCode).toBe(400);
    expect(nonsense.body).toContain('value="20x7"');
    expect(await coveredYears(t.app.db)).not.toContain(2031);
  });

  it('lets other administrators see the calendar and its warning, not change it', async () => {
    const page = await county.get(CAL);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('只有省民政厅的系统管理员可以修改');
    expect(page.body).not.toContain(`action="${CAL}/overrides"`);
    const res = await county.post(`${CAL}/overrides`, { date: '2027-01-01', kind: 'holiday', note: '元旦' }, CAL);
    expect(res.statusCode).toBe(403);
    expect((await allOverrides(t.app.db)).some((o) => o.date === '2027-01-01')).toBe(false);
  });
});
