import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { auditLog } from '../../src/audit/tables.js';
import { identityRequests } from '../../src/identity-access/tables.js';
import { fileReport, type Identity } from '../../src/reports/index.js';
import { updateReport } from '../../src/reports/repository.js';
import { findUnitByKey } from '../../src/units/index.js';
import type { OutgoingMail } from '../../src/plugins/mail.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { html } from '../helpers/forms.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let handlerStaff: TestStaff, cityCustodianStaff: TestStaff, provinceLeadCustodianStaff: TestStaff;
let handler: Session, intake: Session, countyCustodian: Session, cityCustodian: Session, cityLead: Session, otherCityCustodian: Session, otherCounty: Session;
let provinceLeadCustodian: Session, provinceCustodian: Session;
const mails: OutgoingMail[] = [];

// Sign-ins are rate-limited per address: each user signs in from their own.
let address = 0;
const login = (staff: TestStaff) => signIn(t.app, staff, `127.0.1.${++address}`);

const IDENTITY: Identity = { name: '孙建国', phone: '13904317777', email: 'sun.jianguo@example.invalid', address: '南关区幸福街道幸福村三组12号', mobile: '13904318888' };
const SECRETS = [IDENTITY.name, IDENTITY.phone, IDENTITY.email, IDENTITY.address, IDENTITY.mobile!];
const REASON = '需要电话联系举报人核实低保户家庭财产情况。';

async function newReport(identity: Identity | null = IDENTITY) {
  const filed = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return filed.report;
}

async function requestsOf(reportId: number, requesterId: number) {
  return t.app.db.select().from(identityRequests).where(and(eq(identityRequests.reportId, reportId), eq(identityRequests.requesterId, requesterId))).orderBy(asc(identityRequests.id)).all();
}

async function auditOf(reportId: number) {
  return (await t.app.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.objectType, 'report'), eq(auditLog.objectId, String(reportId))))
    .orderBy(asc(auditLog.id))
    .all())
    .filter((e) => e.action.startsWith('identity.'));
}

