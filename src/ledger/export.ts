// CSV and XLSX of the public ledger: exactly what the public page shows, no names, no place below the county.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Locale } from '../config.js';
import { translate } from '../i18n/translate.js';
import { toCsv } from '../shared/csv.js';
import { formatDate } from '../views/helpers/date.js';
import type { PublicItem } from './public-view.js';

const COLUMNS = ['prefecture', 'county', 'source', 'problem', 'measures', 'unit', 'deadline', 'status', 'overdue', 'progress', 'signed_off_on', 'reopen_count', 'reopen_reason'] as const;
const WIDTHS = [12, 14, 10, 40, 40, 24, 12, 12, 8, 40, 12, 8, 40];

function cells(locale: Locale, i: PublicItem): string[] {
  return [
    i.prefectureName || translate(locale, 'ledger.public.province_level'),
    i.countyName,
    translate(locale, `ledger.sources.${i.source}`),
    i.problem,
    i.measures,
    i.unitName,
    i.deadline,
    translate(locale, `ledger.status.${i.status}`),
    i.overdue ? translate(locale, 'ledger.export.yes') : translate(locale, 'ledger.export.no'),
    i.progress ?? '',
    i.signedOffAt ? formatDate(i.signedOffAt) : '',
    // 重新整改: how often a sign-off was taken back, and the last reason (empty when never).
    String(i.reopenCount ?? 0),
    i.reopenCount > 0 ? (i.reopenReason ?? '') : '',
  ];
}

export function headers(locale: Locale): string[] {
  return COLUMNS.map((c) => translate(locale, `ledger.export.${c}`));
}

/** CSV with a BOM, so that Excel on Chinese Windows reads it as UTF-8; formula-like cells neutralised. */
export function ledgerCsv(locale: Locale, items: PublicItem[]): string {
  return toCsv([headers(locale), ...items.map((i) => cells(locale, i))]);
}

/**
 * Writes the XLSX to `out` with exceljs's streaming WorkbookWriter while it is sent (issue 22: the
 * whole workbook used to be built in memory first, 2.1 s before the first byte at 5,000 items):
 * each row is committed as it is added, strings are inline, and every 500 rows it waits for `out`
 * to drain, so a slow download holds back the writing instead of piling rows up.
 */
export async function writeLedgerXlsx(out: Writable, locale: Locale, items: Iterable<PublicItem>, today: string): Promise<number> {
  // Loaded on first use: exceljs costs ≈ 0.5 s and ≈ 20 MB at start (bench/findings.md).
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = translate(locale, 'site.name');
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(translate(locale, 'ledger.export.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = headers(locale).map((header, n) => ({ header, width: WIDTHS[n] ?? 12 }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  let written = 0;
  for (const i of items) {
    const row = sheet.addRow(cells(locale, i));
    row.alignment = { vertical: 'top', wrapText: true };
    // Overdue in colour and in words (the "overdue" column says 是/yes).
    if (i.overdue) row.font = { color: { argb: 'FFA4161A' }, bold: true };
    row.commit();
    written += 1;
    if (written % 500 === 0) {
      if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
      // The download was cancelled: nothing more to write.
      if (out.destroyed) return written;
    }
  }
  sheet.commit();
  // What the file is, on a sheet of its own so that the data sheet stays a plain table.
  const about = workbook.addWorksheet(translate(locale, 'ledger.export.about_sheet'));
  about.getColumn(1).width = 80;
  about.addRow([translate(locale, 'ledger.export.note', { today })]).commit();
  about.commit();
  await workbook.commit();
  return written;
}
