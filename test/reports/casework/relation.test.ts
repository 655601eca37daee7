// Seeing and acting by relation to the report (issue 16 defect 6): the cases the issue saw, and the
// end of a department's and a discipline body's view when their part ends. The full actor × action
// × relation matrix is test/security/action-matrix.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChina } from '../../../src/clocks/index.js';
import { eventsOf, fileReport, findReport } from '../../../src/reports/index.js';
import { referralService } from '../../../src/reports/referrals/index.js';
import { transferService } from '../../../src/reports/transfers/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

let t: TestApp;
let county: Session, cityLead: Session, police: Session, inspector: Session, cityInspector: Session, township: Session;
let countyStaff: TestStaff, townshipStaff: TestStaff;
let mails: string[] = [];

const ANSWER = '经入户核查，您反映的问题部分属实，已停发该户低保金并追回多发部分，责成村委会重新评议。';

async function accepted(over: Record<string, unknown> = {}) {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null, ...over } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  expect((await county.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  return { id: report.id, caseNo: report.caseNo, page };
}

beforeAll(async () => {
  t = await makeApp({ production: true });
  const send = t.app.deps.mailer.sendLater;
  t.app.deps.mailer.sendLater = (mail) => {
    mails.push(mail.to);
    send(mail);
  };
  countyStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead']);
  county = await signIn(t.app, countyStaff);
  cityLead = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['lead', 'supervisor']));
  police = await signIn(t.app, await createStaff(t.app, 'dept:220102:police', ['handler', 'lead', 'intake']));
  inspector = await signIn(t.app, await createStaff(t.app, 'dic:220102', ['inspector', 'lead']));
  cityInspector = await signIn(t.app, await createStaff(t.app, 'dic:220100', ['inspector']));
  townshipStaff = await createStaff(t.app, 'gov:220102001', ['handler']);
  township = await signIn(t.app, townshipStaff);
});
afterAll(() => t.close());

describe('what issue 16 saw, now refused', () => {
  it('county police with an open transfer can neither message the reporter nor refer the report', async () => {
    const { id, page } = await accepted();
    const dept = (await findUnitByKey(t.app.db, 'dept:220102:police'))!;
    expect((await county.post(`${page}/transfer`, { department_id: String(dept.id), due: '2099-12-31', note: '涉嫌违法，请依法处理。' }, page)).statusCode).toBe(303);
    expect((await police.get(page)).statusCode).toBe(200);
    const events = (await eventsOf(t.app.db, id)).length;
    mails = [];
    const message = await police.post(`${page}/message`, { body: '我们是县公安局，请你来一趟。' }, page);
    expect(message.statusCode).toBe(403);
    expect(message.body).toContain('这项操作不属于您（或您的单位）在这件举报中的职责。');
    const refer = await police.post(`${page}/refer`, { opinion: '经初步核实，涉嫌优亲厚友，移送处理。' }, page);
    expect(refer.statusCode).toBe(403);
    expect(await referralService.referralsOf(t.app.deps, id)).toEqual([]);
    expect((await findReport(t.app.db, id))!.status).toBe('transferred');
    expect((await eventsOf(t.app.db, id)).length).toBe(events);
    expect(mails).toEqual([]);
    // Its own part it still does, from its own list.
    expect((await police.get(page)).body).toContain('/outcome');
    expect((await police.get(page)).body).not.toContain(`${page}/message`);
  });

  it('an inspector with an open referral cannot post a message the reporter sees', async () => {
    const { id, page } = await accepted();
    expect((await county.post(`${page}/refer`, { opinion: '经初步核实，涉嫌优亲厚友，移送处理。' }, page)).statusCode).toBe(303);
    expect((await inspector.get(page)).statusCode).toBe(200);
    const before = (await eventsOf(t.app.db, id)).length;
    expect((await inspector.post(`${page}/message`, { body: '请举报人到纪委说明情况。' }, page)).statusCode).toBe(403);
    expect((await eventsOf(t.app.db, id)).length).toBe(before);
  });

  it('a city lead cannot approve a county handler\'s answer; the county lead can', async () => {
    const { id, page } = await accepted();
    const unit = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
    const due = (await findReport(t.app.db, id))!.handlingDue!;
    expect((await county.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(townshipStaff.user.id), due }, page)).statusCode).toBe(303);
    expect((await township.post(`${page}/start`, {}, page)).statusCode).toBe(303);
    expect((await township.post(`${page}/conclude`, { finding: 'partly', answer: ANSWER }, page)).statusCode).toBe(303);
    const approve = await cityLead.post(`${page}/approve_conclusion`, { decision: 'approve' }, page);
    expect(approve.statusCode).toBe(403);
    expect((await findReport(t.app.db, id))!.status).toBe('investigating');
    expect((await eventsOf(t.app.db, id)).some((e) => e.type === 'answer')).toBe(false);
    expect((await cityLead.get(page)).body).not.toContain(`${page}/approve_conclusion`);
    expect((await county.post(`${page}/approve_conclusion`, { decision: 'approve' }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.status).toBe('concluded');
  });

  it('shows a township the report assigned to it when the report names no subject', async () => {
    const { id, page } = await accepted({ subjectPosition: null });
    const unit = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
    await county.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(townshipStaff.user.id), due: (await findReport(t.app.db, id))!.handlingDue! }, page);
    expect((await findReport(t.app.db, id))!.assigneeId).toBe(townshipStaff.user.id);
    expect((await township.get(page)).statusCode).toBe(200);
    expect((await township.get('/staff/reports')).body).toContain(`/staff/reports/${id}"`);
  });
});