function expectNoIdentity(body: string) {
  const text = html.unescape(body);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

beforeAll(async () => {
  t = await makeApp();
  vi.spyOn(t.app.deps.mailer, 'sendLater').mockImplementation((mail) => {
    mails.push(mail);
  });
  handlerStaff = await createStaff(t.app, 'ca:220102', ['handler']);
  handler = await login(handlerStaff);
  intake = await login(await createStaff(t.app, 'ca:220102', ['intake']));
  countyCustodian = await login(await createStaff(t.app, 'ca:220102', ['custodian']));
  cityCustodianStaff = await createStaff(t.app, 'ca:220100', ['custodian']);
  cityCustodian = await login(cityCustodianStaff);
  cityLead = await login(await createStaff(t.app, 'ca:220100', ['lead', 'supervisor']));
  otherCityCustodian = await login(await createStaff(t.app, 'ca:220200', ['custodian']));
  otherCounty = await login(await createStaff(t.app, 'ca:220103', ['handler', 'lead', 'custodian']));
  provinceLeadCustodianStaff = await createStaff(t.app, 'ca:220000', ['lead', 'custodian']);
  provinceLeadCustodian = await login(provinceLeadCustodianStaff);
  provinceCustodian = await login(await createStaff(t.app, 'ca:220000', ['custodian']));
});
afterAll(() => t.close());

describe('asking to see a reporter identity', () => {
  it('goes request → approve → view, the identity shown only after approval and every step audited', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;

    const first = await handler.get(page);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('提交申请');
    expect(first.body).toContain('长春市民政局');
    expectNoIdentity(first.body);

    mails.length = 0;
    const asked = await handler.post(page, { reason: REASON }, page);
    expect(asked.statusCode).toBe(303);
    const [request] = await requestsOf(report.id, handlerStaff.user.id);
    const city = (await findUnitByKey(t.app.db, 'ca:220100'))!;
    expect(request).toMatchObject({ status: 'pending', deciderUnitId: city.id, reason: REASON });

    // The city's custodians are told that something waits: a link, nothing of the case.
    const toCustodian = mails.filter((m) => m.to === cityCustodianStaff.user.email);
    expect(toCustodian).toHaveLength(1);
    expect(toCustodian[0]!.text).toContain(`${t.config.baseUrl}/staff/identity-requests`);
    for (const m of mails) {
      for (const secret of [...SECRETS, report.caseNo, REASON, '王德福']) expect(m.text + m.subject).not.toContain(secret);
    }

    const pending = await handler.get(page);
    expect(pending.body).toContain('待审批');
    expect(pending.headers['cache-control']).toBe('no-store');
    expectNoIdentity(pending.body);
    // A second request while one is pending is refused, the input kept.
    const again = await handler.post(page, { reason: '再次申请查看举报人身份信息。' }, page);
    expect(again.statusCode).toBe(409);
    expect(await requestsOf(report.id, handlerStaff.user.id)).toHaveLength(1);

    const queue = await cityCustodian.get('/staff/identity-requests');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain(report.caseNo);
    expect(queue.body).toContain(REASON);
    expect(queue.body).toContain(handlerStaff.user.displayName);
    expect(queue.body).toContain('南关区民政局');
    expectNoIdentity(queue.body);

    const approved = await cityCustodian.post(`/staff/identity-requests/${request!.id}/decide`, { decision: 'approve', note: '同意，仅限核查使用。' }, '/staff/identity-requests');
    expect(approved.statusCode).toBe(303);
    expect((await requestsOf(report.id, handlerStaff.user.id))[0]).toMatchObject({ status: 'approved', decidedBy: cityCustodianStaff.user.id });
    expect(mails.some((m) => m.to === handlerStaff.user.email && m.text.includes(`/staff/reports/${report.id}/identity`))).toBe(true);

    const view = await handler.get(page);
    expect(view.statusCode).toBe(200);
    expect(view.headers['cache-control']).toBe('no-store');
    for (const secret of SECRETS) expect(html.unescape(view.body)).toContain(secret);
    // Approval covers that user only: a colleague of the same unit sees nothing.
    const colleague = await login(await createStaff(t.app, 'ca:220102', ['handler']));
    expectNoIdentity((await colleague.get(page)).body);

    const entries = await auditOf(report.id);
    expect(entries.map((e) => e.action)).toEqual(['identity.request', 'identity.approve', 'identity.view']);
    for (const e of entries) {
      expect(JSON.parse(e.detail!)).toEqual({ report: report.id, request: request!.id });
      for (const secret of SECRETS) expect(e.detail).not.toContain(secret);
    }
    expect(entries.map((e) => e.actorId)).toEqual([handlerStaff.user.id, cityCustodianStaff.user.id, handlerStaff.user.id]);
    await handler.get(page);
    expect((await auditOf(report.id)).filter((e) => e.action === 'identity.view')).toHaveLength(2);
  });

  it('keeps the reason on a short-reason error and lets only handlers, leads and inspectors ask', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;
    const short = await handler.post(page, { reason: '核实一下' }, page);
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('至少 10 个字');
    expect(short.body).toContain('核实一下');
    expect(await requestsOf(report.id, handlerStaff.user.id)).toHaveLength(0);

    const intakePage = await intake.get(page);
    expect(intakePage.statusCode).toBe(403);
    expect(intakePage.body).toContain('只有承办人、负责人或纪检监察人员');
    expect((await intake.post(page, { reason: REASON })).statusCode).toBe(403);
    expect(await auditOf(report.id)).toHaveLength(0);
  });

  it('answers 404 to a user of another county, on the page and the form', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;
    expect((await otherCounty.get(page)).statusCode).toBe(404);
    expect((await otherCounty.post(page, { reason: REASON })).statusCode).toBe(404);
    expect((await handler.get('/staff/reports/999999/identity')).statusCode).toBe(404);
  });

  it('says clearly that an anonymous report has no identity to ask for', async () => {
    const report = await newReport(null);
    const page = `/staff/reports/${report.id}/identity`;
    const res = await handler.get(page);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('这是一件匿名举报');
    expect(res.body).not.toContain('提交申请');
    expect((await handler.post(page, { reason: REASON }, page)).statusCode).toBe(409);
    expect(await requestsOf(report.id, handlerStaff.user.id)).toHaveLength(0);
  });
});

