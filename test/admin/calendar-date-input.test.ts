// Issue 19 item 15, end to end through one date field: the holiday-override form shows the format in
// the user's language next to the date box, and a date typed without a date picker (2026年12月7日,
// 2026/12/7) is stored as 2026-12-07; one that cannot be read is refused with the typed text kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holidayOverrides } from '../../src/calendar/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await makeApp();
  admin = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['system_admin']));
});
afterAll(() => t.close());

const stored = async () => (await t.app.db.select().from(holidayOverrides).all()).map((o) => [o.date, o.kind]);

describe('the holiday-override date field', () => {
  it('shows the format beside the box, tied to it, in the page language', async () => {
    const zh = await admin.get('/staff/admin/calendar');
    expect(zh.body).toContain('<span class="hint" id="date-format">格式：2026-12-07（年-月-日）</span>');
    expect(zh.body).toMatch(/<input type="date" id="date" name="date" value="" lang="zh-CN" required aria-describedby="date-format">/);
    admin.jar.lang = 'ko';
    const ko = await admin.get('/staff/admin/calendar');
    expect(ko.body).toContain('형식: 2026-12-07 (년-월-일)');
    expect(ko.body).toContain('lang="ko" required aria-describedby="date-format"');
    delete admin.jar.lang;
  });

  it('stores 2026年12月7日 and 2026/12/8 as 2026-12-07 and 2026-12-08', async () => {
    const one = await admin.post('/staff/admin/calendar/overrides', { date: '2026年12月7日', kind: 'holiday', note: '' }, '/staff/admin/calendar');
    expect(one.statusCode).toBe(303);
    const two = await admin.post('/staff/admin/calendar/overrides', { date: '2026/12/8', kind: 'workday', note: '' }, '/staff/admin/calendar');
    expect(two.statusCode).toBe(303);
    expect(await stored()).toEqual(expect.arrayContaining([['2026-12-07', 'holiday'], ['2026-12-08', 'workday']]));
  });

  it('refuses 12/09/2026 with the message and the typed text kept, nothing stored', async () => {
    const before = await stored();
    const res = await admin.post('/staff/admin/calendar/overrides', { date: '12/09/2026', kind: 'holiday', note: '调休' }, '/staff/admin/calendar');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('value="12/09/2026"');
    expect(res.body).toContain('aria-describedby="date-format date-error"');
    expect(await stored()).toEqual(before);
  });
});
