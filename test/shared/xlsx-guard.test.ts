// Spreadsheet bombs (issue 16, defect 2): refused with a message naming the limit, while the
// process grows by less than 50 MB; a full-size roster still reads.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { readRecipientFile } from '../../src/disclosure/recipient-file.js';
import { checkXlsx, XLSX_LIMITS } from '../../src/shared/xlsx-guard.js';
import { translate } from '../../src/i18n/translate.js';
import { cellsBomb, plainPart, rowsBomb, sharedStringBytesBomb, sharedStringsBomb, smallSheet, unpackedBomb, workbook, zip } from './xlsx-bombs.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Runs `work` and returns its result with the largest RSS growth seen over the baseline, in MB. */
async function measured<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  gc();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMb: (peak - base) / 1024 / 1024 };
  } finally {
    clearInterval(sample);
  }
}

describe('spreadsheet bombs', () => {
  const bombs: [string, () => Buffer, string, Record<string, number>][] = [
    ['rows', rowsBomb, 'disclosure.import.file_too_many_rows', { max: XLSX_LIMITS.rows, row: XLSX_LIMITS.rows + 1 }],
    ['cells', cellsBomb, 'disclosure.import.xlsx_too_many_cells', { max: XLSX_LIMITS.cells, row: XLSX_LIMITS.cells / 1000 + 1 }],
    ['shared strings', sharedStringsBomb, 'disclosure.import.xlsx_too_many_texts', { max: XLSX_LIMITS.sharedStrings }],
    ['shared-string bytes', sharedStringBytesBomb, 'disclosure.import.xlsx_texts_too_large', { max: 16 }],
    ['unpacked size', unpackedBomb, 'disclosure.import.xlsx_too_large', { max: 40 }],
  ];
  for (const [what, build, message, params] of bombs) {
    it(`refuses a 4.5 MB ${what} bomb with a message, growing by less than 50 MB`, async () => {
      const file = build();
      expect(file.length).toBeGreaterThan(4.4 * 1024 * 1024);
      expect(file.length).toBeLessThan(5 * 1024 * 1024);
      const { result, growthMb } = await measured(() => readRecipientFile(file));
      expect(result).toEqual({ ok: false, message, params });
      expect(growthMb).toBeLessThan(50);
    });
  }

  it('says which limit and, for rows, which row, in Chinese, Korean and English', () => {
    const params = { max: 30000, row: 30001 };
    expect(translate('zh-CN', 'disclosure.import.file_too_many_rows', params)).toContain('第 30001 行');
    expect(translate('zh-CN', 'disclosure.import.file_too_many_rows', params)).toContain('30000');
    expect(translate('ko', 'disclosure.import.file_too_many_rows', params)).toContain('제30001행');
    expect(translate('en', 'disclosure.import.file_too_many_rows', params)).toContain('row 30001');
    expect(translate('en', 'disclosure.import.xlsx_too_many_cells', { max: 400000, row: 401 })).toContain('row 401');
  });
});

