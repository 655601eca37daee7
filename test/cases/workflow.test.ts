import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../src/audit/index.js';
import { draftCaseFromReferral } from '../../src/cases/index.js';
import { findCase, updateCase } from '../../src/cases/repository.js';
import { currentQuarter } from '../../src/cases/quarter.js';
import { staffContext } from '../../src/plugins/auth.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { concludedReferral, concludedReport, COUNTY, FACTS, TOWNSHIP } from './helpers.js';

let t: TestApp;
let lead: Session, handler: Session, inspector: Session, otherInspector: Session, cityInspector: Session, otherLead: Session;
let leadStaff: TestStaff, handlerStaff: TestStaff, inspectorStaff: TestStaff;
const LIST = '/staff/cases';

beforeAll(async () => {
  t = await makeApp();
  leadStaff = await createStaff(t.app, `ca:${COUNTY}`, ['lead', 'handler', 'intake']);
  lead = await signIn(t.app, leadStaff);
  handlerStaff = await createStaff(t.app, `ca:${COUNTY}`, ['handler']);
  handler = await signIn(t.app, handlerStaff);
  inspectorStaff = await createStaff(t.app, `dic:${COUNTY}`, ['inspector']);
  inspector = await signIn(t.app, inspectorStaff);
  otherInspector = await signIn(t.app, await createStaff(t.app, 'dic:220103', ['inspector']));
  cityInspector = await signIn(t.app, await createStaff(t.app, 'dic:220100', ['inspector']));
  otherLead = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['lead', 'handler', 'supervisor']));
});
afterAll(() => t.close());

async function handlerCtx() {
  return staffContext(handlerStaff.user, (await findUnitByKey(t.app.db, `ca:${COUNTY}`))!);
}

async function draftViaRoute(reportId: number): Promise<number> {
  const res = await handler.post(`/staff/reports/${reportId}/case/new`, {}, LIST);
  expect(res.statusCode).toBe(303);
  const id = Number(/\/staff\/cases\/(\d+)/.exec(res.headers.location as string)![1]);
  return id;
}

const save = async (s: Session, id: number, body: string, extra: Record<string, string> = {}) => {
  const c = (await findCase(t.app.db, id))!;
  return s.post(`${LIST}/${id}/save`, { title: c.title, body, quarter: c.quarter, category: c.category, ...extra }, `${LIST}/${id}`);
};

