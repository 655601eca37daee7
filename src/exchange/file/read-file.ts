// Reads an uploaded exchange file into numbered raw records, by its content (not its name): a ZIP is
// an XLSX (measured by shared/xlsx-guard.ts before exceljs inflates anything), text starting with `{`
// is the JSON form, anything else CSV (UTF-8 with or without BOM, or GB18030 as Chinese Excel saves).
// Row numbers are the ones a person sees: the header is row 1 of a sheet; a JSON item is numbered from 1.
import { parse } from 'csv-parse/sync';
import { checkXlsx, XLSX_LIMITS, type XlsxLimit, type XlsxLimits } from '../../shared/xlsx-guard.js';
import { COLUMNS, FORMAT_NAME, FORMAT_VERSION, type Column } from './format.js';
import { unprotectCell } from './export.js';

/** An exchange file is a few thousand items of up to 5,000 characters each. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_ITEMS = 10_000;
/** Room for 10,000 rows of long texts, still far below what would exhaust exceljs's memory. */
export const EXCHANGE_XLSX_LIMITS: XlsxLimits = { ...XLSX_LIMITS, rows: MAX_ITEMS + 100, cells: (MAX_ITEMS + 100) * 40, unpackedBytes: 120 * 1024 * 1024, sharedStringBytes: 64 * 1024 * 1024 };

export const REQUIRED_COLUMNS: readonly Column[] = ['source_system', 'work_order_no', 'channel', 'received_at', 'category', 'place_code', 'text', 'status'];

export interface RawRecord {
  row: number;
  cells: Partial<Record<Column, unknown>>;
}
/** A problem with the file as a whole (row 0) or its header row; message under exchange.file.errors. */
export interface FileProblem {
  row: number;
  column: Column | null;
  message: string;
  params?: Record<string, string | number>;
}
export type ReadOutcome = { ok: true; format: 'csv' | 'xlsx' | 'json'; records: RawRecord[] } | { ok: false; problems: FileProblem[] };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/u;
const fileProblem = (message: string, params?: Record<string, string | number>): ReadOutcome => ({ ok: false, problems: [params ? { row: 0, column: null, message, params } : { row: 0, column: null, message }] });

export async function readExchangeFile(bytes: Uint8Array): Promise<ReadOutcome> {
  if (bytes.length === 0) return fileProblem('empty_file');
  if (bytes.length > MAX_FILE_BYTES) return fileProblem('file_too_large', { mb: MAX_FILE_BYTES / 1048576 });
  if (ZIP.every((b, i) => bytes[i] === b)) return readXlsx(bytes);
  if (OLE.every((b, i) => bytes[i] === b)) return fileProblem('xls_unsupported');
  const text = decode(bytes);
  if (text === null) return fileProblem('bad_encoding');
  if (text.trimStart().startsWith('{')) return readJson(text);
  return readCsv(text);
}

/** UTF-8 (a BOM or none), else GB18030; null for binary content. */
function decode(bytes: Uint8Array): string | null {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  for (const label of bom ? ['utf-8'] : ['utf-8', 'gb18030']) {
    try {
      const text = new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
      return BINARY.test(text) ? null : text;
    } catch {
      // not this encoding
    }
  }
  return null;
}

/** The header's columns by position; unknown headers are ignored, a missing required one or a doubled one is a problem. */
function headerOf(cells: readonly unknown[], row: number): { columns: (Column | null)[]; problems: FileProblem[] } {
  const names = cells.map((c) => (typeof c === 'string' ? c.replace(/^\ufeff/, '').trim().toLowerCase() : ''));
  const columns = names.map((n) => ((COLUMNS as readonly string[]).includes(n) ? (n as Column) : null));
  // Not one column of the format: another kind of file, one word for it rather than a row a column.
  if (!REQUIRED_COLUMNS.some((c) => columns.includes(c))) return { columns, problems: [{ row, column: null, message: 'not_exchange_header', params: { row } }] };
  const problems: FileProblem[] = [];
  for (const c of REQUIRED_COLUMNS) if (!columns.includes(c)) problems.push({ row, column: c, message: 'missing_column', params: { column: c } });
  const seen = new Set<Column>();
  for (const c of columns) {
    if (c && seen.has(c)) problems.push({ row, column: c, message: 'duplicate_column', params: { column: c } });
    if (c) seen.add(c);
  }
  return { columns, problems };
}

