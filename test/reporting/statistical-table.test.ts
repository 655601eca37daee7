// The province's 统计报表 (issue 24): reports in two townships of 南关区 in two categories, some
// concluded, read back from the downloaded XLSX with exceljs, print settings included (checked by eye
// as a PDF from LibreOffice: later pages show no piece of the title). Runs on both engines.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { reports } from '../../src/reports/tables.js';
import { CATEGORIES } from '../../src/reports/index.js';
import { findUnitByKey, type Unit } from '../../src/units/index.js';
import { defaultPeriodKey } from '../../src/reporting/statistical-table.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';

const at = (iso: string) => Date.parse(`${iso}+08:00`);
const COUNTY = '220102'; // 南关区

let t: TestApp;
let ng: Unit;
let ngLead: Session, ngIntake: Session, kcLead: Session, cityLead: Session, townshipUser: Session;
let t1: { code: string; name: string }, t2: { code: string; name: string };
let n = 0;

async function villageOf(township: string): Promise<string> {
  return (await t.app.db.get<{ code: string }>(sql`select region_code as code from region_ancestors where ancestor_code = ${township} and depth = 1 order by region_code limit 1`))!.code;
}

async function report(place: { village: string; township: string | null; county: string }, over: Partial<typeof reports.$inferInsert>) {
  n++;
  const unit = (await findUnitByKey(t.app.db, `ca:${place.county}`))!;
  await t.app.db
    .insert(reports)
    .values({ caseNo: `ST${n}`, receiptDigest: `st${n}`, channel: 'online', category: 'favouritism', placeCode: place.village, countyCode: place.county, townshipCode: place.township, description: 'x', handlingUnitId: unit.id, status: 'received', receivedAt: at('2026-11-03T10:00:00'), updatedAt: 0, ...over })
    .run();
}

/** Accepted the hour after receipt, and still being handled. */
const open = (received: string) => ({ receivedAt: at(received), acceptedAt: at(received) + 3600_000, status: 'investigating' });
/** Accepted and concluded with a finding. */
const concluded = (received: string, on: string, finding: string) => ({ ...open(received), concludedAt: at(on), finding, status: 'closed' });

async function workbook(session: Session, url: string): Promise<ExcelJS.Worksheet> {
  const res = await session.get(url);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  return wb.worksheets[0]!;
}

/** The column of a category's first measure (受理): column 1 is the name, then 合计's four, then the categories'. */
const columnOf = (group: 'all' | (typeof CATEGORIES)[number]) => 2 + (group === 'all' ? 0 : 1 + CATEGORIES.indexOf(group)) * 4;

/** A row's four counts (受理、办结、查实、在办) in a group, by the row's name. */
function countsOf(sheet: ExcelJS.Worksheet, name: string, group: 'all' | (typeof CATEGORIES)[number]): number[] {
  let found: ExcelJS.Row | undefined;
  sheet.eachRow((row) => {
    if (row.number > 4 && row.getCell(1).value === name) found = row;
  });
  expect(found, `row ${name}`).toBeDefined();
  const c = columnOf(group);
  return [0, 1, 2, 3].map((i) => found!.getCell(c + i).value as number);
}

beforeAll(async () => {
  t = await makeApp();
  const db = t.app.db;
  ng = (await findUnitByKey(db, `ca:${COUNTY}`))!;
  const townships = await db.all<{ code: string; name: string }>(sql`select r.code as code, r.name as name from region_ancestors a join regions r on r.code = a.region_code where a.ancestor_code = ${COUNTY} and a.depth = 1 order by r.code limit 2`);
  [t1, t2] = townships as [typeof t1, typeof t2];
  const p1 = { village: await villageOf(t1.code), township: t1.code, county: COUNTY };
  const p2 = { village: await villageOf(t2.code), township: t2.code, county: COUNTY };

  // Township 1, 优亲厚友: three received in November (one on its last evening, China time), two concluded in it (one substantiated), one open.
  await report(p1, concluded('2026-11-03T10:00:00', '2026-11-20T10:00:00', 'substantiated'));
  await report(p1, concluded('2026-11-10T10:00:00', '2026-11-25T10:00:00', 'unsubstantiated'));
  await report(p1, open('2026-11-30T22:30:00'));
  // Township 1, 吃拿卡要: received in November, concluded (partly substantiated) in December: open at November's end.
  await report(p1, { category: 'bribery', ...concluded('2026-11-05T10:00:00', '2026-12-02T10:00:00', 'partly') });
  // Township 2, 优亲厚友: received and concluded in November, partly substantiated.
  await report(p2, concluded('2026-11-15T10:00:00', '2026-11-16T10:00:00', 'partly'));
  // Township 2, 吃拿卡要: two received in the first half hour of 1 November (31 October UTC); one open, one withdrawn.
  await report(p2, { category: 'bribery', ...open('2026-11-01T00:30:00') });
  await report(p2, { category: 'bribery', ...open('2026-11-01T00:10:00'), status: 'withdrawn' });
  // …and one received on 31 October (China time), concluded substantiated on 2 November.
  await report(p2, { category: 'bribery', ...concluded('2026-10-31T23:30:00', '2026-11-02T10:00:00', 'substantiated') });
  // Placed at the county itself (no township): in the total, on a row of its own.
  await report({ village: COUNTY, township: null, county: COUNTY }, { category: 'other', receivedAt: at('2026-11-20T10:00:00') });
  // Another county's report: not in 南关区's table.
  await report({ village: '220103', township: null, county: '220103' }, { receivedAt: at('2026-11-20T10:00:00') });

  ngLead = await signIn(t.app, await createStaff(t.app, `ca:${COUNTY}`, ['lead']));
  ngIntake = await signIn(t.app, await createStaff(t.app, `ca:${COUNTY}`, ['intake']));
  kcLead = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['lead', 'supervisor']));
  cityLead = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor', 'lead']));
  townshipUser = await signIn(t.app, await createStaff(t.app, `gov:${t1.code}`, ['handler', 'lead']));
});
afterAll(() => t.close());

