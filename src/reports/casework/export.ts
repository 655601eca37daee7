// The inbox's 台账 export (issue 19 item 13): the reports of the current filter as the ledger an
// office keeps and files — XLSX first, CSV with the same columns. Headers and labels are Chinese
// whatever the page language, because the file is the office's document, not a view of the page.
// Both are written batch by batch as the rows are read (keyset, repository/inbox.ts ledgerBatch), so
// memory stays flat up to EXPORT_LIMIT.maxRows.
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { translate } from '../../i18n/translate.js';
import { toCsv } from '../../shared/csv.js';
import { formatDate } from '../../views/helpers/date.js';
import type { LedgerRow } from './repository/inbox.js';

/**
 * The most rows one export writes; beyond it the user is asked to narrow the filter. An object so a
 * test can lower it (50,000 rows are minutes to create on PostgreSQL).
 */
export const EXPORT_LIMIT = { maxRows: 50_000 };

const COLUMNS = ['case_no', 'channel', 'received', 'category', 'place', 'subject', 'handling_unit', 'assignee', 'assignment_due', 'legal_due', 'status', 'finding', 'concluded', 'on_time'] as const;
const WIDTHS = [15, 24, 12, 16, 30, 20, 22, 22, 12, 12, 10, 10, 12, 10];
/** Columns holding China calendar dates (YYYY-MM-DD), written as dates, not text. */
const DATE_COLUMNS = new Set<(typeof COLUMNS)[number]>(['received', 'assignment_due', 'legal_due', 'concluded']);

const zh = (key: string) => translate('zh-CN', key);

export function ledgerHeaders(): string[] {
  return COLUMNS.map((c) => zh(`casework.export.columns.${c}`));
}

const label = (prefix: string, code: string | null) => (code ? zh(`${prefix}.${code}`) : '');

/** 南关区 永吉街道 某村（具体地点）: the county and township give a village its context. */
function place(r: LedgerRow): string {
  const names = [r.countyName, r.townshipName, r.placeName].filter((n, i, all): n is string => !!n && all.indexOf(n) === i);
  return names.join(' ') + (r.placeOther ? `（${r.placeOther}）` : '');
}

function subject(r: LedgerRow): string {
  const position = label('report.positions', r.subjectPosition);
  if (r.subjectName && position) return `${r.subjectName}（${position}）`;
  return r.subjectName || position;
}

/** The person, and the unit when the report was assigned beyond the handling unit (a township). */
function assignee(r: LedgerRow): string {
  const unit = r.assignedUnit && r.assignedUnit !== r.handlingUnit ? r.assignedUnit : null;
  if (r.assignee && unit) return `${r.assignee}（${unit}）`;
  return r.assignee || unit || '';
}

/**
 * 是否按期: concluded on or before the legal handling date (handling_due, an approved extension
 * included), as the statistics count it (src/reports/statistics-repository.ts); empty while open.
 */
function onTime(r: LedgerRow, concluded: string): string {
  if (!concluded || !r.handlingDue) return '';
  return zh(concluded <= r.handlingDue ? 'casework.export.yes' : 'casework.export.no');
}

/**
 * 来源: where a staff-logged report came from, with the forwarding body's 来文号 (issue 19 item 12);
 * an online report, or one logged before the source was asked, by its channel.
 */
function source(r: LedgerRow): string {
  if (!r.source) return label('casework.channels', r.channel);
  const name = label('casework.sources', r.source);
  return r.sourceRef ? `${name}（${r.sourceRef}）` : name;
}

/** One row's cells in column order: text, or a YYYY-MM-DD date for the date columns. */
export function ledgerCells(r: LedgerRow): string[] {
  const concluded = formatDate(r.concludedAt);
  return [
    r.caseNo,
    source(r),
    formatDate(r.receivedAt),
    label('report.categories', r.category),
    place(r),
    subject(r),
    r.handlingUnit ?? '',
    assignee(r),
    r.assignmentDue ?? '',
    // The clock running now; once it stops (concluded …), the legal handling date it ran to.
    r.dueOn ?? r.handlingDue ?? '',
    label('track.status', r.status),
    label('casework.findings', r.finding),
    concluded,
    onTime(r, concluded),
  ];
}

/** CSV (BOM, then header, then rows), produced as the batches arrive; formula-like cells neutralised (shared/csv). */
export function ledgerCsv(batches: AsyncIterable<LedgerRow[]>): Readable {
  return Readable.from(
    (async function* () {
      yield toCsv([ledgerHeaders()]);
      for await (const rows of batches) yield toCsv(rows.map(ledgerCells), { bom: false });
    })(),
  );
}

/** A YYYY-MM-DD China date as the Date exceljs writes as that day (it converts through UTC). */
function excelDate(day: string): Date | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00Z`) : null;
}

/**
 * Writes the XLSX to `out` with exceljs's streaming WorkbookWriter: each row is committed (and so
 * leaves memory) as it is added, strings are inline (no shared-string table growing with the rows),
 * and between batches it waits for `out` to drain, so a slow download holds back the reading
 * instead of piling rows up. Resolves with the number of rows written.
 *
 * Text cells are string cells in the Text number format ('@'): a subject name or place typed as
 * `=HYPERLINK(…)` is shown as typed and stays text when a clerk edits the cell (no formula).
 */
export async function writeLedgerXlsx(out: Writable, batches: AsyncIterable<LedgerRow[]>, now = new Date()): Promise<number> {
  // Loaded on first use: exceljs costs ≈ 0.5 s and ≈ 20 MB at start (bench/findings.md).
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = zh('site.name');
  workbook.created = now;
  const sheet = workbook.addWorksheet(zh('casework.export.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = ledgerHeaders().map((header, n) => ({ header, key: COLUMNS[n], width: WIDTHS[n] ?? 12, style: { numFmt: DATE_COLUMNS.has(COLUMNS[n]!) ? 'yyyy-mm-dd' : '@' } }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  let written = 0;
  for await (const rows of batches) {
    for (const r of rows) {
      const cells = ledgerCells(r).map((value, n) => (DATE_COLUMNS.has(COLUMNS[n]!) ? excelDate(value) : value));
      sheet.addRow(cells).commit();
      written += 1;
    }
    if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    // The download was cancelled: nothing more to write.
    if (out.destroyed) return written;
  }
  sheet.commit();
  await workbook.commit();
  return written;
}
