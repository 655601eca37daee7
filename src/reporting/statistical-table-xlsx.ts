// The 统计报表 as the XLSX an office files upward: a title row, a 填报单位/填报日期 row, two header
// rows (each category merged over its four counts), the rows and the 合计 row, with borders, frozen
// headings and numbers as numbers (0 shown as 0), then the signature rows an office keeps under a
// table. Printed at full size across several A4 landscape pages (77 columns shrunk onto one page
// are ≈2 pt text), each page repeating the region names (column A) and the two header rows; the
// title and filer rows start in column B, so later pages show no piece of them, and those pages
// name the table in their page header instead (the first page has the title itself). Written through exceljs's streaming WorkbookWriter
// like the other exports: the table is small (at most a few hundred cells a row, a few dozen rows),
// but the writer streams it into the response without building the workbook in memory first.
import type { Writable } from 'node:stream';
import type { Borders, Style } from 'exceljs';
import { translate } from '../i18n/translate.js';
import type { StatisticalTable, TableRow } from './statistical-table.js';

const zh = (key: string, vars?: Record<string, unknown>) => translate('zh-CN', key, vars);

/** Rows of the layout (1-based): the data start on FIRST_DATA_ROW. */
const TITLE_ROW = 1;
const FILER_ROW = 2;
const GROUP_ROW = 3;
const MEASURE_ROW = 4;
/**
 * The title and filer rows start in column B and span at most this many columns: the part on screen
 * when the file opens (the whole width would centre them far off screen). Not column A: it is
 * repeated on every printed page, so a title there showed again, cut to column A's width, at the
 * top of every later page.
 */
const FIRST_HEAD_COLUMN = 2;
const HEAD_SPAN = 12;
/** The signature fields under the table, each with room to sign by hand before the next. */
const SIGNATURE_FIELDS = ['head', 'reviewer', 'preparer', 'phone'] as const;
const SIGNATURE_STEP = 3;

const THIN: Borders = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' }, diagonal: {} };
const FONT = { name: '宋体', size: 10 };
const HEADER: Partial<Style> = { font: { ...FONT, bold: true }, alignment: { horizontal: 'center', vertical: 'middle', wrapText: true }, border: THIN };
const PLAIN: Partial<Style> = { font: FONT, alignment: { horizontal: 'left', vertical: 'middle' } };
const NAME: Partial<Style> = { font: FONT, alignment: { horizontal: 'left', vertical: 'middle' }, border: THIN, numFmt: '@' };
// '0': a count of nothing is shown as 0, not left blank.
const NUMBER: Partial<Style> = { font: FONT, alignment: { horizontal: 'center', vertical: 'middle' }, border: THIN, numFmt: '0' };

/** 2026年12月7日: the China date as a filed document writes it. */
function chineseDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zh('reporting.tables.date', { year: y, month: m, day: d });
}

/** Text for a page header: `&` starts a header code, so a literal one is doubled. */
const headerText = (text: string) => text.replace(/&/g, '&&');

