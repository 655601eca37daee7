// The reporter's right to a review (信访工作条例第三十五条) and re-review (第三十六条), at fixed
// dates (issue 18, defects 1–2). The day the answer is received is not counted (民法典第二百零一条);
// the window runs to 24:00 China time on its last day, and a last day off moves to the next working
// day (第二百零三条). Enforced by date, whatever the report's internal status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCalendar } from '../../src/calendar/index.js';
import { supervision, workflow } from '../../src/reports/casework/index.js';
import { computeDeadline, reviewWindowOf, ruleTable, toCstDate } from '../../src/clocks/index.js';
import { staffContext, type StaffContext } from '../../src/plugins/auth.js';
import { fileReport, findReport, type Report } from '../../src/reports/index.js';
import { allowedActions, markAnswerOpened, requestReview } from '../../src/reports/tracking.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, openForm } from '../helpers/forms.js';
import { createStaff } from '../helpers/staff.js';
import { approvedBySecondLead } from '../helpers/four-eyes.js';

let t: TestApp;
let county: StaffContext, city: StaffContext, province: StaffContext;

/** An instant in China time. */
const at = (local: string) => new Date(`${local}+08:00`).getTime();

beforeAll(async () => {
  t = await makeApp();
  const staff = async (key: string, roles: Parameters<typeof createStaff>[2]) => staffContext((await createStaff(t.app, key, roles)).user, (await findUnitByKey(t.app.db, key))!);
  county = await staff('ca:220102', ['intake', 'handler', 'lead', 'supervisor']);
  city = await staff('ca:220100', ['supervisor', 'lead']);
  province = await staff('ca:220000', ['supervisor', 'lead']);
});
afterAll(() => t.close());

const reload = async (r: Report) => (await findReport(t.app.db, r.id))!;
const canReview = async (r: Report, local: string) => (await allowedActions(t.app.deps, await reload(r), at(local))).has('review');

/** A report answered (concluded) on `answered`, with its query code. */
async function answered(answeredOn: string): Promise<{ report: Report; queryCode: string }> {
  const received = at(answeredOn) - 40 * 86_400_000;
  const filed = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '我父亲七十六岁一个人生活，申请低保两次都说材料不全。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null, now: received },
  );
  let r = await workflow.accept(t.app.deps, county, filed.report, received + 3600_000);
  r = await workflow.assign(t.app.deps, county, r, { unitId: county.unit.id, assigneeId: county.user.id, due: r.handlingDue! }, received + 7200_000);
  r = await workflow.start(t.app.deps, county, r, received + 10_800_000);
  r = await workflow.draftConclusion(t.app.deps, county, r, 'unsubstantiated', '经核查，您父亲名下有两套住房出租，家庭收入超过当地低保标准，不符合条件。', at(answeredOn));
  r = await approvedBySecondLead(t.app, r, at(answeredOn));
  expect(r.status).toBe('concluded');
  return { report: r, queryCode: filed.queryCode };
}

describe('art. 35: the review window', () => {
  it('art. 35: a concluded report can be reviewed within 30 days of opening the answer, and still while it is rectified', async () => {
    const { report } = await answered('2026-11-28T10:00:00');
    expect(await canReview(report, '2026-11-30T10:00:00')).toBe(false); // not yet opened
    await markAnswerOpened(t.app.deps, await reload(report), at('2026-12-01T09:00:00'));
    expect(await canReview(report, '2026-12-02T10:00:00')).toBe(true);
    await supervision.startRectification(t.app.deps, county, await reload(report), [{ problem: '入户核查不到位', measures: '重新入户核查', responsiblePerson: '王某', deadline: '2027-03-01' }], at('2026-12-10T10:00:00'));
    expect((await reload(report)).status).toBe('rectifying');
    expect(await canReview(report, '2026-12-20T10:00:00')).toBe(true);
  });

  it('art. 35: counts whole days to the end of the last day in China time (opened 1 Dec 09:00: open all of 31 Dec)', async () => {
    const { report } = await answered('2026-11-28T10:00:00');
    await markAnswerOpened(t.app.deps, await reload(report), at('2026-12-01T09:00:00'));
    expect(await canReview(report, '2026-12-31T20:00:00')).toBe(true);
    expect(await canReview(report, '2026-12-31T23:59:59')).toBe(true);
    expect(await canReview(report, '2027-01-01T00:00:00')).toBe(false); // day 31
  });

  it('art. 35: a last day in National Day 2026 moves to the next working day', async () => {
    // Opened 1 Sep: 30日 end 1 Oct (国庆节, 1–7 Oct) → Thu 8 Oct.
    const { report } = await answered('2026-08-31T10:00:00');
    await markAnswerOpened(t.app.deps, await reload(report), at('2026-09-01T21:00:00'));
    expect(await canReview(report, '2026-10-08T18:00:00')).toBe(true);
    expect(await canReview(report, '2026-10-09T08:00:00')).toBe(false);
  });

  it('art. 35: a closed report asked on day 31 is refused; the review request itself is on day 30', async () => {
    const { report } = await answered('2026-11-28T10:00:00');
    await workflow.close(t.app.deps, county, report, at('2026-11-29T10:00:00'));
    await markAnswerOpened(t.app.deps, await reload(report), at('2026-12-01T09:00:00'));
    expect(await canReview(report, '2027-01-01T08:00:00')).toBe(false);
    expect(await canReview(report, '2026-12-31T20:00:00')).toBe(true);
    await requestReview(t.app.deps, await reload(report), '核查时没有入户，房子早就卖了。', at('2026-12-31T20:00:00'));
    expect((await reload(report)).status).toBe('under_review');
    expect(await canReview(report, '2026-12-31T21:00:00')).toBe(false); // already under review
  });
});

