import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, findReport, eventsOf } from '../../../src/reports/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

let t: TestApp;
let intake: Session, handler: Session, lead: Session, otherCounty: Session, township: Session, cityLead: Session;
let handlerStaff: TestStaff;

async function newReport(over: Record<string, unknown> = {}) {
  const filed = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null, ...over } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return filed.report;
}

beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  handlerStaff = await createStaff(t.app, 'ca:220102', ['handler']);
  handler = await signIn(t.app, handlerStaff);
  lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['intake', 'handler', 'lead', 'supervisor']));
  township = await signIn(t.app, await createStaff(t.app, 'gov:220102001', ['handler']));
  cityLead = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor', 'lead']));
});
afterAll(() => t.close());

describe('a report through the back office', () => {
  it('goes from received to closed, each step by the right person, and the reporter sees the answer', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}`;
    expect((await intake.get(page)).statusCode).toBe(200);
    expect((await handler.post(`${page}/accept`, {}, page)).statusCode).toBe(403);
    expect((await intake.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, report.id))!.status).toBe('accepted');
    expect((await findReport(t.app.db, report.id))!.handlingDue).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const due = (await findReport(t.app.db, report.id))!.handlingDue!;
    const assigned = await intake.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(handlerStaff.user.id), due }, page);
    expect(assigned.statusCode).toBe(303);
    expect((await handler.post(`${page}/start`, {}, page)).statusCode).toBe(303);
    const short = await handler.post(`${page}/conclude`, { finding: 'partly', answer: '太短' }, page);
    expect(short.statusCode).toBe(409);
    expect(short.body).toContain('处理意见太短');
    expect(short.body).toContain('太短');
    const answer = '经入户核查，您反映的问题部分属实，已停发该户低保金并追回多发部分，责成村委会重新评议。';
    expect((await handler.post(`${page}/conclude`, { finding: 'partly', answer }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, report.id))!.status).toBe('investigating');
    expect((await lead.post(`${page}/approve_conclusion`, { decision: 'approve' }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, report.id))!.status).toBe('concluded');
    expect((await lead.post(`${page}/close`, {}, page)).statusCode).toBe(303);
    const final = (await findReport(t.app.db, report.id))!;
    expect(final.status).toBe('closed');
    expect(final.finding).toBe('partly');
    const visible = (await eventsOf(t.app.db, report.id)).filter((e) => e.visibleToReporter).map((e) => e.type);
    expect(visible).toEqual(['received', 'accepted', 'assigned', 'investigating', 'concluded', 'answer', 'closed']);
    const print = await lead.get(`${page}/answer`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('处理意见书');
    expect(print.body).toContain(answer);
  });

  it('refuses forbidden transitions', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}`;
    // The lead may close the unit's reports, but not one still waiting for intake.
    const early = await lead.post(`${page}/close`, {}, page);
    expect(early.statusCode).toBe(409);
    expect(early.body).toContain('当前状态下不能进行此操作');
    await intake.post(`${page}/reject`, { reason: '重复反映，已答复。' }, page);
    expect((await findReport(t.app.db, report.id))!.status).toBe('rejected');
    expect((await intake.post(`${page}/accept`, {}, page)).statusCode).toBe(409);
  });

  it('hides a report from another county on every route, files included', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}`;
    expect((await otherCounty.get(page)).statusCode).toBe(404);
    expect((await otherCounty.get(`${page}/files/1`)).statusCode).toBe(404);
    expect((await otherCounty.get(`${page}/answer`)).statusCode).toBe(404);
    for (const action of ['accept', 'reject', 'assign', 'message', 'take_over']) {
      expect((await otherCounty.post(`${page}/${action}`, { reason: 'xxxxxx', body: 'hello' })).statusCode).toBe(404);
    }
    const list = await otherCounty.get('/staff/reports');
    expect(list.body).not.toContain(report.caseNo);
    expect((await cityLead.get(page)).statusCode).toBe(200);
  });

  it('never shows a township a report about its own officials, nor lets it be assigned there', async () => {
    const aboutTownship = await newReport({ subjectPosition: 'township_assistant', subjectName: '郑某' });
    const page = `/staff/reports/${aboutTownship.id}`;
    await intake.post(`${page}/accept`, {}, page);
    const gov = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
    const reportPage = await intake.get(page);
    expect(reportPage.body).not.toContain(`<option value="${gov.id}"`);
    expect((await township.get(page)).statusCode).toBe(404);

    const aboutVillage = await newReport();
    const p2 = `/staff/reports/${aboutVillage.id}`;
    await intake.post(`${p2}/accept`, {}, p2);
    expect((await township.get(p2)).statusCode).toBe(404);
  });

  it('lets the city supervisor hasten and the handler acknowledge', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}`;
    expect((await cityLead.post(`${page}/hasten`, { note: '请加快办理' }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, report.id))!.hastenPending).toBe(true);
    expect((await intake.get(page)).body).toContain('上级已督办此件');
    expect((await intake.post(`${page}/acknowledge`, {}, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, report.id))!.hastenPending).toBe(false);
    expect((await intake.post(`${page}/hasten`, { note: 'x' }, page)).statusCode).toBe(403);
  });

  it('finds reports by a two-character Chinese word and keeps paging stable', async () => {
    for (let i = 0; i < 5; i++) await newReport({ description: `第${i}件：申请低保两次都没批，村里说指标满了，请上级核查。` });
    const hit = await intake.get(`/staff/reports?q=${encodeURIComponent('低保')}`);
    expect(hit.statusCode).toBe(200);
    expect((hit.body.match(/href="\/staff\/reports\/\d+"/g) ?? []).length).toBeGreaterThanOrEqual(5);
    const miss = await intake.get(`/staff/reports?q=${encodeURIComponent('指标满了吗不存在')}`);
    expect(miss.body).toContain('没有符合条件的举报');
    const seen = new Set<string>();
    let url: string | null = '/staff/reports?sort=newest';
    let pages = 0;
    while (url && pages < 20) {
      const res = await intake.get(url);
      const ids = [...res.body.matchAll(/href="\/staff\/reports\/(\d+)"/g)].map((m) => m[1]!);
      for (const id of ids) {
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      url = /href="([^"]+)" rel="next"/.exec(res.body)?.[1]?.replace(/&amp;/g, '&') ?? null;
      pages++;
    }
    expect(seen.size).toBeGreaterThan(5);
  });

  it('exports the filtered list as CSV without identities or text', async () => {
    await newReport({ identity: { name: '李秀兰', phone: '13904310000', email: '', address: '' } });
    const csv = await intake.get('/staff/reports.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('编号');
    expect(csv.body).not.toContain('李秀兰');
    expect(csv.body).not.toContain('拖拉机');
  });
});