describe('deciding on a request', () => {
  it('lets only a custodian of the deciding unit decide', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;
    await handler.post(page, { reason: REASON }, page);
    const [request] = await requestsOf(report.id, handlerStaff.user.id);
    const decide = `/staff/identity-requests/${request!.id}/decide`;

    // Another city's custodian, and the requester's own county custodian: not their request.
    expect((await otherCityCustodian.post(decide, { decision: 'approve' })).statusCode).toBe(404);
    expect((await countyCustodian.post(decide, { decision: 'approve' })).statusCode).toBe(404);
    expect((await otherCityCustodian.get('/staff/identity-requests')).body).not.toContain(report.caseNo);
    // The right unit but not a custodian.
    expect((await cityLead.post(decide, { decision: 'approve' })).statusCode).toBe(403);
    expect((await cityLead.get('/staff/identity-requests')).statusCode).toBe(403);
    expect((await handler.post(decide, { decision: 'approve' })).statusCode).toBe(403);
    expect((await requestsOf(report.id, handlerStaff.user.id))[0]!.status).toBe('pending');
    expectNoIdentity((await handler.get(page)).body);
  });

  it('never lets the requester decide their own request, even as a custodian at the top', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;
    // The province asks only for a report it handles (issue 16): here one it took over (提级).
    // At the top, the deciding unit is the province itself.
    const province = (await findUnitByKey(t.app.db, 'ca:220000'))!;
    await updateReport(t.app.db, report.id, { handlingUnitId: province.id });
    expect((await provinceLeadCustodian.post(page, { reason: REASON }, page)).statusCode).toBe(303);
    const [request] = await requestsOf(report.id, provinceLeadCustodianStaff.user.id);
    expect(request!.deciderUnitId).toBe(province.id);

    const queue = await provinceLeadCustodian.get('/staff/identity-requests');
    expect(queue.body).toContain('本人提出的申请');
    expect(queue.body).not.toContain(`/staff/identity-requests/${request!.id}/decide`);
    const own = await provinceLeadCustodian.post(`/staff/identity-requests/${request!.id}/decide`, { decision: 'approve' }, '/staff/identity-requests');
    expect(own.statusCode).toBe(403);
    expect(own.body).toContain('不能审批本人提出的申请');
    expect((await requestsOf(report.id, provinceLeadCustodianStaff.user.id))[0]!.status).toBe('pending');
    expectNoIdentity((await provinceLeadCustodian.get(page)).body);

    // Another custodian of the same unit may.
    expect((await provinceCustodian.get('/staff/identity-requests')).body).toContain(`/staff/identity-requests/${request!.id}/decide`);
    expect((await provinceCustodian.post(`/staff/identity-requests/${request!.id}/decide`, { decision: 'approve' })).statusCode).toBe(303);
    const shown = html.unescape((await provinceLeadCustodian.get(page)).body);
    expect(shown).toContain(IDENTITY.phone);
    // The mobile number for texts (issue 24) is part of the identity an approval releases.
    expect(shown).toContain(IDENTITY.mobile!);
    const actions = (await auditOf(report.id)).map((e) => `${e.action}:${e.result}`);
    expect(actions).toEqual(['identity.request:ok', 'identity.approve:refused_own_request', 'identity.approve:ok', 'identity.view:ok']);
  });

  it('denies: no identity, the note shown to the requester, a new request possible', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;
    await handler.post(page, { reason: REASON }, page);
    const [request] = await requestsOf(report.id, handlerStaff.user.id);
    const denied = await cityCustodian.post(`/staff/identity-requests/${request!.id}/decide`, { decision: 'deny', note: '理由不充分，请先通过电话以外方式核查。' });
    expect(denied.statusCode).toBe(303);
    expect((await requestsOf(report.id, handlerStaff.user.id))[0]!.status).toBe('denied');
    // Deciding twice changes nothing.
    expect((await cityCustodian.post(`/staff/identity-requests/${request!.id}/decide`, { decision: 'approve' })).statusCode).toBe(409);
    expect((await requestsOf(report.id, handlerStaff.user.id))[0]!.status).toBe('denied');

    const after = await handler.get(page);
    expect(after.body).toContain('未批准');
    expect(after.body).toContain('理由不充分');
    expect(after.body).toContain('重新申请');
    expectNoIdentity(after.body);
    expect((await auditOf(report.id)).map((e) => e.action)).toEqual(['identity.request', 'identity.deny']);

    expect((await handler.post(page, { reason: '已补充核查情况，仍需联系举报人。' }, page)).statusCode).toBe(303);
    expect((await requestsOf(report.id, handlerStaff.user.id)).map((r) => r.status)).toEqual(['denied', 'pending']);
  });

  it('revokes an approval, which stops the view', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;
    await handler.post(page, { reason: REASON }, page);
    const [request] = await requestsOf(report.id, handlerStaff.user.id);
    await cityCustodian.post(`/staff/identity-requests/${request!.id}/decide`, { decision: 'approve' });
    expect(html.unescape((await handler.get(page)).body)).toContain(IDENTITY.name);

    expect((await otherCityCustodian.post(`/staff/identity-requests/${request!.id}/revoke`, {})).statusCode).toBe(404);
    const queue = await cityCustodian.get('/staff/identity-requests');
    expect(queue.body).toContain(`/staff/identity-requests/${request!.id}/revoke`);
    expect((await cityCustodian.post(`/staff/identity-requests/${request!.id}/revoke`, {})).statusCode).toBe(303);
    expect((await requestsOf(report.id, handlerStaff.user.id))[0]!.status).toBe('revoked');
    expect((await cityCustodian.post(`/staff/identity-requests/${request!.id}/revoke`, {})).statusCode).toBe(409);

    const after = await handler.get(page);
    expect(after.body).toContain('已撤销');
    expectNoIdentity(after.body);
    expect((await auditOf(report.id)).map((e) => e.action)).toEqual(['identity.request', 'identity.approve', 'identity.view', 'identity.revoke']);
  });
});

