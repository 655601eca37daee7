import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { fileReport, findReport } from '../../src/reports/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { workflow, supervision } from '../../src/reports/casework/index.js';
import { staffContext } from '../../src/plugins/auth.js';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { findItem, itemsOfReport } from '../../src/ledger/index.js';
import { evidenceOf, markEvidenceErased } from '../../src/evidence/index.js';
import { insertItem, updateItem } from '../../src/ledger/repository.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { approvedBySecondLead } from '../helpers/four-eyes.js';

const PNG = fs.readFileSync(new URL('../fixtures/media/base.png', import.meta.url));

let t: TestApp;
let handler: Session, countyLead: Session, cityLead: Session, provinceLead: Session, otherCounty: Session;
let countyLeadStaff: TestStaff;
let county: number, city: number, province: number;

beforeAll(async () => {
  t = await makeApp();
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
  countyLeadStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead']);
  countyLead = await signIn(t.app, countyLeadStaff);
  cityLead = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor', 'lead']));
  provinceLead = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['supervisor', 'lead']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['handler', 'lead', 'supervisor']));
  county = (await findUnitByKey(t.app.db, 'ca:220102'))!.id;
  city = (await findUnitByKey(t.app.db, 'ca:220100'))!.id;
  province = (await findUnitByKey(t.app.db, 'ca:220000'))!.id;
});
afterAll(() => t.close());

async function newItem(over: Partial<Parameters<typeof insertItem>[1]> = {}) {
  const now = Date.now();
  return await insertItem(t.app.db, { reportId: null, source: 'spot_check', regionCode: '220102', problem: '暗访发现街道低保公示栏未更新。', measures: '按月更新公示栏并拍照存档。', unitId: county, responsiblePerson: '王建华 街道民政助理', deadline: addDays(todayInChina(), 10), status: 'not_started', createdBy: null, createdAt: now, updatedAt: now, ...over });
}

async function postProgress(session: Session, id: number, fields: Record<string, string>, files: { name: string; filename: string; content: Buffer; type?: string }[] = []) {
  const page = await openForm(t.app, `/staff/ledger/${id}`, session.jar);
  const body = await multipart(fields, files);
  return t.app.inject({ method: 'POST', url: `/staff/ledger/${id}/progress?_csrf=${encodeURIComponent(page.csrf)}`, cookies: page.cookies, headers: body.headers, payload: body.payload });
}