function records(rows: { row: number; cells: unknown[] }[], format: 'csv' | 'xlsx'): ReadOutcome {
  const nonEmpty = rows.filter((r) => r.cells.some((c) => c !== null && c !== undefined && String(c).trim() !== ''));
  const first = nonEmpty[0];
  if (!first) return fileProblem('no_items');
  const header = headerOf(first.cells, first.row);
  if (header.problems.length > 0) return { ok: false, problems: header.problems };
  const data = nonEmpty.slice(1);
  if (data.length === 0) return fileProblem('no_items');
  if (data.length > MAX_ITEMS) return fileProblem('too_many_items', { max: MAX_ITEMS });
  return {
    ok: true,
    format,
    records: data.map((r) => {
      const cells: Partial<Record<Column, unknown>> = {};
      header.columns.forEach((c, i) => {
        const v = r.cells[i];
        if (c) cells[c] = format === 'csv' && typeof v === 'string' ? unprotectCell(v) : v;
      });
      return { row: r.row, cells };
    }),
  };
}

function readCsv(text: string): ReadOutcome {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0 && lines <= MAX_ITEMS + 100; at = text.indexOf('\n', at + 1)) lines++;
  if (lines > MAX_ITEMS + 100) return fileProblem('too_many_items', { max: MAX_ITEMS });
  let parsed: string[][];
  try {
    // Empty lines are kept so that record i is row i + 1, as a spreadsheet numbers it.
    parsed = parse(text, { relax_column_count: true, skip_empty_lines: false });
  } catch {
    return fileProblem('bad_csv');
  }
  return records(parsed.map((cells, i) => ({ row: i + 1, cells })), 'csv');
}

const XLSX_MESSAGES: Record<XlsxLimit | 'damaged', string> = {
  damaged: 'bad_xlsx',
  entries: 'xlsx_too_complex',
  unpacked: 'xlsx_too_large',
  elements: 'xlsx_too_complex',
  styles: 'xlsx_too_complex',
  rows: 'too_many_items',
  cells: 'xlsx_too_complex',
  shared_strings: 'xlsx_too_complex',
  shared_string_bytes: 'xlsx_too_large',
};

/** A date cell (a moment retyped in Excel) holds China wall-clock time written as UTC: read it back as +08:00. */
function cellOf(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return `${value.toISOString().slice(0, 23)}+08:00`;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return v.richText.map((r: { text?: unknown }) => String(r.text ?? '')).join('');
    if ('result' in v) return cellOf(v.result);
    if ('formula' in v || 'sharedFormula' in v || 'error' in v) return null;
    if ('text' in v) return cellOf(v.text);
    return null;
  }
  return value;
}

async function readXlsx(bytes: Uint8Array): Promise<ReadOutcome> {
  const check = await checkXlsx(bytes, EXCHANGE_XLSX_LIMITS);
  if (!check.ok) return fileProblem(XLSX_MESSAGES[check.limit], check.params);
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(new Uint8Array(bytes).buffer, { ignoreNodes: ['dataValidations', 'conditionalFormatting', 'hyperlinks', 'drawing', 'legacyDrawing', 'picture', 'tableParts', 'extLst'] });
  } catch {
    return fileProblem('bad_xlsx');
  }
  const sheet = workbook.getWorksheet('items') ?? workbook.worksheets[0];
  if (!sheet) return fileProblem('no_items');
  const rows: { row: number; cells: unknown[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: unknown[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      while (cells.length < column - 1) cells.push(null);
      cells[column - 1] = cellOf(cell.value);
    });
    rows.push({ row: rowNumber, cells });
  });
  return records(rows, 'xlsx');
}

function readJson(text: string): ReadOutcome {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fileProblem('bad_json');
  }
  const d = doc as { format?: unknown; version?: unknown; items?: unknown };
  if (!d || typeof d !== 'object' || d.format !== FORMAT_NAME || !Array.isArray(d.items)) return fileProblem('bad_json');
  if (d.version !== FORMAT_VERSION) return fileProblem('bad_version', { version: String(d.version) });
  if (d.items.length === 0) return fileProblem('no_items');
  if (d.items.length > MAX_ITEMS) return fileProblem('too_many_items', { max: MAX_ITEMS });
  const out: RawRecord[] = [];
  const problems: FileProblem[] = [];
  d.items.forEach((item: unknown, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ row: i + 1, column: null, message: 'not_an_item' });
      return;
    }
    const cells: Partial<Record<Column, unknown>> = {};
    for (const c of COLUMNS) {
      const v = (item as Record<string, unknown>)[c];
      // Only text, numbers, booleans and (for steps) arrays: an object where text belongs is no value.
      if (v !== undefined) cells[c] = typeof v === 'object' && v !== null && !(c === 'steps' && Array.isArray(v)) ? '\u0000' : v;
    }
    out.push({ row: i + 1, cells });
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, format: 'json', records: out };
}