describe('art. 36: the re-review and the final answer', () => {
  it('art. 36: after a re-review the matter is final, and the reporter is told so on the tracking page', async () => {
    const { report, queryCode } = await answered('2026-08-20T10:00:00');
    await markAnswerOpened(t.app.deps, await reload(report), at('2026-08-21T10:00:00'));
    await requestReview(t.app.deps, await reload(report), '核查时没有入户，房子早就卖了。', at('2026-08-25T10:00:00'));
    await supervision.answerReview(t.app.deps, city, await reload(report), 'upheld', '经复查，县民政局认定事实清楚，维持原处理意见。', at('2026-09-10T10:00:00'));
    await markAnswerOpened(t.app.deps, await reload(report), at('2026-09-11T10:00:00'));
    // The re-review window (art. 36) runs from receiving the review answer: 11 Sep + 30 = Sun 11 Oct → Mon 12 Oct.
    expect(await canReview(report, '2026-10-12T20:00:00')).toBe(true);
    expect(await canReview(report, '2026-10-13T00:00:00')).toBe(false);
    await requestReview(t.app.deps, await reload(report), '复查也没有入户，请省厅复核。', at('2026-09-15T10:00:00'));
    await supervision.answerReview(t.app.deps, province, await reload(report), 'upheld', '经复核，复查意见认定事实清楚，维持复查意见。', at('2026-10-09T10:00:00'));
    await markAnswerOpened(t.app.deps, await reload(report), at('2026-10-10T10:00:00'));
    expect(await canReview(report, '2026-10-11T10:00:00')).toBe(false);

    const form = await openForm(t.app, '/track');
    const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: '10.7.7.7', payload: { _csrf: form.csrf, code: queryCode } });
    const page = await t.app.inject({ url: '/track/report', cookies: cookiesFrom(res, form.cookies) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('复核意见是最终的');
    expect(page.body).toContain('第三十六条');
    expect(page.body).not.toContain('action="/track/review"');
  });

  it('art. 35: the tracking page names the last day to ask for a review', async () => {
    const { report, queryCode } = await answered('2026-08-20T10:00:00');
    const form = await openForm(t.app, '/track');
    const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: '10.7.7.8', payload: { _csrf: form.csrf, code: queryCode } });
    // Opening the page now opens the answer: the window runs from today (China time).
    const page = await t.app.inject({ url: '/track/report', cookies: cookiesFrom(res, form.cookies) });
    const opened = (await reload(report)).answerFirstOpenedAt!;
    expect(opened).toBeGreaterThan(0);
    const due = /最晚可以在(\d{4}-\d{2}-\d{2})提出/.exec(page.body)?.[1];
    expect(due).toBe(reviewWindowOf(0, toCstDate(new Date(opened)), await loadCalendar(t.app.db), new Date(opened)).kind === 'open' ? computeDeadline(ruleTable()['xinfang.review_request'], new Date(opened), await loadCalendar(t.app.db)).due : 'none');
    expect(page.body).toContain('action="/track/review"');
  });
});
