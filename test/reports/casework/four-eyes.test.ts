// Issue 19 item 9: a returned draft answer comes back with its text and the lead's reason; a lead
// never approves an answer he wrote himself (another lead of the unit does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, fileReport, findReport } from '../../../src/reports/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

let t: TestApp;
let intake: Session, handler: Session, lead: Session, secondLead: Session;
let handlerStaff: TestStaff, leadStaff: TestStaff, secondLeadStaff: TestStaff;

const ANSWER = '经入户核查，您反映的问题部分属实，已停发该户低保金并追回多发部分，责成村委会重新评议。';
const LEAD_ANSWER = '经调阅评审档案并走访邻居，您反映的问题属实，已停发该户低保金并追回违规资金，责成街道整改。';

/** A report being investigated by the handler of 南关区. */
async function investigating(): Promise<number> {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  expect((await intake.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  const due = (await findReport(t.app.db, report.id))!.handlingDue!;
  expect((await intake.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(handlerStaff.user.id), due }, page)).statusCode).toBe(303);
  expect((await handler.post(`${page}/start`, {}, page)).statusCode).toBe(303);
  return report.id;
}

beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  handlerStaff = await createStaff(t.app, 'ca:220102', ['handler']);
  handler = await signIn(t.app, handlerStaff);
  leadStaff = await createStaff(t.app, 'ca:220102', ['lead'], { displayName: '李局长' });
  lead = await signIn(t.app, leadStaff);
  secondLeadStaff = await createStaff(t.app, 'ca:220102', ['lead']);
  secondLead = await signIn(t.app, secondLeadStaff);
});
afterAll(() => t.close());