describe("the province's 统计报表", () => {
  it('has the fixed title, filer row and two merged header rows', async () => {
    const sheet = await workbook(ngLead, '/staff/reporting/tables?period=2026-11');
    const last = 1 + (1 + CATEGORIES.length) * 4;
    expect(sheet.getCell(1, 2).value).toBe('南关区农村低保专项治理投诉举报统计表（2026年11月）');
    expect(String(sheet.getCell(2, 2).value)).toBe(`填报单位：${ng.name}`);
    expect(String(sheet.getCell(2, 8).value)).toMatch(/^填报日期：\d{4}年\d{1,2}月\d{1,2}日$/);
    const merges = (sheet.model as unknown as { merges: string[] }).merges;
    const colName = (c: number) => sheet.getColumn(c).letter;
    // Title and filer row on the first screen, left-aligned, not centred across all 77 columns; from
    // column B, since column A is repeated on every printed page.
    expect(last).toBeGreaterThan(13);
    expect(merges).toContain('B1:M1');
    expect(merges).toContain('B2:G2');
    expect(merges).toContain('H2:M2');
    expect(merges.some((m) => m.startsWith('B1:') && m !== 'B1:M1')).toBe(false);
    expect(sheet.getCell(1, 2).alignment?.horizontal).toBe('left');
    expect(merges).toContain('A3:A4');
    expect(sheet.getCell(3, 1).value).toBe('乡镇（街道）');
    // Each category heads its four columns, merged.
    const fav = columnOf('favouritism');
    expect(sheet.getCell(3, fav).value).toBe('优亲厚友');
    expect(merges).toContain(`${colName(fav)}3:${colName(fav + 3)}3`);
    expect(sheet.getCell(3, columnOf('bribery')).value).toBe('吃拿卡要');
    expect(sheet.getCell(3, columnOf('all')).value).toBe('全部类别');
    expect([0, 1, 2, 3].map((i) => sheet.getCell(4, fav + i).value)).toEqual(['受理', '办结', '查实', '在办']);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 4 });
    expect(sheet.getColumn(1).width).toBeGreaterThan(sheet.getColumn(2).width!);
    expect(sheet.getCell(5, 2).border?.top?.style).toBe('thin');
  });

  it('prints at full size across pages, repeating the region names and the header rows, with page numbers', async () => {
    const sheet = await workbook(ngLead, '/staff/reporting/tables?period=2026-11');
    const setup = sheet.pageSetup;
    expect(setup.paperSize).toBe(9); // A4
    expect(setup.orientation).toBe('landscape');
    // Not shrunk onto one page: 77 columns on one A4 page are ≈2 pt text.
    expect(setup.fitToPage).toBeFalsy();
    expect(setup.scale).toBe(100);
    expect(setup.printTitlesColumn).toBe('A:A');
    expect(setup.printTitlesRow).toBe('3:4');
    expect(setup.margins?.left).toBeGreaterThanOrEqual(0.4);
    expect(setup.margins?.bottom).toBeGreaterThanOrEqual(0.5);
    expect(sheet.headerFooter.oddFooter).toBe('&C第 &P 页 共 &N 页');
    // Column A is printed on every page, so nothing above the repeated header rows is in it: the
    // title there showed again, cut to column A, at the top of every later page.
    expect(sheet.getCell(1, 1).value ?? null).toBeNull();
    expect(sheet.getCell(2, 1).value ?? null).toBeNull();
    const merges = (sheet.model as unknown as { merges: string[] }).merges;
    expect(merges.filter((m) => /^A[12]:/.test(m))).toEqual([]);
    // Later pages name the table in their page header; the first has the title itself above the table.
    expect(sheet.headerFooter).toMatchObject({ differentFirst: true, oddHeader: '&L南关区农村低保专项治理投诉举报统计表（2026年11月）', firstFooter: '&C第 &P 页 共 &N 页' });
    expect(sheet.headerFooter.firstHeader ?? '').toBe('');
    // 全部类别 stays the first group, right after the names.
    expect(sheet.getCell(3, 2).value).toBe('全部类别');
  });

  it('ends with the signature rows under the 合计 row', async () => {
    const sheet = await workbook(ngLead, '/staff/reporting/tables?period=2026-11');
    let totalRow = 0;
    sheet.eachRow((row) => {
      if (row.getCell(1).value === '合计') totalRow = row.number;
    });
    expect(totalRow).toBeGreaterThan(4);
    expect(sheet.getCell(totalRow + 1, 1).value ?? null).toBeNull();
    // From column B, three columns apart: column A repeats on every printed page, the signatures do not.
    expect(sheet.getCell(totalRow + 2, 1).value ?? null).toBeNull();
    expect([2, 5, 8, 11].map((c) => sheet.getCell(totalRow + 2, c).value)).toEqual(['单位负责人：', '审核人：', '填表人：', '联系电话：']);
    expect(sheet.getCell(totalRow + 3, 2).value).toBe('填报单位（盖章）');
    expect(sheet.rowCount).toBe(totalRow + 3);
    // No border on the signature rows: they are not part of the table.
    expect(sheet.getCell(totalRow + 2, 2).border?.top).toBeUndefined();
  });

  it('proposes the last complete month, marks the month and quarter in progress, and names them in the reader’s language', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(at('2026-12-07T10:00:00'));
      const zh = await ngLead.get('/staff/reporting/tables');
      expect(zh.statusCode).toBe(200);
      expect(zh.body).toMatch(/<option value="2026-11" selected>2026年11月<\/option>/);
      expect(zh.body).not.toMatch(/value="2026-12" selected/);
      expect(zh.body).toContain('<option value="2026-12" >2026年12月（本月，尚未结束）</option>');
      expect(zh.body).toContain('2026年第四季度（本季度，尚未结束）');
      expect(zh.body).toContain('>2026年第三季度</option>');
      // After an invalid period the form proposes the last complete month again.
      expect((await ngLead.get('/staff/reporting/tables?period=2026-Q5')).body).toMatch(/value="2026-11" selected/);

      const ko = await t.app.inject({ url: '/staff/reporting/tables', cookies: { ...ngLead.jar, lang: 'ko' } });
      expect(ko.body).toContain('>2026년 11월</option>');
      expect(ko.body).toContain('2026년 12월 (이번 달, 아직 끝나지 않음)');
      expect(ko.body).toContain('2026년 4분기 (이번 분기, 아직 끝나지 않음)');
      expect(ko.body).toContain('>2026년 3분기</option>');
      expect(ko.body).not.toContain('2026年');
      const en = await t.app.inject({ url: '/staff/reporting/tables', cookies: { ...ngLead.jar, lang: 'en' } });
      expect(en.body).toMatch(/<option value="2026-11" selected>November 2026<\/option>/);
      expect(en.body).toContain('December 2026 (this month, not yet over)');
      expect(en.body).toContain('Q4 2026 (this quarter, not yet over)');

      // In January, the last complete month is last year's December (a session would have expired by then: asked directly).
      expect(defaultPeriodKey('2027-01-03')).toBe('2026-12');
      expect(defaultPeriodKey('2026-12-01')).toBe('2026-11');
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts each township by category, with the 本级 row and the 合计 row, numbers as numbers', async () => {
    const sheet = await workbook(ngIntake, '/staff/reporting/tables?period=2026-11');
    // 受理、办结、查实、在办
    expect(countsOf(sheet, t1.name, 'favouritism')).toEqual([3, 2, 1, 1]);
    expect(countsOf(sheet, t1.name, 'bribery')).toEqual([1, 0, 0, 1]);
    expect(countsOf(sheet, t1.name, 'all')).toEqual([4, 2, 1, 2]);
    expect(countsOf(sheet, t2.name, 'favouritism')).toEqual([1, 1, 1, 0]);
    expect(countsOf(sheet, t2.name, 'bribery')).toEqual([2, 1, 1, 1]);
    expect(countsOf(sheet, t2.name, 'left_out')).toEqual([0, 0, 0, 0]); // 0 written as 0
    expect(countsOf(sheet, '南关区本级（未具体到下级区划）', 'other')).toEqual([1, 0, 0, 0]);
    expect(countsOf(sheet, '合计', 'favouritism')).toEqual([4, 3, 2, 1]);
    expect(countsOf(sheet, '合计', 'bribery')).toEqual([3, 1, 1, 2]);
    expect(countsOf(sheet, '合计', 'all')).toEqual([8, 4, 3, 3]);
    // Every township of the county has its row, the 合计 row comes last (before the three signature rows).
    const townships = await t.app.db.get<{ n: number }>(sql`select count(*) as n from regions where parent_code = ${COUNTY}`);
    const totalRow = 4 + townships!.n + 2;
    expect(sheet.rowCount).toBe(totalRow + 3);
    expect(sheet.getCell(totalRow, 1).value).toBe('合计');
    expect(typeof sheet.getCell(totalRow, 2).value).toBe('number');
  });

  it('sums the months in a quarter, and counts open cases at its end', async () => {
    const q = await workbook(ngLead, '/staff/reporting/tables?period=2026-Q4');
    expect(q.getCell(1, 2).value).toBe('南关区农村低保专项治理投诉举报统计表（2026年第四季度）');
    const months = await Promise.all(['2026-10', '2026-11', '2026-12'].map((m) => workbook(ngLead, `/staff/reporting/tables?period=${m}`)));
    for (const name of [t1.name, t2.name, '合计']) {
      for (const group of ['all', 'favouritism', 'bribery'] as const) {
        const perMonth = months.map((m) => countsOf(m, name, group));
        const quarter = countsOf(q, name, group);
        // 受理、办结、查实 add up; 在办 is a stock: the quarter's is December's.
        expect(quarter.slice(0, 3)).toEqual([0, 1, 2].map((i) => perMonth.reduce((s, m) => s + m[i]!, 0)));
        expect(quarter[3]).toBe(perMonth[2]![3]);
      }
    }
    expect(countsOf(q, t2.name, 'bribery')).toEqual([3, 1, 1, 1]);
    expect(countsOf(q, t1.name, 'bribery')).toEqual([1, 1, 1, 0]);
    // October: received on its last evening, but accepted only after midnight: not open (在办) at its end.
    expect(countsOf(months[0]!, t2.name, 'bribery')).toEqual([1, 0, 0, 0]);
  });

  it('lets a city read its county table and its own by county; no one else', async () => {
    const county = await workbook(cityLead, `/staff/reporting/tables?period=2026-11&unit=${ng.id}`);
    expect(countsOf(county, '合计', 'all')).toEqual([8, 4, 3, 3]);
    const city = await workbook(cityLead, '/staff/reporting/tables?period=2026-11');
    expect(city.getCell(3, 1).value).toBe('县（市、区）');
    expect(countsOf(city, '南关区', 'all')).toEqual([8, 4, 3, 3]);
    expect(countsOf(city, '宽城区', 'favouritism')[0]).toBe(1);

    expect((await townshipUser.get(`/staff/reporting/tables?period=2026-11&unit=${ng.id}`)).statusCode).toBe(404);
    expect((await townshipUser.get('/staff/reporting/tables?period=2026-11')).statusCode).toBe(404);
    expect((await kcLead.get(`/staff/reporting/tables?period=2026-11&unit=${ng.id}`)).statusCode).toBe(404);
    const city220100 = (await findUnitByKey(t.app.db, 'ca:220100'))!;
    expect((await ngLead.get(`/staff/reporting/tables?period=2026-11&unit=${city220100.id}`)).statusCode).toBe(404);
  });

  it('refuses a bad period with a message in the user’s language, and offers the form', async () => {
    for (const bad of ['2026-13', '2026-Q5', '26-11', '2099-01']) {
      const res = await ngLead.get(`/staff/reporting/tables?period=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.body).toContain('统计期间无效');
    }
    const ko = await t.app.inject({ url: '/staff/reporting/tables?period=2026-13', cookies: { ...ngLead.jar, lang: 'ko' } });
    expect(ko.statusCode).toBe(400);
    expect(ko.body).toContain('통계 기간이 올바르지 않습니다');
    const en = await t.app.inject({ url: '/staff/reporting/tables?period=2026-13', cookies: { ...ngLead.jar, lang: 'en' } });
    expect(en.body).toContain('Invalid period');
    const form = await cityLead.get('/staff/reporting/tables');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="2026-11"');
    expect(form.body).toContain(`value="${ng.id}"`);
    expect((await ngLead.get('/staff/reporting')).body).toContain('href="/staff/reporting/tables"');
  });
});
