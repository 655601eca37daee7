// Hotline test calls judged against the listed duty hours of the number called (issue 19 item 14):
// a call outside them is "非值守时间", not a failure, and is shown and counted apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createCalendar, todayInChina } from '../../src/clocks/index.js';
import { insertHotlines } from '../../src/hotlines/index.js';
import { planRound } from '../../src/spot-checks/index.js';
import { spotCheckTargets, spotChecks } from '../../src/spot-checks/tables.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let staff: TestStaff;
let county: Session;

const DAY = 86_400_000;
const EVERY_DAY = '0431-81110000';
const WORKDAYS = '0431-82220000';
const ALWAYS = '12345';

/** A round of 南关区 planned `daysAgo` days ago; its first target and the check form's URL. */
async function roundAndForm(name: string, daysAgo = 0) {
  const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  const { round } = await planRound(t.app.deps, { userId: staff.user.id, unit }, { name, count: 1, randomCount: 1, scopeCode: '220102' }, Date.now() - daysAgo * DAY);
  const target = (await t.app.db.select().from(spotCheckTargets).where(eq(spotCheckTargets.roundId, round.id)).get())!;
  return { round, form: `/staff/spot-checks/${round.id}/targets/${target.id}/check` };
}

async function call(form: string, at: string, phone: string, answered: 'yes' | 'no') {
  const res = await county.post(form, { checked_on: at.slice(0, 10), hotline_called_at: at, hotline_phone: phone, hotline_answered: answered }, form);
  expect(res.statusCode, res.body.slice(0, 400)).toBe(303);
  return (await t.app.db.select().from(spotChecks).orderBy(spotChecks.id).all()).at(-1)!;
}

beforeAll(async () => {
  t = await makeApp();
  staff = await createStaff(t.app, 'ca:220102', ['inspector']);
  county = await signIn(t.app, staff);
  const nanguan = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  const now = Date.now();
  await insertHotlines(t.app.db, [
    { unitId: nanguan.id, regionCode: '220102', phone: EVERY_DAY, dutyHours: '8:30-17:30', note: null, updatedAt: now },
    { unitId: nanguan.id, regionCode: '220102', phone: WORKDAYS, dutyHours: '工作日 8:30-11:30，13:00-17:00', note: null, updatedAt: now },
    { unitId: nanguan.id, regionCode: '220102', phone: ALWAYS, dutyHours: '24小时', note: null, updatedAt: now },
  ]);
});
afterAll(() => t.close());

describe('a test call judged against the duty hours of the number called', () => {
  it('keeps a call at 01:55 against "8:30-17:30" apart as 非值守时间, and one at 10:00 unanswered as a failure', async () => {
    const { round, form } = await roundAndForm('夜间电话抽查');
    const page = await county.get(form);
    expect(page.body).toContain('拨打的号码');
    expect(page.body).toContain(`value="${EVERY_DAY}" selected`);
    const today = todayInChina();
    const night = await call(form, `${today}T01:55`, EVERY_DAY, 'no');
    expect(night).toMatchObject({ hotlinePhone: EVERY_DAY, hotlineDutyHours: '8:30-17:30', hotlineAnswered: false });
    await call(form, `${today}T10:00`, EVERY_DAY, 'no');
    await call(form, `${today}T01:55`, ALWAYS, 'no');
    await call(form, `${today}T11:00`, EVERY_DAY, 'yes');

    const body = (await county.get(`/staff/spot-checks/${round.id}`)).body;
    expect(body).toContain('非值守时间');
    expect(body).toContain('拨打时间不在公布的值守时间内，不计为无人接听。');
    expect(body).toContain('共拨打4次：已接听1次，值守时间内无人接听2次，非值守时间1次，无法判断0次。');
    expect(body).toMatch(/<strong class="call-off_duty">非值守时间<\/strong>/);
    expect(body.match(/<strong class="call-unanswered">无人接听（值守时间内）<\/strong>/g)).toHaveLength(2);
  });

  it('takes a Saturday call against 工作日 hours as outside duty hours', async () => {
    const calendar = createCalendar();
    let saturday = todayInChina();
    while (new Date(`${saturday}T00:00:00Z`).getUTCDay() !== 6 || calendar.isWorkday(saturday)) saturday = todayInChina(new Date(Date.parse(`${saturday}T12:00:00+08:00`) - DAY));
    const daysAgo = Math.round((Date.parse(`${todayInChina()}T12:00:00+08:00`) - Date.parse(`${saturday}T12:00:00+08:00`)) / DAY) + 1;
    const { round, form } = await roundAndForm('周六电话抽查', daysAgo);
    await call(form, `${saturday}T10:00`, WORKDAYS, 'no');
    const body = (await county.get(`/staff/spot-checks/${round.id}`)).body;
    expect(body).toContain('<strong class="call-off_duty">非值守时间</strong>');
    expect(body).toContain('值守时间内无人接听0次，非值守时间1次');
  });

  it('does not judge a call to a number off the list, and says why', async () => {
    const { round, form } = await roundAndForm('其他号码');
    const bad = await county.post(form, { checked_on: todayInChina(), hotline_called_at: `${todayInChina()}T10:00`, hotline_phone: '0431-99999999', hotline_answered: 'no' }, form);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请从名单中选择拨打的号码');
    const other = await call(form, `${todayInChina()}T10:00`, 'other', 'no');
    expect(other).toMatchObject({ hotlinePhone: null, hotlineDutyHours: null });
    const body = (await county.get(`/staff/spot-checks/${round.id}`)).body;
    expect(body).toContain('无人接听（无法判断是否在值守时间内）');
    expect(body).toContain('不计为无人接听，请人工核实');
  });
});