describe('what exceljs would expand, counted before it does', () => {
  const refusal = async (file: Buffer) => checkXlsx(file);

  it('counts a merged area and a named range by their cells', async () => {
    const merged = workbook(smallSheet('<row r="1"><c r="A1"><v>1</v></c></row>', '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'));
    expect(await refusal(merged)).toEqual({ ok: false, limit: 'cells', params: { max: XLSX_LIMITS.cells, row: 1 } });
    const named = workbook(smallSheet(''), [], '<workbook><definedNames><definedName name="all">\'名单\'!$A$5:$XFD$1048576</definedName></definedNames><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>');
    expect(await refusal(named)).toEqual({ ok: false, limit: 'cells', params: { max: XLSX_LIMITS.cells, row: 5 } });
    // A print area is not expanded by exceljs, so it costs nothing.
    const printArea = workbook(smallSheet(''), [], '<workbook><definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">\'名单\'!$A$1:$XFD$1048576</definedName></definedNames><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>');
    expect(await refusal(printArea)).toEqual({ ok: true });
  });

  it('counts a row as wide as its last cell, whatever the prefix of the elements', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `<x:row r="${i + 1}"><x:c r="XFD${i + 1}"><x:v>1</x:v></x:c></x:row>`).join('');
    expect(await refusal(workbook(smallSheet(rows)))).toEqual({ ok: false, limit: 'cells', params: { max: XLSX_LIMITS.cells, row: 25 } });
  });

  it('refuses too many parts, a DTD, encryption and an archive with data before it', async () => {
    const many = zip(Array.from({ length: XLSX_LIMITS.entries + 1 }, (_, i) => plainPart(`xl/p${i}.xml`, '<a/>')));
    expect(await refusal(many)).toEqual({ ok: false, limit: 'entries', params: { max: XLSX_LIMITS.entries } });
    const dtd = workbook(plainPart('xl/worksheets/sheet1.xml', '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet/>'));
    expect(await refusal(dtd)).toEqual({ ok: false, limit: 'damaged', params: {} });
    const good = workbook(smallSheet('<row r="1"><c r="A1"><v>1</v></c></row>'));
    const encrypted = Buffer.from(good);
    const central = encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    encrypted.writeUInt16LE(1, central + 8);
    expect(await refusal(encrypted)).toEqual({ ok: false, limit: 'damaged', params: {} });
    expect(await refusal(Buffer.concat([Buffer.from('MZ'), good]))).toEqual({ ok: false, limit: 'damaged', params: {} });
    expect(await readRecipientFile(good.subarray(0, good.length - 30))).toEqual({ ok: false, message: 'disclosure.import.bad_xlsx' });
  });

  it('refuses a CSV of more lines than the row limit, naming the row', async () => {
    const csv = Buffer.from('姓名,身份证号码\r\n' + '\r\n'.repeat(XLSX_LIMITS.rows + 5));
    expect(await readRecipientFile(csv)).toEqual({ ok: false, message: 'disclosure.import.file_too_many_rows', params: { max: XLSX_LIMITS.rows, row: XLSX_LIMITS.rows + 1 } });
  });
});

describe('a real roster', () => {
  it('reads a full 20,000-row roster written by exceljs, with merged village cells, a filter and a whole-column drop-down', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['南岭街道低保对象名单']);
    ws.mergeCells('A1:F1');
    ws.addRow(['姓名', '身份证号码', '家庭人口', '月保障金（元）', '救助类型', '村（社区）']);
    for (let i = 0; i < 20_000; i++) ws.addRow([`张${i}`, `2201021950010${String(i).padStart(5, '0')}`, 3, 560.5, '低保', i < 10 ? null : '华阳社区']);
    ws.mergeCells('F3:F12');
    ws.getCell('F3').value = '恒安社区';
    ws.autoFilter = 'A2:F20002';
    ws.getColumn(2).width = 24;
    (ws as unknown as { dataValidations: { add(range: string, v: object): void } }).dataValidations.add('E3:E1048576', { type: 'list', allowBlank: false, formulae: ['"低保,特困,临时救助"'] });
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await checkXlsx(file)).toEqual({ ok: true });
    const read = await readRecipientFile(file);
    if (!read.ok) throw new Error(read.message);
    expect(read.rows).toHaveLength(20_002);
    expect(read.rows[0]).toEqual({ row: 1, cells: ['南岭街道低保对象名单', '南岭街道低保对象名单', '南岭街道低保对象名单', '南岭街道低保对象名单', '南岭街道低保对象名单', '南岭街道低保对象名单'] });
    expect(read.rows[2]!.cells).toEqual(['张0', '220102195001000000', 3, 560.5, '低保', '恒安社区']);
    expect(read.rows[11]!.cells[5]).toBe('恒安社区');
    expect(read.rows[20_001]!.cells[5]).toBe('华阳社区');
  });

  it('keeps the gaps of a sparse row as empty cells', async () => {
    const file = workbook(smallSheet('<row r="3"><c r="B3" t="inlineStr"><is><t>王</t></is></c><c r="E3"><v>7</v></c></row>'));
    expect(await readRecipientFile(file)).toEqual({ ok: true, format: 'xlsx', rows: [{ row: 3, cells: [null, '王', null, null, 7] }] });
  });
});
