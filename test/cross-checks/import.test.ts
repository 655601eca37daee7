// Declaration lists from CSV and XLSX: all or nothing with row numbers, re-import recognised,
// flags from the import, and an imported declarant named in a report shown to the supervisor.
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossCheckFlags } from '../../src/cross-checks/tables.js';
import { declarants, declaredRelatives } from '../../src/declarations/tables.js';
import { fileReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { breakCheck, makeId } from '../disclosure/ids.js';
import { addRecipient, dumpTable, hashOf } from './helpers.js';

let t: TestApp;
let county: Session, otherCounty: Session, supervisor: Session, city: Session;

const HEADER = ['备案人姓名', '备案人身份证号', '职务', '所在村', '亲属姓名', '关系', '亲属身份证号', '亲属所在村', '救助类型'];
const CADRE = makeId('19700101', 101, '220102');
const LEADER = makeId('19680202', 102, '220102');
const CLERK = makeId('19800303', 103, '220102');
const REL1 = makeId('19450404', 104, '220102');
const REL2 = makeId('19900505', 105, '220102');

function csv(rows: string[][]): Buffer {
  return Buffer.from('\uFEFF' + [HEADER, ...rows].map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n'), 'utf8');
}

const GOOD: string[][] = [
  ['孙建国', CADRE, '村委会主任', '华阳社区', '孙玉兰', '母亲', REL1, '恒安社区', '低保'],
  ['孙建国', CADRE, '村委会主任', '华阳社区', '孙小明', '儿子', REL2, '', '临时救助'],
  ['周长海', LEADER, '村民小组长', '南岭街道恒安社区', '', '', '', '', ''],
  ['钱立新', CLERK, '民政助理', '百屹社区', '', '', '', '', ''],
];

async function upload(session: Session, content: Buffer, filename = 'list.csv') {
  const form = await openForm(t.app, '/staff/cross-checks/import', session.jar);
  const body = await multipart({}, [{ name: 'file', filename, content }]);
  return t.app.inject({ method: 'POST', url: `/staff/cross-checks/import?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
}

beforeAll(async () => {
  t = await makeApp();
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['handler']));
  supervisor = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['supervisor']));
  city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['lead', 'supervisor']));
  await addRecipient(t.app, '220102001002', '孙玉兰', REL1); // a declared relative on the roster
  await addRecipient(t.app, '220102001002', '周长海', LEADER); // the group leader himself
  await addRecipient(t.app, '220102001001', '孙桂芝', makeId('19500606', 106, '220102')); // same surname, same village
});
afterAll(() => t.close());

describe('declaration import', () => {
  it('offers the form and the template only to a county or township that manages declarants', async () => {
    const page = await county.get('/staff/cross-checks/import');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('南关区');
    const template = await county.get('/staff/cross-checks/template.csv');
    expect(template.body).toContain(HEADER.join(','));
    expect((await city.get('/staff/cross-checks/import')).statusCode).toBe(403);
    expect((await supervisor.get('/staff/cross-checks/import')).statusCode).toBe(403);
  });

  it('says why an upload is refused: no file, over 5 MB, not sent as a file form', async () => {
    const none = await upload(county, Buffer.alloc(0), '');
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('请选择要上传的文件。');
    const big = await upload(county, Buffer.alloc(5 * 1024 * 1024 + 10, 0x41), 'big.csv');
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('文件太大，最大 5 MB。');
    const form = await openForm(t.app, '/staff/cross-checks/import', county.jar);
    const plain = await t.app.inject({
      method: 'POST', url: `/staff/cross-checks/import?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'file=list.csv',
    });
    expect(plain.statusCode).toBe(400);
    expect(plain.body).toContain('上传方式不对，请使用本页的表单。');
    expect(await dumpTable(t.app, 'declaration_imports')).toBe('[]');
  });

  it('sends the template as a named, uncached attachment', async () => {
    const template = await county.get('/staff/cross-checks/template.csv');
    expect(template.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(template.headers['content-disposition']).toBe(`attachment; filename="declarations-template.csv"; filename*=UTF-8''${encodeURIComponent('近亲属备案名单模板.csv')}`);
    expect(template.headers['cache-control']).toBe('no-store');
  });

  it('imports nothing when one row is wrong, and names each row', async () => {
    const bad = [...GOOD.slice(0, 2), ['周长海', breakCheck(LEADER), '村民小组长', '恒安社区', '', '', '', '', ''], ['钱立新', CLERK, '会计师', '不存在村', '钱一', '表哥', REL2, '', '低保']];
    const res = await upload(county, csv(bad));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('没有导入任何数据');
    expect(res.body).toMatch(/<td>4<\/td><td>备案人身份证号<\/td><td>身份证号码最后一位校验码不对/);
    expect(res.body).toMatch(/<td>5<\/td><td>职务<\/td>/);
    expect(res.body).toMatch(/<td>5<\/td><td>所在村<\/td><td>本地区没有这个村/);
    expect(res.body).toMatch(/<td>5<\/td><td>关系<\/td>/);
    expect(res.body).not.toContain(LEADER.slice(0, 17));
    expect(await t.app.db.select().from(declarants).all()).toEqual([]);
    expect(await t.app.db.select().from(crossCheckFlags).all()).toEqual([]);
    expect(await dumpTable(t.app, 'declaration_imports')).toBe('[]');
  });

  it('refuses a village of another county and a declarant whose rows disagree', async () => {
    const res = await upload(county, csv([GOOD[0]!, ['孙建国', CADRE, '村干部', '恒安社区', '', '', '', '', ''], ['钱立新', CLERK, '民政助理', '220103006013', '', '', '', '', '']]));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('与本行不一致');
    expect(res.body).toContain('不在您管理的地区内');
  });

  it('imports a valid list, hashes every ID number and raises the flags', async () => {
    const res = await upload(county, csv(GOOD));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('备案名单已导入');
    expect(res.body).toContain('共 4 行：新登记 3 名备案人');
    const rows = await t.app.db.select().from(declarants).all();
    expect(rows.map((d) => [d.name, d.position, d.homeVillageCode, d.userId]).sort()).toEqual([
      ['周长海', 'group_leader', '220102001002', null],
      ['孙建国', 'village_cadre', '220102001001', null],
      ['钱立新', 'township_assistant', '220102001003', null],
    ]);
    const sun = rows.find((d) => d.name === '孙建国')!;
    const rels = await t.app.db.select().from(declaredRelatives).where(eq(declaredRelatives.declarantId, sun.id)).all();
    expect(rels.map((r) => [r.name, r.relation, r.villageCode, r.assistanceType, r.idHash]).sort()).toEqual([
      ['孙小明', 'child', '220102001001', 'temporary', hashOf(t.app, REL2)],
      ['孙玉兰', 'parent', '220102001002', 'dibao', hashOf(t.app, REL1)],
    ]);
    const kinds = (await t.app.db.select().from(crossCheckFlags).all()).map((f) => f.kind).sort();
    expect(kinds).toEqual(['declarant_receives', 'declared', 'possible_relative']);
    for (const table of ['declarants', 'declared_relatives', 'cross_check_flags', 'declaration_imports', 'audit_log']) {
      const dump = await dumpTable(t.app, table);
      for (const id of [CADRE, LEADER, CLERK, REL1, REL2]) expect(dump).not.toContain(id.slice(0, 17));
    }
  });

  it('recognises the same list uploaded again, as CSV or as XLSX', async () => {
    const again = await upload(county, csv(GOOD));
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('这份名单已经导入过');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('备案');
    sheet.addRow(['南关区近亲属备案名单']);
    sheet.addRow(HEADER);
    for (const r of [...GOOD].reverse()) sheet.addRow(r);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await upload(county, xlsx, 'list.xlsx');
    expect(res.body).toContain('这份名单已经导入过');
    expect(await t.app.db.select().from(declarants).all()).toHaveLength(3);
    expect((await dumpTable(t.app, 'declaration_imports')).match(/"id":/g)).toHaveLength(1);
  });

  it('updates from a changed list: a relative dropped, the rest kept', async () => {
    const res = await upload(county, csv([GOOD[0]!, ...GOOD.slice(2)]));
    expect(res.body).toContain('新登记 0 名备案人，更新 1 名，2 名无变化；新增近亲属 0 名，删除 1 名');
    expect((await t.app.db.select().from(declaredRelatives).all()).map((r) => r.name)).toEqual(['孙玉兰']);
  });

  it('does not let another county import a declarant registered here', async () => {
    const res = await upload(otherCounty, Buffer.from('\uFEFF' + [HEADER, ['孙建国', CADRE, '村干部', '220103006013', '', '', '', '', '']].map((r) => r.join(',')).join('\r\n')));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('此人已由其他地区登记备案');
  });

  it('shows the supervisor a report about an imported declarant as a possible conflict of interest', async () => {
    const filed = await fileReport(
      t.app.deps,
      { category: 'favouritism', placeCode: '220102001003', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '钱立新', subjectPosition: 'township_assistant', subjectIsHead: false, description: '民政助理钱立新把不符合条件的亲戚评成了低保户。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    const page = await supervisor.get(`/staff/reports/${filed.report.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/可能存在利益冲突[^<]*钱立新/);
  });
});
