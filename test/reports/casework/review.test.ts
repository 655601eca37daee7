import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, findReport } from '../../../src/reports/index.js';
import { requestReview, markAnswerOpened, allowedActions } from '../../../src/reports/tracking.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { approveBySecondLeadRoute } from '../../helpers/four-eyes.js';

let t: TestApp;
let lead: Session, city: Session, province: Session, otherCity: Session;
let leadStaff: TestStaff;

beforeAll(async () => {
  t = await makeApp();
  leadStaff = await createStaff(t.app, 'ca:220102', ['lead', 'handler', 'intake']);
  lead = await signIn(t.app, leadStaff);
  city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
  province = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['supervisor']));
  otherCity = await signIn(t.app, await createStaff(t.app, 'ca:220200', ['supervisor']));
});
afterAll(() => t.close());

async function concludedReport() {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '我父亲七十六岁一个人生活，申请低保两次都说材料不全。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  await lead.post(`${page}/accept`, {}, page);
  await lead.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(leadStaff.user.id), due: (await findReport(t.app.db, report.id))!.handlingDue! }, page);
  await lead.post(`${page}/start`, {}, page);
  await lead.post(`${page}/conclude`, { finding: 'unsubstantiated', answer: '经核查，您父亲名下有两套住房出租，家庭收入超过当地低保标准，不符合条件。' }, page);
  await approveBySecondLeadRoute(t.app, page);
  await lead.post(`${page}/close`, {}, page);
  expect((await findReport(t.app.db, report.id))!.status).toBe('closed');
  return report.id;
}

describe('review and re-review', () => {
  it('goes to the city, then the province, and is then final', async () => {
    const id = await concludedReport();
    expect((await allowedActions(t.app.deps, (await findReport(t.app.db, id))!)).has('review')).toBe(false); // answer not yet opened
    await markAnswerOpened(t.app.deps, (await findReport(t.app.db, id))!);
    expect((await allowedActions(t.app.deps, (await findReport(t.app.db, id))!)).has('review')).toBe(true);
    await requestReview(t.app.deps, (await findReport(t.app.db, id))!, '核查时没有入户，房子早就卖了。');
    const under = (await findReport(t.app.db, id))!;
    expect(under.status).toBe('under_review');
    expect(under.reviewUnitId).toBe((await findUnitByKey(t.app.db, 'ca:220100'))!.id);
    expect(under.dueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const page = `/staff/reports/${id}`;
    expect((await otherCity.get(page)).statusCode).toBe(404);
    expect((await lead.post(`${page}/review_answer`, { outcome: 'upheld', answer: '维持原处理意见，理由如下：经复查……' }, page)).statusCode).toBe(403);
    expect((await city.post(`${page}/review_answer`, { outcome: 'upheld', answer: '经复查，县民政局认定事实清楚，维持原处理意见。' }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.status).toBe('closed');

    await markAnswerOpened(t.app.deps, (await findReport(t.app.db, id))!);
    await requestReview(t.app.deps, (await findReport(t.app.db, id))!, '复查也没有入户，请省厅复核。');
    const rereview = (await findReport(t.app.db, id))!;
    expect(rereview.reviewLevel).toBe(2);
    expect(rereview.reviewUnitId).toBe((await findUnitByKey(t.app.db, 'ca:220000'))!.id);
    expect((await province.post(`${page}/review_answer`, { outcome: 'reopened', answer: '经复核，原核查未入户，责成县民政局重新核查并答复。' }, page)).statusCode).toBe(303);
    const reopened = (await findReport(t.app.db, id))!;
    // Reopened, the old assignment ends: back with the handling unit to assign again (issue 19 item 10).
    expect(reopened.status).toBe('accepted');
    expect((await allowedActions(t.app.deps, reopened)).has('review')).toBe(false);
  });

  it('art. 36(2): the re-review office records a hearing; its days do not count, and nothing is escalated meanwhile', async () => {
    const id = await concludedReport();
    const page = `/staff/reports/${id}`;
    await markAnswerOpened(t.app.deps, (await findReport(t.app.db, id))!);
    await requestReview(t.app.deps, (await findReport(t.app.db, id))!, '核查时没有入户，房子早就卖了。');
    // A review (level 1) cannot pause its clock with a hearing: the form is not offered, a post is refused.
    expect((await city.get(page)).body).not.toContain(`action="${page}/hearing"`);
    const refused = await city.post(`${page}/hearing`, { step: 'start', note: '定于下周三举行听证。' }, page);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('只有复核');
    await city.post(`${page}/review_answer`, { outcome: 'upheld', answer: '经复查，县民政局认定事实清楚，维持原处理意见。' }, page);
    await markAnswerOpened(t.app.deps, (await findReport(t.app.db, id))!);
    await requestReview(t.app.deps, (await findReport(t.app.db, id))!, '复查也没有入户，请省厅复核。');
    const before = (await findReport(t.app.db, id))!;
    expect(before.clockRule).toBe('xinfang.rereview_answer');
    const due = before.dueOn!;
    const form = await province.get(page);
    expect(form.body).toContain('第三十六条第二款');
    expect(form.body).toContain('信访工作条例（2022）第三十六条');

    expect((await province.post(`${page}/hearing`, { step: 'start', note: '定于下周三在省民政厅会议室举行听证。' }, page)).statusCode).toBe(303);
    const during = (await findReport(t.app.db, id))!;
    expect(during.dueOn).toBeNull();
    expect((await province.get(page)).body).toContain('听证中，复核期限暂停');
    expect((await province.post(`${page}/hearing`, { step: 'start', note: '再开一次听证会。' }, page)).statusCode).toBe(409);

    // Ended the same day: no day was lost, the due date is what it was.
    expect((await province.post(`${page}/hearing`, { step: 'end', note: '' }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.dueOn).toBe(due);
    expect((await province.post(`${page}/hearing`, { step: 'end', note: '' }, page)).statusCode).toBe(409);
  });
});