describe('a returned draft answer', () => {
  it('comes back to the handler with its text, its finding and the lead’s reason', async () => {
    const id = await investigating();
    const page = `/staff/reports/${id}`;
    expect((await handler.post(`${page}/conclude`, { finding: 'partly', answer: ANSWER }, page)).statusCode).toBe(303);

    // A lead who sends it back says why.
    const silent = await lead.post(`${page}/approve_conclusion`, { decision: 'return', note: '' }, page);
    expect(silent.statusCode).toBe(409);
    expect(silent.body).toContain('请写明退回意见');
    expect((await findReport(t.app.db, id))!.answerDraft).not.toBeNull();

    const reason = '请补充入户核查的时间和追回金额。';
    expect((await lead.post(`${page}/approve_conclusion`, { decision: 'return', note: reason }, page)).statusCode).toBe(303);
    const r = (await findReport(t.app.db, id))!;
    expect(r.status).toBe('investigating');
    expect(r.answerDraft).toBeNull();
    const returned = (await eventsOf(t.app.db, id)).filter((e) => e.type === 'answer_returned').pop()!;
    expect(returned.visibleToReporter).toBe(false);
    expect(returned.body).toBe(reason);

    const form = await handler.get(page);
    expect(form.statusCode).toBe(200);
    const conclude = form.body.slice(form.body.indexOf('id="conclude"'));
    expect(conclude).toContain(`>${ANSWER}</textarea>`);
    expect(conclude).toMatch(/value="partly"\s+checked/);
    expect(conclude).toContain('核查结论已被退回修改');
    expect(conclude).toContain(reason);
    expect(conclude).toContain('李局长');

    // Resubmitted and approved: the prefill is gone, the answer reaches the reporter.
    const changed = ANSWER.replace('。', '，2026年3月5日入户核查，追回1200元。');
    expect((await handler.post(`${page}/conclude`, { finding: 'partly', answer: changed }, page)).statusCode).toBe(303);
    expect((await lead.post(`${page}/approve_conclusion`, { decision: 'approve' }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.status).toBe('concluded');
    expect((await eventsOf(t.app.db, id)).filter((e) => e.type === 'answer').pop()!.body).toBe(changed);
  });
});

describe('four eyes on the answer', () => {
  it('a lead who writes the answer does not approve it; another lead of the unit does', async () => {
    const id = await investigating();
    const page = `/staff/reports/${id}`;
    expect((await lead.post(`${page}/conclude`, { finding: 'substantiated', answer: LEAD_ANSWER }, page)).statusCode).toBe(303);
    // Written, not approved in the same step.
    let r = (await findReport(t.app.db, id))!;
    expect(r.status).toBe('investigating');
    expect(JSON.parse(r.answerDraft!).by).toBe(leadStaff.user.id);

    // His page offers no approval, and says who approves.
    const own = await lead.get(page);
    const form = own.body.slice(own.body.indexOf('/approve_conclusion'));
    expect(form).toContain('须由本单位另一位领导或上级民政部门的领导审批');
    expect(form.slice(0, form.indexOf('</form>'))).not.toContain('value="approve"');

    // The server refuses him in every language, and nothing changes.
    for (const [lang, text] of [['zh-CN', '您不能审批本人起草的核查结论'], ['ko', '본인이 작성한 조사 결론은 승인할 수 없습니다'], ['en', 'You cannot approve an answer you wrote yourself']] as const) {
      lead.jar.lang = lang;
      const refused = await lead.post(`${page}/approve_conclusion`, { decision: 'approve' }, page);
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain(text);
    }
    delete lead.jar.lang;
    r = (await findReport(t.app.db, id))!;
    expect(r.status).toBe('investigating');
    expect(r.answerDraft).not.toBeNull();
    expect((await eventsOf(t.app.db, id)).some((e) => e.type === 'answer')).toBe(false);

    // Another lead of the unit sees the approval and gives it.
    const other = await secondLead.get(page);
    expect(other.body.slice(other.body.indexOf('/approve_conclusion'))).toContain('value="approve"');
    expect((await secondLead.post(`${page}/approve_conclusion`, { decision: 'approve' }, page)).statusCode).toBe(303);
    r = (await findReport(t.app.db, id))!;
    expect(r.status).toBe('concluded');
    expect(r.finding).toBe('substantiated');
    const concluded = (await eventsOf(t.app.db, id)).find((e) => e.type === 'concluded')!;
    expect(concluded.actorId).toBe(secondLeadStaff.user.id);
  });

  it("a lead's own answer may go to a lead of the unit above; a handler's answer never does (issue 16)", async () => {
    const cityLead = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['lead', 'supervisor']));
    const own = await investigating();
    const ownPage = `/staff/reports/${own}`;
    expect((await lead.post(`${ownPage}/conclude`, { finding: 'substantiated', answer: LEAD_ANSWER }, ownPage)).statusCode).toBe(303);
    expect((await cityLead.post(`${ownPage}/approve_conclusion`, { decision: 'approve' }, ownPage)).statusCode).toBe(303);
    expect((await findReport(t.app.db, own))!.status).toBe('concluded');

    const handlers = await investigating();
    const page = `/staff/reports/${handlers}`;
    expect((await handler.post(`${page}/conclude`, { finding: 'partly', answer: ANSWER }, page)).statusCode).toBe(303);
    expect((await cityLead.post(`${page}/approve_conclusion`, { decision: 'approve' }, page)).statusCode).toBe(403);
    expect((await findReport(t.app.db, handlers))!.status).toBe('investigating');
  });

  it('the lead may take his own draft back to change it, without a reason', async () => {
    const id = await investigating();
    const page = `/staff/reports/${id}`;
    expect((await lead.post(`${page}/conclude`, { finding: 'unsubstantiated', answer: LEAD_ANSWER }, page)).statusCode).toBe(303);
    expect((await lead.post(`${page}/approve_conclusion`, { decision: 'return', note: '' }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.answerDraft).toBeNull();
    const form = await lead.get(page);
    expect(form.body.slice(form.body.indexOf('id="conclude"'))).toContain(`>${LEAD_ANSWER}</textarea>`);
  });
});
