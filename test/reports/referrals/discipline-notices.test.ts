// The discipline body's own clocks (issue 18 item 6), 纪检监察机关处理检举控告工作规则:
// - arts. 15–16: accept or pass on a referral within 5 working days — reminded and escalated;
// - 第四章: tell a real-name reporter of the acceptance within 15 working days of receipt, and of the
//   result within 15 working days of concluding — recorded by the inspector, shown on the reporter's
//   tracking page, mailed as "there is news" only, reminded and escalated while owed.
// Due dates are computed by the clock engine (the day of the event not counted, 民法典第二百零一条);
// the tests read them from the referral page and sweep on the days around them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { entriesFor } from '../../../src/audit/index.js';
import { loadCalendar } from '../../../src/calendar/index.js';
import { addDays, dueFrom, todayInChina } from '../../../src/clocks/index.js';
import { fileReport, findReport, runReferralSweep } from '../../../src/reports/index.js';
import { referralsOf } from '../../../src/reports/referrals/service.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { cookiesFrom, openForm } from '../../helpers/forms.js';
import { startSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

const REPORTER_EMAIL = 'wang.villager@example.cn';
const RESULT_WORDS = '经查，村会计收取手续费问题属实，已给予其党内警告处分，并责令退还款项。';

let smtp: TestSmtp;
let t: TestApp;
let handler: Session, inspector: Session, cityInspector: Session, otherInspector: Session;
let inspectorStaff: TestStaff, cityStaff: TestStaff;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await makeApp({ smtpUrl: smtp.url });
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler', 'intake', 'lead']));
  inspectorStaff = await createStaff(t.app, 'dic:220102', ['inspector']);
  inspector = await signIn(t.app, inspectorStaff);
  cityStaff = await createStaff(t.app, 'dic:220100', ['inspector']);
  cityInspector = await signIn(t.app, cityStaff);
  otherInspector = await signIn(t.app, await createStaff(t.app, 'dic:220103', ['inspector']));
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

/** A report about a village accountant, real-name (with an e-mail address) or anonymous, accepted and referred to the county commission. */
async function referred(realName: boolean) {
  const identity = realName ? { name: '王大爷', phone: '13800000000', email: REPORTER_EMAIL, address: '南关区幸福乡幸福村' } : null;
  const { report, queryCode } = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  expect((await handler.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  expect((await handler.post(`${page}/refer`, { opinion: '经初步核实，村会计收取手续费问题基本属实，移送处理。' }, page)).statusCode).toBe(303);
  const referral = (await referralsOf(t.app.deps, report.id))[0]!;
  return { report: (await findReport(t.app.db, report.id))!, queryCode, referral, page: `/staff/referrals/${referral.id}` };
}

/** Noon, China time, on `day`. */
const noonOn = (day: string) => Date.parse(`${day}T04:00:00Z`);

async function trackPage(code: string): Promise<string> {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, payload: { _csrf: form.csrf, code } });
  expect(res.statusCode).toBe(303);
  return (await t.app.inject({ url: '/track/report', cookies: cookiesFrom(res, form.cookies) })).body;
}

const mailsTo = (address: string) => smtp.inbox.filter((m) => m.to.includes(address));

describe('纪检监察机关处理检举控告工作规则第十五条、第十六条: accept or pass on within 5 working days', () => {
  it('reminds the body before the due day and escalates to the commission above after it, once each', async () => {
    const { report, referral } = await referred(false);
    const due = referral.acceptDue;
    const soon = await runReferralSweep(t.app.deps, noonOn(addDays(due, -1)));
    expect(soon.reminded).toBeGreaterThanOrEqual(1);
    await smtp.waitFor(1);
    const about = () => smtp.inbox.filter((m) => m.text.includes(report.caseNo));
    expect(about().some((m) => m.to.includes(inspectorStaff.user.email) && m.text.includes(due))).toBe(true);
    expect(about().some((m) => m.to.includes(cityStaff.user.email))).toBe(false);

    const late = await runReferralSweep(t.app.deps, noonOn(addDays(due, 1)));
    expect(late.escalated).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(about().some((m) => m.to.includes(cityStaff.user.email) && m.text.includes('已超期'))).toBe(true));
    const count = about().length;
    await runReferralSweep(t.app.deps, noonOn(addDays(due, 2)));
    expect(about().length).toBe(count);
    const audit = (await entriesFor(t.app.db, 'report', String(report.id))).map((e) => e.action);
    expect(audit).toContain('referral.reminded');
    expect(audit).toContain('referral.escalated');
  });
});

