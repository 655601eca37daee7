// The one way the portal writes CSV. Spreadsheet programs run a cell that starts with =, +, -, @
// (and, after their own trimming, tab or CR) as a formula, so a problem text such as
// `=HYPERLINK("http://…")` typed by anyone into a public form would become a live link or a DDE
// call on the computer of whoever opens /ledger.csv (CSV injection, OWASP). Such a cell gets a
// leading single quote, as OWASP advises: Excel and WPS then show the text as typed.
import { stringify } from 'csv-stringify/sync';

export type CsvValue = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/u;
/** A plain number ("-3", "-12.5", "-4%") is read as a number, never as a formula: left as it is. */
const PLAIN_NUMBER = /^-\d+(?:\.\d+)?%?$/u;

/** The text of one cell as it may safely go into a CSV file. */
export function neutraliseCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

export interface CsvOptions {
  /** Excel on Chinese Windows reads UTF-8 only with a byte-order mark; default true. */
  bom?: boolean;
  /** '\r\n' for files staff fill in and upload again (templates); default '\n'. */
  recordDelimiter?: string;
}

/** Rows to CSV text with every cell neutralised. */
export function toCsv(rows: readonly (readonly CsvValue[])[], options: CsvOptions = {}): string {
  const safe = rows.map((row) => row.map(neutraliseCell));
  const text = stringify(safe, options.recordDelimiter ? { record_delimiter: options.recordDelimiter } : {});
  return (options.bom === false ? '' : '\ufeff') + text;
}