describe('a department and a discipline body see a report only while their part is open', () => {
  it('the department loses the report once it reported its outcome', async () => {
    const { id, caseNo, page } = await accepted();
    const dept = (await findUnitByKey(t.app.db, 'dept:220102:police'))!;
    await county.post(`${page}/transfer`, { department_id: String(dept.id), due: '2099-12-31', note: '涉嫌违法，请依法处理。' }, page);
    const transfer = (await transferService.transfersOf(t.app.deps, id))[0]!;
    expect((await police.get('/staff/reports')).body).toContain(caseNo);
    expect((await police.post(`/staff/transfers/${transfer.id}/outcome`, { outcome: '已立案侦查，对涉案人员采取强制措施。' }, '/staff/transfers')).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.status).toBe('investigating');
    expect((await police.get(page)).statusCode).toBe(404);
    expect((await police.get('/staff/reports')).body).not.toContain(caseNo);
    const list = await police.get('/staff/transfers');
    expect(list.body).toContain(caseNo);
    expect(list.body).not.toContain(`href="${page}"`);
    expect((await police.post(`/staff/transfers/${transfer.id}/return`, { reason: '不属本部门职责范围。' }, '/staff/transfers')).statusCode).toBe(404);
  });

  it('the body loses the report when it returns the referral, and the commission above only looks on', async () => {
    const { id, caseNo, page } = await accepted();
    await county.post(`${page}/refer`, { opinion: '经初步核实，涉嫌优亲厚友，移送处理。' }, page);
    const referral = (await referralService.referralsOf(t.app.deps, id))[0]!;
    const detail = `/staff/referrals/${referral.id}`;
    expect((await cityInspector.get(detail)).statusCode).toBe(200);
    expect((await cityInspector.post(`${detail}/accept`, {}, detail)).statusCode).toBe(403);
    expect((await referralService.findReferral(t.app.deps, referral.id))!.status).toBe('pending');
    expect((await inspector.post(`${detail}/return`, { reason: '不属本机关管辖，请移送。' }, detail)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.status).toBe('accepted');
    for (const session of [inspector, cityInspector]) {
      expect((await session.get(page)).statusCode).toBe(404);
      expect((await session.get(detail)).statusCode).toBe(404);
      expect((await session.get(`${detail}/packet`)).statusCode).toBe(404);
      expect((await session.get('/staff/reports')).body).not.toContain(caseNo);
    }
    const inbox = await inspector.get('/staff/referrals');
    expect(inbox.body).toContain(caseNo);
    expect(inbox.body).not.toContain(`href="${detail}"`);
  });

  it('a concluded referral stays in the body\'s workspace but the report page closes to it', async () => {
    const { id, page } = await accepted();
    await county.post(`${page}/refer`, { opinion: '经初步核实，涉嫌优亲厚友，移送处理。' }, page);
    const referral = (await referralService.referralsOf(t.app.deps, id))[0]!;
    const detail = `/staff/referrals/${referral.id}`;
    await inspector.post(`${detail}/accept`, {}, detail);
    expect((await inspector.post(`${detail}/result`, { detail_kind: 'party:warning', on: todayInChina(), text: '给予党内警告处分，责令退还。' }, detail)).statusCode).toBe(303);
    expect((await inspector.post(`${detail}/conclude`, {}, detail)).statusCode).toBe(303);
    expect((await inspector.get(detail)).statusCode).toBe(200);
    expect((await inspector.get(page)).statusCode).toBe(404);
  });
});
