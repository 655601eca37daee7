// Intake as 信访 and 12345 work (issue 19 item 12): a clerk logging a case forwarded by the 信访局
// records its source, the 来文号 and the day the office actually received it; the legal 15日
// (信访工作条例 art. 22–23) counts from that day, not from the day of entry; the 台账's 来源 column
// names the source. A receipt date after today, or older than 60 days, is refused with the form kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { addDays, dueFrom, todayInChina } from '../../../src/clocks/index.js';
import { loadCalendar } from '../../../src/calendar/index.js';
import { findReport } from '../../../src/reports/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { multipart, openForm } from '../../helpers/forms.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';
import { reportFields } from '../fixtures.js';

let t: TestApp;
let intake: Session;
beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
});
afterAll(() => t.close());

async function log(fields: Record<string, string>) {
  const form = await openForm(t.app, '/staff/reports/new', intake.jar);
  const body = await multipart({ ...reportFields(), submission_id: form.hidden.submission_id!, ...fields });
  return t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
}
const newest = async () => (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))?.id ?? 0;

describe('logging a forwarded case', () => {
  it('offers the source, the 来文号 and the receipt date on the form', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    expect(form.html).toContain('<option value="xinfang_bureau"');
    expect(form.html).toContain('12345热线转办');
    expect(form.html).toContain('name="source_ref"');
    expect(form.html).toMatch(new RegExp(`name="received_on" value="${todayInChina()}" min="${addDays(todayInChina(), -60)}" max="${todayInChina()}"`));
  });

  it('keeps the source and the receipt date, and runs the 15日 from the day received', async () => {
    const receivedOn = addDays(todayInChina(), -10);
    const res = await log({ source: 'xinfang_bureau', source_ref: '吉信转〔2026〕15号', received_on: receivedOn });
    expect(res.statusCode).toBe(200);
    const report = (await findReport(t.app.db, await newest()))!;
    expect(report.source).toBe('xinfang_bureau');
    expect(report.sourceRef).toBe('吉信转〔2026〕15号');
    expect(report.channel).toBe('letter');
    expect(todayInChina(new Date(report.receivedAt))).toBe(receivedOn);
    const calendar = await loadCalendar(t.app.db);
    const fromReceipt = dueFrom(calendar, 'xinfang.register', Date.parse(`${receivedOn}T00:00:00+08:00`)).due;
    expect(report.clockRule).toBe('xinfang.register');
    expect(report.dueOn).toBe(fromReceipt);
    expect(report.dueOn! < dueFrom(calendar, 'xinfang.register', Date.now()).due).toBe(true);
    // The case number is of the year received and stays unique.
    expect(report.caseNo).toMatch(new RegExp(`^JL${receivedOn.slice(0, 4)}-\\d{6}$`));

    // The 台账 names the source and its document number in 来源.
    const csv = await intake.get(`/staff/reports.csv?q=${encodeURIComponent(report.caseNo)}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('信访局转送/交办（吉信转〔2026〕15号）');
  });

  it('stores a direct call with no 来文号, received today', async () => {
    const before = Date.now();
    expect((await log({ source: 'call', source_ref: '不该保存', received_on: todayInChina() })).statusCode).toBe(200);
    const report = (await findReport(t.app.db, await newest()))!;
    expect(report).toMatchObject({ source: 'call', sourceRef: null, channel: 'phone' });
    expect(report.receivedAt).toBeGreaterThanOrEqual(before);
  });
});

describe('a receipt date that cannot be right', () => {
  const kept = (body: string, receivedOn: string) => {
    expect(body).toContain('两台拖拉机');
    expect(body).toContain('value="吉信转〔2026〕16号"');
    expect(body).toContain(`name="received_on" value="${receivedOn}"`);
    expect(body).toMatch(/<option value="xinfang_bureau" selected>/);
  };

  it('refuses a date after today, keeping what was typed', async () => {
    const filed = await newest();
    const tomorrow = addDays(todayInChina(), 1);
    const res = await log({ source: 'xinfang_bureau', source_ref: '吉信转〔2026〕16号', received_on: tomorrow });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('收到日期不能晚于今天。');
    kept(res.body, tomorrow);
    expect(await newest()).toBe(filed);
  });

  it('refuses a date more than 60 days back, keeping what was typed', async () => {
    const filed = await newest();
    const old = addDays(todayInChina(), -61);
    const res = await log({ source: 'xinfang_bureau', source_ref: '吉信转〔2026〕16号', received_on: old });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('收到日期不能早于60天前');
    kept(res.body, old);
    expect(await newest()).toBe(filed);
    // 60 days back itself is accepted.
    expect((await log({ source: 'xinfang_bureau', source_ref: '吉信转〔2026〕16号', received_on: addDays(todayInChina(), -60) })).statusCode).toBe(200);
  });

  it('asks for the 来文号 of a forwarded case', async () => {
    const filed = await newest();
    const res = await log({ source: 'hotline_12345', source_ref: '  ', received_on: todayInChina() });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请填写来文号或工单号');
    expect(await newest()).toBe(filed);
  });
});