describe('a draft from a concluded report', () => {
  it('is prefilled and anonymised: surname + position, place to the township, no name, village or phone', async () => {
    const reportId = await concludedReport(t.app, lead, leadStaff);
    const preview = await handler.get(`/staff/reports/${reportId}/case/new`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('长春市双阳区鹿乡镇某村村干部王某优亲厚友问题');
    expect(preview.body).not.toContain('王德福');

    const id = await draftViaRoute(reportId);
    const c = (await findCase(t.app.db, id))!;
    expect(c).toMatchObject({ status: 'draft', reportId, referralId: null, regionCode: TOWNSHIP, category: 'favouritism', quarter: currentQuarter() });
    expect(c.title).toBe('长春市双阳区鹿乡镇某村村干部王某优亲厚友问题');
    expect(c.body).toContain('群众反映的问题经核查属实。');
    expect(c.body).toMatch(/^经查，【请/);
    for (const secret of ['王德福', '丁家', '13912345678', '拖拉机']) {
      expect(c.title + c.body).not.toContain(secret);
    }
    // Drafting again from the same report opens the same case.
    expect(await draftViaRoute(reportId)).toBe(id);
    expect((await handler.get(`/staff/reports/${reportId}/case/new`)).headers.location).toBe(`/staff/cases/${id}`);
  });

  it('refuses a report that is not concluded', async () => {
    const { fileReport } = await import('../../src/reports/index.js');
    const { report } = await fileReport(t.app.deps, { category: 'bribery', placeCode: TOWNSHIP, placeOther: null, countyCode: COUNTY, townshipCode: TOWNSHIP, subjectName: null, subjectPosition: null, subjectIsHead: false, description: '乡里办低保要送烟送酒，不送就说材料不全。', happenedAt: null, identity: null }, [], { channel: 'online', nonce: null });
    const res = await handler.post(`/staff/reports/${report.id}/case/new`, {}, LIST);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('只有已办结');
  });
});

describe('approval and the personal-data guard', () => {
  it('goes draft → awaiting approval → published; a handler cannot approve, the lead can; every step audited', async () => {
    const id = await draftViaRoute(await concludedReport(t.app, lead, leadStaff));
    const page = `${LIST}/${id}`;

    // The placeholder is still there: no submission.
    const early = await handler.post(`${page}/submit`, {}, page);
    expect(early.statusCode).toBe(422);
    expect(early.body).toContain('未填写的提示文字');

    // A phone number typed into the facts: saved (a draft may hold it), but refused on submission.
    const withPhone = (await findCase(t.app.db, id))!.body.replace(/经查，【[^】]*】。/, `${FACTS}举报人电话139 1234 5678。`);
    expect((await save(handler, id, withPhone)).statusCode).toBe(303);
    const shown = await handler.get(page);
    expect(shown.body).toContain('手机号码');
    const refused = await handler.post(`${page}/submit`, {}, page);
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('案例中含有个人信息');
    expect(refused.body).toContain('手机号码');
    expect((await findCase(t.app.db, id))!.status).toBe('draft');

    // Form validation keeps the input.
    const bad = await save(handler, id, '太短', { quarter: 'soon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('正文需要20到5000个字');
    expect(bad.body).toContain('太短');

    const clean = withPhone.replace('举报人电话139 1234 5678。', '');
    expect((await save(handler, id, clean)).statusCode).toBe(303);
    expect((await handler.post(`${page}/submit`, {}, page)).statusCode).toBe(303);
    expect((await findCase(t.app.db, id))!.status).toBe('awaiting_approval');

    expect((await handler.post(`${page}/approve`, {}, page)).statusCode).toBe(403);
    expect((await otherLead.get(page)).statusCode).toBe(404);
    expect((await otherLead.post(`${page}/approve`, {}, LIST)).statusCode).toBe(404);
    expect((await lead.post(`${page}/approve`, {}, page)).statusCode).toBe(303);
    const published = (await findCase(t.app.db, id))!;
    expect(published.status).toBe('published');
    expect(published.approvedBy).toBe(leadStaff.user.id);
    expect(published.publishedAt).toBeGreaterThan(0);
    expect((await t.app.inject({ url: `/cases/${id}` })).statusCode).toBe(200);

    const actions = (await entriesFor(t.app.db, 'typical_case', String(id))).map((e) => e.action);
    expect(actions).toEqual(['case.drafted', 'case.edited', 'case.edited', 'case.submitted', 'case.published']);

    // Withdraw needs a reason; then it leaves the public site.
    expect((await lead.post(`${page}/withdraw`, { note: '' }, page)).statusCode).toBe(400);
    expect((await lead.post(`${page}/withdraw`, { note: '事实表述需更正' }, page)).statusCode).toBe(303);
    expect((await findCase(t.app.db, id))!.status).toBe('withdrawn');
    expect((await t.app.inject({ url: `/cases/${id}` })).statusCode).toBe(404);
    expect((await handler.get(page)).body).toContain('事实表述需更正');
  });

  it('refuses publication of an ID number or the full name even if the text changed after submission', async () => {
    const id = await draftViaRoute(await concludedReport(t.app, lead, leadStaff));
    const page = `${LIST}/${id}`;
    await updateCase(t.app.db, id, { status: 'awaiting_approval', body: `${FACTS}王德福，身份证号220112198001011234。` });
    const res = await lead.post(`${page}/approve`, {}, page);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('身份证号码、银行卡号等长串数字');
    expect(res.body).toContain('被反映人的全名');
    expect((await findCase(t.app.db, id))!.status).toBe('awaiting_approval');
    // Sent back to the drafter with a note.
    expect((await lead.post(`${page}/send_back`, { note: '请删除身份证号和全名' }, page)).statusCode).toBe(303);
    expect((await findCase(t.app.db, id))!.status).toBe('draft');
  });
});

describe('a case from a referral', () => {
  it('needs the body’s sign-off before the lead may approve; another body cannot sign off', async () => {
    const reportId = await concludedReport(t.app, lead, leadStaff);
    const referralId = await concludedReferral(t.app, reportId);
    const { case: drafted } = await draftCaseFromReferral(t.app.deps, await handlerCtx(), referralId);
    expect(drafted.referralId).toBe(referralId);
    expect(drafted.body).toContain('王某受到党内警告处分。');
    expect(drafted.body).not.toContain('王德福');
    const id = drafted.id;
    const page = `${LIST}/${id}`;

    expect((await save(handler, id, drafted.body.replace(/经查，【[^】]*】。/, FACTS))).statusCode).toBe(303);
    expect((await handler.post(`${page}/submit`, {}, page)).statusCode).toBe(303);
    expect((await findCase(t.app.db, id))!.status).toBe('awaiting_signoff');

    // The lead cannot approve before the sign-off.
    expect((await lead.post(`${page}/approve`, {}, page)).statusCode).toBe(409);
    expect((await findCase(t.app.db, id))!.status).toBe('awaiting_signoff');

    // Another county's commission neither sees nor signs it off.
    expect((await otherInspector.get(page)).statusCode).toBe(404);
    expect((await otherInspector.post(`${page}/sign_off`, {}, LIST)).statusCode).toBe(404);
    expect((await otherInspector.get(LIST)).body).not.toContain(drafted.title);
    expect((await findCase(t.app.db, id))!.status).toBe('awaiting_signoff');
    // A civil-affairs handler cannot sign off either.
    expect((await handler.post(`${page}/sign_off`, {}, page)).statusCode).toBe(403);

    // The body's inspector sees it in the list and signs it off.
    expect((await inspector.get(LIST)).body).toContain(drafted.title);
    expect((await inspector.post(`${page}/sign_off`, {}, LIST)).statusCode).toBe(303);
    const signed = (await findCase(t.app.db, id))!;
    expect(signed.status).toBe('awaiting_approval');
    expect(signed.signedOffBy).toBe(inspectorStaff.user.id);
    expect((await inspector.post(`${page}/approve`, {}, LIST)).statusCode).toBe(403);

    expect((await lead.post(`${page}/approve`, {}, page)).statusCode).toBe(303);
    expect((await findCase(t.app.db, id))!.status).toBe('published');
    const actions = (await entriesFor(t.app.db, 'typical_case', String(id))).map((e) => e.action);
    expect(actions).toEqual(['case.drafted', 'case.edited', 'case.submitted', 'case.signed_off', 'case.published']);
  });

  it('the supervising commission may sign off too, or send the case back', async () => {
    const reportId = await concludedReport(t.app, lead, leadStaff);
    await concludedReferral(t.app, reportId, `dic:${COUNTY}`, { kind: 'administrative', detail: 'demerit' });
    // Drafting from the report picks up its concluded referral.
    const id = await draftViaRoute(reportId);
    const c = (await findCase(t.app.db, id))!;
    expect(c.referralId).not.toBeNull();
    expect(c.body).toContain('王某受到政务记过处分。');
    const page = `${LIST}/${id}`;
    await save(handler, id, c.body.replace(/经查，【[^】]*】。/, FACTS));
    await handler.post(`${page}/submit`, {}, page);

    const back = await cityInspector.post(`${page}/send_back`, { note: '处分表述请与处分决定一致' }, LIST);
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe(`/staff/cases/${id}?done=send_back`);
    expect((await findCase(t.app.db, id))!.status).toBe('draft');
    expect((await handler.get(page)).body).toContain('处分表述请与处分决定一致');

    await handler.post(`${page}/submit`, {}, page);
    expect((await cityInspector.post(`${page}/sign_off`, {}, LIST)).statusCode).toBe(303);
    expect((await findCase(t.app.db, id))!.status).toBe('awaiting_approval');
  });

  it('can be started by the body’s inspector from the referral; it then belongs to the handling unit', async () => {
    const reportId = await concludedReport(t.app, lead, leadStaff);
    const referralId = await concludedReferral(t.app, reportId, `dic:${COUNTY}`, { kind: 'party', detail: 'serious_warning' });
    expect((await otherInspector.post(`/staff/cases/from-referral/${referralId}`, {}, LIST)).statusCode).toBe(404);
    expect((await otherLead.post(`/staff/cases/from-referral/${referralId}`, {}, LIST)).statusCode).toBe(404);
    const made = await inspector.post(`/staff/cases/from-referral/${referralId}`, {}, LIST);
    expect(made.statusCode).toBe(303);
    const id = Number(/\/staff\/cases\/(\d+)\?done=drafted/.exec(made.headers.location as string)![1]);
    const c = (await findCase(t.app.db, id))!;
    expect(c).toMatchObject({ status: 'draft', referralId, reportId, unitId: (await findUnitByKey(t.app.db, `ca:${COUNTY}`))!.id, createdBy: inspectorStaff.user.id });
    expect(c.body).toContain('王某受到党内严重警告处分。');
    expect((await inspector.get(`${LIST}/${id}`)).statusCode).toBe(200);
    expect((await inspector.get(LIST)).body).not.toContain(`/staff/cases/${id}"`); // its list: only what waits for sign-off
    expect((await handler.get(LIST)).body).toContain(`/staff/cases/${id}"`);
    // The handler's button on the same referral opens the same case.
    const again = await handler.post(`/staff/cases/from-referral/${referralId}`, {}, LIST);
    expect(again.headers.location).toBe(`/staff/cases/${id}?done=existing_referral`);
  });

  it('refuses a referral without a sanction', async () => {
    const reportId = await concludedReport(t.app, lead, leadStaff);
    const referralId = await concludedReferral(t.app, reportId, `dic:${COUNTY}`, { kind: 'none', detail: 'no_violation' });
    await expect(draftCaseFromReferral(t.app.deps, await handlerCtx(), referralId)).rejects.toMatchObject({ code: 'no_sanction' });
  });
});