/** Writes `table` as XLSX to `out`, filed on the China date `today`. */
export async function writeStatisticalTableXlsx(out: Writable, table: StatisticalTable, today: string): Promise<void> {
  // Loaded on first use: exceljs costs ≈ 0.5 s and ≈ 20 MB at start (bench/findings.md).
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = zh('site.name');
  workbook.created = new Date();
  const measures = table.measureLabels.length;
  const lastColumn = 1 + table.groupLabels.length * measures;
  const sheet = workbook.addWorksheet(zh('reporting.tables.sheet'), {
    views: [{ state: 'frozen', xSplit: 1, ySplit: MEASURE_ROW }],
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: false,
      scale: 100,
      printTitlesRow: `${GROUP_ROW}:${MEASURE_ROW}`,
      printTitlesColumn: 'A:A',
      horizontalCentered: false,
      // Inches: 1.5 cm at the sides, room at the foot for the page number.
      margins: { left: 0.6, right: 0.6, top: 0.7, bottom: 0.8, header: 0.3, footer: 0.4 },
    },
    headerFooter: {
      differentFirst: true,
      firstHeader: '',
      firstFooter: `&C${zh('reporting.tables.footer')}`,
      oddHeader: `&L${headerText(table.title)}`,
      oddFooter: `&C${zh('reporting.tables.footer')}`,
    },
  });
  sheet.getColumn(1).width = 22;
  for (let c = 2; c <= lastColumn; c++) sheet.getColumn(c).width = 7;

  const first = FIRST_HEAD_COLUMN;
  const last = Math.max(first + 1, Math.min(first + HEAD_SPAN - 1, lastColumn));
  const title = sheet.getRow(TITLE_ROW);
  title.height = 32;
  title.getCell(first).value = table.title;
  title.getCell(first).style = { font: { name: '黑体', size: 16, bold: true }, alignment: { horizontal: 'left', vertical: 'middle' } };
  sheet.mergeCells(TITLE_ROW, first, TITLE_ROW, last);
  title.commit();

  // 填报单位 on the left half of the title's span, 填报日期 on its right half.
  const filer = sheet.getRow(FILER_ROW);
  const half = first + Math.max(0, Math.floor((last - first + 1) / 2) - 1);
  filer.getCell(first).value = zh('reporting.tables.filer', { unit: table.unitName });
  filer.getCell(first).style = { font: FONT, alignment: { horizontal: 'left', vertical: 'middle' } };
  filer.getCell(half + 1).value = zh('reporting.tables.filed_on', { date: chineseDate(today) });
  filer.getCell(half + 1).style = { font: FONT, alignment: { horizontal: 'right', vertical: 'middle' } };
  if (half > first) sheet.mergeCells(FILER_ROW, first, FILER_ROW, half);
  if (last > half + 1) sheet.mergeCells(FILER_ROW, half + 1, FILER_ROW, last);
  filer.commit();

  // Two header rows: the first column's heading spans both; each group spans its measures.
  const groups = sheet.getRow(GROUP_ROW);
  const measureRow = sheet.getRow(MEASURE_ROW);
  groups.height = 42;
  groups.getCell(1).value = table.rowHeading;
  for (let c = 1; c <= lastColumn; c++) {
    groups.getCell(c).style = HEADER;
    measureRow.getCell(c).style = HEADER;
  }
  sheet.mergeCells(GROUP_ROW, 1, MEASURE_ROW, 1);
  table.groupLabels.forEach((label, g) => {
    const first = 2 + g * measures;
    groups.getCell(first).value = label;
    sheet.mergeCells(GROUP_ROW, first, GROUP_ROW, first + measures - 1);
    table.measureLabels.forEach((m, i) => (measureRow.getCell(first + i).value = m));
  });
  groups.commit();
  measureRow.commit();

  const writeRow = (r: TableRow, bold: boolean) => {
    const row = sheet.addRow([r.name, ...r.cells.flat()]);
    row.getCell(1).style = bold ? { ...NAME, font: { ...FONT, bold: true } } : NAME;
    for (let c = 2; c <= lastColumn; c++) row.getCell(c).style = bold ? { ...NUMBER, font: { ...FONT, bold: true } } : NUMBER;
    row.commit();
  };
  for (const r of table.rows) writeRow(r, false);
  writeRow(table.total, true);

  // A blank row, then the signatures and the seal, as under any table an office files. From column
  // B, each field three columns apart: column A is repeated on every printed page (print titles),
  // and the signatures belong on the first page only.
  sheet.addRow([]).commit();
  const signature = sheet.addRow([]);
  SIGNATURE_FIELDS.forEach((k, i) => {
    const cell = signature.getCell(2 + i * SIGNATURE_STEP);
    cell.value = zh(`reporting.tables.signature.${k}`);
    cell.style = PLAIN;
  });
  signature.height = 24;
  signature.commit();
  const seal = sheet.addRow([]);
  seal.getCell(2).value = zh('reporting.tables.signature.seal');
  seal.getCell(2).style = PLAIN;
  seal.height = 24;
  seal.commit();
  sheet.commit();
  await workbook.commit();
}