describe('纪检监察机关处理检举控告工作规则第四章: notices to a real-name reporter', () => {
  it('acceptance notice: due 15 working days after receipt, escalated while owed, recorded by the inspector, shown to the reporter, mailed without content', async () => {
    const { report, queryCode, referral, page } = await referred(true);
    expect((await inspector.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    const calendar = await loadCalendar(t.app.db);
    const due = dueFrom(calendar, 'discipline.acceptance_notice', referral.referredAt).due;
    const detail = await inspector.get(page);
    expect(detail.body).toContain('受理告知（收到后15个工作日内）');
    expect(detail.body).toContain(due);
    expect(detail.body).toContain('纪检监察机关处理检举控告工作规则（2020）第四章');

    // Overdue and still owed: the commission above is told.
    const late = await runReferralSweep(t.app.deps, noonOn(addDays(due, 1)));
    expect(late.escalated).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(mailsTo(cityStaff.user.email).some((m) => m.text.includes(report.caseNo) && m.text.includes('被告知受理情况，现已超期'))).toBe(true));

    // Another body's inspector cannot record it.
    expect((await otherInspector.post(`${page}/acceptance_notice`, {}, '/staff/referrals')).statusCode).toBe(404);
    const told = await inspector.post(`${page}/acceptance_notice`, {}, page);
    expect(told.statusCode).toBe(303);
    const tracked = await trackPage(queryCode);
    expect(tracked).toContain('纪检监察机关已受理您反映的问题');
    await vi.waitFor(() => expect(mailsTo(REPORTER_EMAIL)).toHaveLength(1));
    const mail = mailsTo(REPORTER_EMAIL)[0]!;
    expect(mail.text).toContain(report.caseNo);
    expect(mail.text).toContain('/track');
    expect(mail.text).not.toContain('手续费');

    // Once given, never twice, and no longer chased.
    const again = await inspector.post(`${page}/acceptance_notice`, {}, page);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('已经记录过这项告知');
    const before = smtp.inbox.length;
    const after = await runReferralSweep(t.app.deps, noonOn(addDays(due, 3)));
    expect(after.escalated + after.reminded).toBe(0);
    expect(smtp.inbox.length).toBe(before);
  });

  it('result notice: due 15 working days after concluding; the inspector’s words reach the reporter’s page, not the mail', async () => {
    const { report, queryCode, page } = await referred(true);
    expect((await inspector.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    expect((await inspector.post(`${page}/acceptance_notice`, {}, page)).statusCode).toBe(303);
    const today = todayInChina();
    expect((await inspector.post(`${page}/result`, { detail_kind: 'party:warning', on: today, text: '给予党内警告处分。' }, page)).statusCode).toBe(303);
    expect((await inspector.post(`${page}/conclude`, {}, page)).statusCode).toBe(303);
    const concluded = (await referralsOf(t.app.deps, report.id))[0]!;
    const due = dueFrom(await loadCalendar(t.app.db), 'discipline.result_notice', concluded.concludedAt!).due;
    expect((await inspector.get(page)).body).toContain('结果告知（办结后15个工作日内）');

    const soon = await runReferralSweep(t.app.deps, noonOn(addDays(due, -2)));
    expect(soon.reminded).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(mailsTo(inspectorStaff.user.email).some((m) => m.text.includes(report.caseNo) && m.text.includes('告知实名举报人处理结果（15个工作日）'))).toBe(true));

    // Too short: refused with the reason, the words kept in the form.
    const short = await inspector.post(`${page}/result_notice`, { notice_text: '已处理' }, page);
    expect(short.statusCode).toBe(409);
    expect(short.body).toContain('请填写告知举报人的内容');
    expect(short.body).toContain('已处理');

    const mailsBefore = mailsTo(REPORTER_EMAIL).length;
    expect((await inspector.post(`${page}/result_notice`, { notice_text: RESULT_WORDS }, page)).statusCode).toBe(303);
    const tracked = await trackPage(queryCode);
    expect(tracked).toContain('纪检监察机关告知您处理结果');
    expect(tracked).toContain(RESULT_WORDS);
    await vi.waitFor(() => expect(mailsTo(REPORTER_EMAIL).length).toBe(mailsBefore + 1));
    expect(mailsTo(REPORTER_EMAIL).at(-1)!.text).not.toContain('警告');
  });

  it('an anonymous reporter is owed no notice: none shown, none chased, none recorded', async () => {
    const { report, page } = await referred(false);
    expect((await inspector.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    const detail = await inspector.get(page);
    expect(detail.body).toContain('匿名举报，无需告知举报人');
    expect(detail.body).not.toContain('/acceptance_notice');
    const refused = await inspector.post(`${page}/acceptance_notice`, {}, page);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('无需告知举报人');
    await runReferralSweep(t.app.deps, Date.now() + 60 * 86_400_000);
    const audit = (await entriesFor(t.app.db, 'report', String(report.id))).filter((e) => e.action === 'referral.escalated' || e.action === 'referral.reminded');
    expect(audit).toEqual([]);
  });

  it('a reporter mail that failed is sent by the next sweep, once', async () => {
    const { report, page } = await referred(true);
    expect((await inspector.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    const send = vi.spyOn(t.app.deps.mailer, 'send').mockRejectedValueOnce(new Error('connection refused'));
    const before = mailsTo(REPORTER_EMAIL).length;
    expect((await inspector.post(`${page}/acceptance_notice`, {}, page)).statusCode).toBe(303);
    expect(send).toHaveBeenCalledTimes(1);
    send.mockRestore();
    expect(mailsTo(REPORTER_EMAIL).length).toBe(before);
    const swept = await runReferralSweep(t.app.deps, Date.now() + 60_000);
    expect(swept.reporterMails).toBe(1);
    await vi.waitFor(() => expect(mailsTo(REPORTER_EMAIL).length).toBe(before + 1));
    expect((await runReferralSweep(t.app.deps, Date.now() + 120_000)).reporterMails).toBe(0);
    const audit = (await entriesFor(t.app.db, 'report', String(report.id))).filter((e) => e.action === 'report.reporter_mailed');
    expect(audit).toHaveLength(1);
  });
});

describe('the articles behind the deadlines staff see (issue 18)', () => {
  it('the civil-affairs inbox and the inspectors’ workspace cite them', async () => {
    const inbox = (await handler.get('/staff/reports')).body;
    expect(inbox).toContain('第二十三条，民政部门适用此条而非第二十二条');
    expect(inbox).toContain('第三十四条');
    expect(inbox).toContain('复核听证时间不计入');
    const workspace = (await inspector.get('/staff/referrals')).body;
    expect(workspace).toContain('第十五条、第十六条');
    expect(workspace).toContain('第四章');
  });
});
