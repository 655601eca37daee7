// Departments (issue 19 item 11): interim feedback (进展反馈) several times, each audited and shown to
// the handling unit, then a final outcome that ends the department's part: it loses the case (as a
// returned referral does) but keeps its own record of what it sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { fileReport, findReport } from '../../../src/reports/index.js';
import { transferService } from '../../../src/reports/transfers/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';

let t: TestApp;
let handler: Session, officer: Session;

beforeAll(async () => {
  t = await makeApp();
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler', 'intake', 'lead']));
  officer = await signIn(t.app, await createStaff(t.app, 'dept:220102:police', ['handler']));
});
afterAll(() => t.close());

async function transferred(note = '涉嫌村霸把持低保评议，请依法处理。') {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'organized_crime', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村里几个人把持低保评议，谁不给钱就威胁谁，已经打伤过人。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  await handler.post(`${page}/accept`, {}, page);
  const police = (await findUnitByKey(t.app.db, 'dept:220102:police'))!;
  expect((await handler.post(`${page}/transfer`, { department_id: String(police.id), due: '2099-12-31', note }, page)).statusCode).toBe(303);
  const transfer = (await transferService.transfersOf(t.app.deps, report.id))[0]!;
  return { id: report.id, caseNo: report.caseNo, page, transferId: transfer.id };
}

describe('a department’s feedback', () => {
  it('gives progress several times, each audited and on the report page, the report still transferred', async () => {
    const { id, page, transferId } = await transferred();
    const progress = `/staff/transfers/${transferId}/progress`;
    expect((await officer.post(progress, { progress: '已受案，正在调取评议记录。' }, '/staff/transfers')).statusCode).toBe(303);
    expect((await officer.post(progress, { progress: '已立案侦查，对两名嫌疑人采取强制措施。' }, '/staff/transfers')).statusCode).toBe(303);
    const report = (await findReport(t.app.db, id))!;
    expect(report.status).toBe('transferred');
    expect(report.pausedSince).not.toBeNull();
    // A first progress confirms receipt.
    expect((await transferService.findTransfer(t.app.deps, transferId))!.status).toBe('received');
    const audited = (await t.app.db.all<{ n: number }>(sql`select count(*) as n from audit_log where action = 'report.transfer_progress' and object_id = ${String(id)}`))[0]!.n;
    expect(audited).toBe(2);
    const handlerPage = (await handler.get(page)).body;
    expect(handlerPage).toContain('已受案，正在调取评议记录。');
    expect(handlerPage).toContain('已立案侦查，对两名嫌疑人采取强制措施。');
    const list = (await officer.get('/staff/transfers')).body;
    expect(list).toContain('已受案，正在调取评议记录。');
    expect((await officer.get(page)).statusCode).toBe(200);
  });

  it('refuses an empty progress with a clear message, the words kept', async () => {
    const { transferId } = await transferred();
    const res = await officer.post(`/staff/transfers/${transferId}/progress`, { progress: '在办' }, '/staff/transfers');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('请写明进展情况（至少5个字）。');
    expect(res.body).toContain('>在办</textarea>');
    const short = await officer.post(`/staff/transfers/${transferId}/outcome`, { outcome: '办完' }, '/staff/transfers');
    expect(short.statusCode).toBe(409);
    expect(short.body).toContain('请写明最终办理结果（至少5个字）。');
    expect(short.body).toContain('>办完</textarea>');
  });

  it('ends with the final outcome: the case closes to the department, its own record stays', async () => {
    const { id, caseNo, page, transferId } = await transferred('涉嫌以暴力威胁操纵评议，请依法查处。');
    await officer.post(`/staff/transfers/${transferId}/progress`, { progress: '已受案，正在调取评议记录。' }, '/staff/transfers');
    expect((await officer.post(`/staff/transfers/${transferId}/outcome`, { outcome: '已立案侦查，移送检察机关审查起诉。' }, '/staff/transfers')).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.status).toBe('investigating');
    for (const url of [page, `${page}/identity`, `${page}/documents/acceptance`]) expect((await officer.get(url)).statusCode).toBe(404);
    expect((await officer.post(`/staff/transfers/${transferId}/progress`, { progress: '补充：嫌疑人已到案。' }, '/staff/transfers')).statusCode).toBe(404);
    const list = (await officer.get('/staff/transfers')).body;
    // Its own record: the case number, its progress and its outcome — not the handler's note about the case.
    expect(list).toContain(caseNo);
    expect(list).toContain('已受案，正在调取评议记录。');
    expect(list).toContain('已立案侦查，移送检察机关审查起诉。');
    expect(list).not.toContain('涉嫌以暴力威胁操纵评议');
    expect(list).not.toContain(`href="${page}"`);
  });
});
