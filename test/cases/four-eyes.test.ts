// Issue 19 item 9: no one approves a typical case they wrote; another lead of the unit, or a lead
// or supervisor of the civil-affairs unit above, does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCase } from '../../src/cases/repository.js';
import { fileReport, findReport } from '../../src/reports/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { COUNTY, FACTS, TOWNSHIP, VILLAGE } from './helpers.js';

let t: TestApp;
let lead: Session, secondLead: Session, handler: Session, cityLead: Session;
let leadStaff: TestStaff, secondLeadStaff: TestStaff, handlerStaff: TestStaff, cityLeadStaff: TestStaff;
const LIST = '/staff/cases';

/** A report concluded (substantiated) the four-eyes way: the handler writes, the second lead approves. */
async function concluded(): Promise<number> {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: VILLAGE, placeOther: null, countyCode: COUNTY, townshipCode: TOWNSHIP, subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '丁家村村主任王德福把他弟弟一家评成了低保户，他弟弟家有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  const unit = (await findUnitByKey(t.app.db, `ca:${COUNTY}`))!;
  expect((await lead.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  await lead.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(handlerStaff.user.id), due: (await findReport(t.app.db, report.id))!.handlingDue! }, page);
  await handler.post(`${page}/start`, {}, page);
  await handler.post(`${page}/conclude`, { finding: 'substantiated', answer: '经入户核查，您反映的问题属实，已停发该户低保金并追回违规资金，相关人员已移送纪检监察机关。' }, page);
  expect((await secondLead.post(`${page}/approve_conclusion`, { decision: 'approve' }, page)).statusCode).toBe(303);
  expect((await findReport(t.app.db, report.id))!.status).toBe('concluded');
  return report.id;
}

/** `drafter` starts the case, `editor` fills in the facts and submits it. */
async function awaitingApproval(drafter: Session, editor: Session): Promise<number> {
  const reportId = await concluded();
  const res = await drafter.post(`/staff/reports/${reportId}/case/new`, {}, LIST);
  expect(res.statusCode).toBe(303);
  const id = Number(/\/staff\/cases\/(\d+)/.exec(res.headers.location as string)![1]);
  const page = `${LIST}/${id}`;
  const c = (await findCase(t.app.db, id))!;
  const body = c.body.replace(/经查，【[^】]*】。/, FACTS);
  expect((await editor.post(`${page}/save`, { title: c.title, body, quarter: c.quarter, category: c.category }, page)).statusCode).toBe(303);
  expect((await editor.post(`${page}/submit`, {}, page)).statusCode).toBe(303);
  expect((await findCase(t.app.db, id))!.status).toBe('awaiting_approval');
  return id;
}

beforeAll(async () => {
  t = await makeApp();
  leadStaff = await createStaff(t.app, `ca:${COUNTY}`, ['lead', 'handler', 'intake']);
  lead = await signIn(t.app, leadStaff);
  secondLeadStaff = await createStaff(t.app, `ca:${COUNTY}`, ['lead']);
  secondLead = await signIn(t.app, secondLeadStaff);
  handlerStaff = await createStaff(t.app, `ca:${COUNTY}`, ['handler']);
  handler = await signIn(t.app, handlerStaff);
  cityLeadStaff = await createStaff(t.app, 'ca:220100', ['lead', 'supervisor']);
  cityLead = await signIn(t.app, cityLeadStaff);
});
afterAll(() => t.close());

describe('four eyes on a typical case', () => {
  it('the lead who drafted it cannot approve it (refused with the reason, button hidden); another lead of the unit does', async () => {
    const id = await awaitingApproval(lead, lead);
    const page = `${LIST}/${id}`;

    const own = await lead.get(page);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain(`action="/staff/cases/${id}/approve"`);
    expect(own.body).toContain('这个案例有您本人参与起草');

    for (const [lang, text] of [['zh-CN', '您不能审批本人参与起草的典型案例'], ['ko', '본인이 작성에 참여한 전형 사례는 승인할 수 없습니다'], ['en', 'You cannot approve a typical case you took part in writing']] as const) {
      lead.jar.lang = lang;
      const refused = await lead.post(`${page}/approve`, {}, page);
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain(text);
    }
    delete lead.jar.lang;
    expect(await findCase(t.app.db, id)).toMatchObject({ status: 'awaiting_approval', approvedBy: null, publishedAt: null });

    const other = await secondLead.get(page);
    expect(other.body).toContain(`action="/staff/cases/${id}/approve"`);
    expect((await secondLead.post(`${page}/approve`, {}, page)).statusCode).toBe(303);
    expect(await findCase(t.app.db, id)).toMatchObject({ status: 'published', approvedBy: secondLeadStaff.user.id });
  });

  it('a lead who only edited a handler’s draft is one of its authors too; the level above approves it', async () => {
    const id = await awaitingApproval(handler, lead);
    const page = `${LIST}/${id}`;
    expect((await lead.post(`${page}/approve`, {}, page)).statusCode).toBe(403);
    expect((await findCase(t.app.db, id))!.status).toBe('awaiting_approval');
    // A handler never approves.
    expect((await handler.post(`${page}/approve`, {}, page)).statusCode).toBe(403);

    const city = await cityLead.get(page);
    expect(city.statusCode).toBe(200);
    expect(city.body).toContain(`action="/staff/cases/${id}/approve"`);
    expect((await cityLead.post(`${page}/approve`, {}, page)).statusCode).toBe(303);
    expect(await findCase(t.app.db, id)).toMatchObject({ status: 'published', approvedBy: cityLeadStaff.user.id });
  });

  it('the drafting lead may still send it back to change it', async () => {
    const id = await awaitingApproval(lead, lead);
    const page = `${LIST}/${id}`;
    expect((await lead.post(`${page}/send_back`, { note: '补充整改情况' }, page)).statusCode).toBe(303);
    expect((await findCase(t.app.db, id))!.status).toBe('draft');
  });
});