describe('entering an item', () => {
  it('lets a lead enter an item for their unit, and keeps the input on an error', async () => {
    const form = await countyLead.get('/staff/ledger/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('专项治理');
    expect(form.body).not.toContain('value="report"');
    const bad = await countyLead.post('/staff/ledger/new', { source: 'inspection_tour', problem: '村级评议记录缺失严重', measures: '', unit_id: String(county), person: '科长', deadline: '2020-01-01' }, '/staff/ledger/new');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('村级评议记录缺失严重');
    expect(bad.body).toContain('请填写整改措施');
    expect(bad.body).toContain('请填写今天或今天以后的整改时限');
    const ok = await countyLead.post('/staff/ledger/new', { source: 'inspection_tour', problem: '村级评议记录缺失严重', measures: '重新组织民主评议并完整记录。', unit_id: String(county), person: '社会救助科科长', deadline: addDays(todayInChina(), 30) }, '/staff/ledger/new');
    expect(ok.statusCode).toBe(303);
    const id = Number(/\/staff\/ledger\/(\d+)/.exec(ok.headers.location as string)![1]);
    const item = (await findItem(t.app.db, id))!;
    expect(item).toMatchObject({ source: 'inspection_tour', unitId: county, regionCode: '220102', status: 'not_started' });
  });

  it('refuses a unit outside the user\'s scope and a handler entering items', async () => {
    const other = (await findUnitByKey(t.app.db, 'ca:220103'))!.id;
    const res = await countyLead.post('/staff/ledger/new', { source: 'assessment', problem: '考核发现的问题描述', measures: '整改措施描述内容', unit_id: String(other), person: '科长职务', deadline: addDays(todayInChina(), 5) }, '/staff/ledger/new');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请选择本单位或下级单位作为责任单位');
    expect((await handler.get('/staff/ledger/new')).statusCode).toBe(403);
  });
});

describe('progress and sign-off (对账销号)', () => {
  it('needs evidence to ask for sign-off, then only a lead or supervisor of a unit above signs off', async () => {
    const item = await newItem();
    const noFile = await postProgress(handler, item.id, { progress: '已更新公示栏。', complete: '1' });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.body).toContain('申请对账销号须附佐证材料');
    expect(noFile.body).toContain('已更新公示栏。');
    const partial = await postProgress(handler, item.id, { progress: '已更新一半。' });
    expect(partial.statusCode).toBe(303);
    expect((await findItem(t.app.db, item.id))!.status).toBe('in_progress');
    const done = await postProgress(handler, item.id, { progress: '公示栏已全部更新并拍照存档。', complete: '1' }, [{ name: 'files', filename: 'photo.png', content: PNG, type: 'image/png' }]);
    expect(done.statusCode).toBe(303);
    expect((await findItem(t.app.db, item.id))!.status).toBe('awaiting_signoff');

    const page = `/staff/ledger/${item.id}`;
    // The photo downloads (never inline); once erased it is gone, as report evidence is (one sendDownload).
    const photo = (await evidenceOf(t.app.db, 'ledger_item', item.id))[0]!;
    const download = await handler.get(`${page}/files/${photo.id}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="ledger-\d+-\d+\.png"$/);
    expect(download.headers['cache-control']).toBe('no-store');
    await markEvidenceErased(t.app.db, photo.id, Date.now());
    expect((await handler.get(`${page}/files/${photo.id}`)).statusCode).toBe(404);
    // The level above signs off but does not report the progress it signs off.
    expect((await postProgress(cityLead, item.id, { progress: '市局代为报告。' })).statusCode).toBe(403);
    expect((await handler.post(`${page}/sign-off`, {}, page)).statusCode).toBe(403);
    expect((await countyLead.post(`${page}/sign-off`, {}, page)).statusCode).toBe(403);
    expect((await findItem(t.app.db, item.id))!.status).toBe('awaiting_signoff');
    const shown = await cityLead.get(page);
    expect(shown.body).toContain('确认销号');
    expect(shown.body).toContain('photo.png');
    expect((await cityLead.post(`${page}/sign-off`, {}, page)).statusCode).toBe(303);
    const signed = (await findItem(t.app.db, item.id))!;
    expect(signed.status).toBe('signed_off');
    expect(signed.signedOffAt).toBeGreaterThan(0);
    // Signed off: no more progress.
    expect((await postProgress(handler, item.id, { progress: '再补充一句。' })).statusCode).toBe(409);
  });

  it('lets the level above send an item back with a note', async () => {
    const item = await newItem({ status: 'awaiting_signoff', progress: '已整改。' });
    const page = `/staff/ledger/${item.id}`;
    const empty = await cityLead.post(`${page}/send-back`, { note: '' }, page);
    expect(empty.statusCode).toBe(400);
    expect((await cityLead.post(`${page}/send-back`, { note: '缺少公示栏照片，请补充。' }, page)).statusCode).toBe(303);
    expect((await findItem(t.app.db, item.id))!.status).toBe('in_progress');
    const view = await handler.get(page);
    expect(view.body).toContain('缺少公示栏照片，请补充。');
    expect(view.body).toContain('退回整改');
  });

  it('lets a lead of the top unit sign off its own unit\'s item', async () => {
    const item = await newItem({ unitId: province, regionCode: '220000', status: 'awaiting_signoff' });
    const page = `/staff/ledger/${item.id}`;
    expect((await cityLead.get(page)).statusCode).toBe(404);
    expect((await provinceLead.post(`${page}/sign-off`, {}, page)).statusCode).toBe(303);
    expect((await findItem(t.app.db, item.id))!.status).toBe('signed_off');
    // A city lead cannot sign off the city's own item; the province can.
    const cityItem = await newItem({ unitId: city, regionCode: '220100', status: 'awaiting_signoff' });
    expect((await cityLead.post(`/staff/ledger/${cityItem.id}/sign-off`, {}, `/staff/ledger/${cityItem.id}`)).statusCode).toBe(403);
    expect((await provinceLead.post(`/staff/ledger/${cityItem.id}/sign-off`, {}, `/staff/ledger/${cityItem.id}`)).statusCode).toBe(303);
  });

  it('closes a rectifying report when its last item is signed off', async () => {
    const filed = await fileReport(
      t.app.deps,
      { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const lead = staffContext(countyLeadStaff.user, unit);
    let r = await workflow.accept(t.app.deps, lead, filed.report);
    r = await workflow.assign(t.app.deps, lead, r, { unitId: unit.id, assigneeId: countyLeadStaff.user.id, due: r.handlingDue! });
    r = await workflow.start(t.app.deps, lead, r);
    r = await workflow.draftConclusion(t.app.deps, lead, r, 'substantiated', '经调查核实，反映问题属实，已停发该户低保金并责令重新评议。');
    r = await approvedBySecondLead(t.app, r);
    expect(r.status).toBe('concluded');
    await supervision.startRectification(t.app.deps, lead, r, [
      { problem: '评议未回避', measures: '重新评议', responsiblePerson: '街道民政助理', deadline: addDays(todayInChina(), 20) },
      { problem: '多发低保金未追回', measures: '追回资金', responsiblePerson: '街道民政助理', deadline: addDays(todayInChina(), 20) },
    ]);
    const items = await itemsOfReport(t.app.db, filed.report.id);
    expect(items).toHaveLength(2);
    for (const i of items) await updateItem(t.app.db, i.id, { status: 'awaiting_signoff' });
    // The items appear on the county's ledger and on the public ledger.
    expect((await countyLead.get('/staff/ledger')).body).toContain('多发低保金未追回');
    expect((await t.app.inject('/ledger')).body).toContain('多发低保金未追回');

    const first = `/staff/ledger/${items[0]!.id}`;
    expect((await cityLead.post(`${first}/sign-off`, {}, first)).statusCode).toBe(303);
    expect((await findReport(t.app.db, filed.report.id))!.status).toBe('rectifying');
    const last = `/staff/ledger/${items[1]!.id}`;
    expect((await cityLead.post(`${last}/sign-off`, {}, last)).statusCode).toBe(303);
    expect((await findReport(t.app.db, filed.report.id))!.status).toBe('closed');
    expect((await findItem(t.app.db, items[1]!.id))!.status).toBe('signed_off');
  });

  it('hides another county\'s items on every route', async () => {
    const item = await newItem({ problem: '南关区独有的问题描述' });
    const page = `/staff/ledger/${item.id}`;
    expect((await otherCounty.get(page)).statusCode).toBe(404);
    expect((await otherCounty.get(`${page}/files/1`)).statusCode).toBe(404);
    expect((await otherCounty.post(`${page}/sign-off`, {}, '/staff/ledger')).statusCode).toBe(404);
    expect((await otherCounty.get('/staff/ledger')).body).not.toContain('南关区独有的问题描述');
    expect((await cityLead.get('/staff/ledger')).body).toContain('南关区独有的问题描述');
  });
});

describe('the public ledger', () => {
  it('marks overdue items in colour and words, names no person, and is cached until a change', async () => {
    const overdue = await newItem({ problem: '逾期未整改的公示问题', deadline: addDays(todayInChina(), -3), status: 'in_progress' });
    const signedLate = await newItem({ problem: '逾期但已销号的问题', deadline: addDays(todayInChina(), -3), status: 'signed_off', signedOffAt: Date.now() });
    const res = await t.app.inject('/ledger?region=220102');
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    const card = (id: number) => new RegExp(`<article class="([^"]*)" id="item-${id}"[\\s\\S]*?</article>`).exec(res.body)!;
    const late = card(overdue.id);
    expect(late[1]).toContain('error');
    expect(late[0]).toContain('badge danger');
    expect(late[0]).toContain('已逾期');
    const done = card(signedLate.id);
    expect(done[1]).not.toContain('error');
    expect(done[0]).not.toContain('已逾期');
    expect(res.body).not.toContain('王建华');
    expect(res.body).toContain('南关区民政局');

    const again = await t.app.inject('/ledger?region=220102');
    expect(again.headers['x-cache']).toBe('hit');
    await postProgress(handler, overdue.id, { progress: '新的整改进展文字' });
    const fresh = await t.app.inject('/ledger?region=220102');
    expect(fresh.headers['x-cache']).toBe('miss');
    expect(fresh.body).toContain('新的整改进展文字');
  });

  it('exports the same view as CSV and XLSX that read back', async () => {
    await newItem({ problem: '导出测试问题', deadline: addDays(todayInChina(), -1), status: 'not_started' });
    const csv = await t.app.inject('/ledger.csv?region=220100');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.body, { bom: true, columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r['问题'] === '导出测试问题')!;
    expect(row).toMatchObject({ '市（州）': '长春市', '县（市、区）': '南关区', '责任单位': '南关区民政局', '是否逾期': '是', '状态': '未开始' });
    expect(csv.body).not.toContain('王建华');

    const xlsx = await t.app.inject('/ledger.xlsx?region=220100');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('整改台账')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toContain('责任单位');
    expect(sheet.rowCount - 1).toBe(rows.length);
    let found = false;
    sheet.eachRow((r, n) => {
      if (n > 1 && r.getCell(4).value === '导出测试问题') {
        found = true;
        expect(r.getCell(9).value).toBe('是');
        expect(r.font?.color?.argb).toBe('FFA4161A');
      }
    });
    expect(found).toBe(true);
    expect(JSON.stringify(sheet.getSheetValues())).not.toContain('王建华');
  });
});