describe('safeguards around a decision', () => {
  it('keeps a custodian recused from the report out of the decision, and the case out of their queue', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;
    // This custodian lives in the village the report is about.
    const recused = await login(await createStaff(t.app, 'ca:220100', ['custodian'], { homeVillageCode: '220102001001' }));
    await handler.post(page, { reason: REASON }, page);
    const [request] = await requestsOf(report.id, handlerStaff.user.id);
    const queue = await recused.get('/staff/identity-requests');
    expect(queue.body).toContain('您需回避此件');
    expect(queue.body).not.toContain(report.caseNo);
    expect(queue.body).not.toContain(REASON);
    expect((await recused.post(`/staff/identity-requests/${request!.id}/decide`, { decision: 'approve' })).statusCode).toBe(403);
    expect((await requestsOf(report.id, handlerStaff.user.id))[0]!.status).toBe('pending');
  });

  it('re-renders the queue with the note kept when it is too long or no decision is chosen', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}/identity`;
    await handler.post(page, { reason: REASON }, page);
    const [request] = await requestsOf(report.id, handlerStaff.user.id);
    const decide = `/staff/identity-requests/${request!.id}/decide`;
    const long = await cityCustodian.post(decide, { decision: 'approve', note: '很长的意见'.repeat(120) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('审批意见太长');
    expect(long.body).toContain('很长的意见很长的意见');
    const none = await cityCustodian.post(decide, { note: '先看看' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('请选择批准或不批准');
    expect(none.body).toContain('先看看');
    expect((await requestsOf(report.id, handlerStaff.user.id))[0]!.status).toBe('pending');
    expect((await auditOf(report.id)).map((e) => e.action)).toEqual(['identity.request']);
  });

  it('sends a township user\'s request to its county and a county\'s to its city', async () => {
    const { deciderUnitIdFor } = await import('../../src/identity-access/index.js');
    const { staffContext } = await import('../../src/plugins/auth.js');
    const unit = async (key: string) => (await findUnitByKey(t.app.db, key))!;
    const township = await unit('gov:220102001');
    const county = await unit('ca:220102');
    const province = await unit('ca:220000');
    expect(deciderUnitIdFor(staffContext(handlerStaff.user, township))).toBe(county.id);
    expect(deciderUnitIdFor(staffContext(handlerStaff.user, county))).toBe((await unit('ca:220100')).id);
    expect(deciderUnitIdFor(staffContext(handlerStaff.user, province))).toBe(province.id);
    expect(deciderUnitIdFor(staffContext(handlerStaff.user, await unit('dic:220102')))).toBe((await unit('dic:220100')).id);
  });
});
