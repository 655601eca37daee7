// Turns an uploaded recipient list (CSV or XLSX) into rows of raw cells, numbered as the person
// sees them in Excel (first row = 1), so that every problem can point at the right row, and finds
// the header row. Nothing is validated here; recipient-import.ts (and cross-checks' declaration
// importer) do that.
import type { CellValue } from 'exceljs';
import { parse } from 'csv-parse/sync';
import { checkXlsx, XLSX_LIMITS, type XlsxLimit } from '../shared/xlsx-guard.js';

/** A raw cell: text as typed, a number when XLSX stored one, null when empty. */
export type Cell = string | number | null;
export interface SheetRow {
  row: number;
  cells: Cell[];
}
/** A header row: the column index of each known field, and the fields named more than once. */
export interface SheetHeader<F> {
  row: SheetRow;
  columns: Map<F, number>;
  duplicates: F[];
}
export type TextEncoding = 'utf-8-bom' | 'utf-8' | 'gbk' | 'utf-16le' | 'utf-16be';
export type ReadResult =
  | { ok: true; format: 'csv'; encoding: TextEncoding; rows: SheetRow[] }
  | { ok: true; format: 'xlsx'; rows: SheetRow[] }
  | { ok: false; message: string; params?: Record<string, number> };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0]; // legacy .xls (BIFF) and other OLE2 documents
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/u;

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Reads the file by its content, not its name: staff rename files freely. */
export async function readRecipientFile(bytes: Uint8Array): Promise<ReadResult> {
  if (bytes.length === 0) return { ok: false, message: 'disclosure.import.empty_file' };
  if (startsWith(bytes, ZIP)) return readXlsx(bytes);
  // exceljs cannot read the old binary format; ask for "save as .xlsx" instead of guessing.
  if (startsWith(bytes, OLE)) return { ok: false, message: 'disclosure.import.xls_unsupported' };
  return readCsv(bytes);
}

/** Title rows (XX村低保对象名单) may precede the header; it is looked for in this many first rows. */
const HEADER_SEARCH_ROWS = 10;

/**
 * The first of the leading rows that names at least three known columns (title rows such as
 * XX村低保对象名单 may precede it); else the first row. `match` names a cell's field.
 */
export function findHeader<F>(rows: readonly SheetRow[], match: (cell: Cell) => F | null, searchRows = HEADER_SEARCH_ROWS): SheetHeader<F> | null {
  const read = (row: SheetRow): SheetHeader<F> => {
    const columns = new Map<F, number>();
    const duplicates: F[] = [];
    row.cells.forEach((c, i) => {
      const f = match(c);
      if (f !== null && columns.has(f)) duplicates.push(f);
      else if (f !== null) columns.set(f, i);
    });
    return { row, columns, duplicates };
  };
  const candidates = rows.slice(0, searchRows).map(read);
  return candidates.find((h) => h.columns.size >= 3) ?? candidates[0] ?? null;
}

/**
 * Chinese Excel saves "CSV" in the ANSI code page, i.e. GBK, with no marker; "CSV UTF-8" starts
 * with a BOM; "Unicode text" is UTF-16 LE with a BOM. So: a BOM decides; otherwise strict UTF-8
 * (GBK text with Chinese characters is practically never valid UTF-8), falling back to GBK. The
 * fallback decodes as GB18030, the superset of GBK: it also reads the 4-byte sequences of rare
 * characters in names, and Node's 'gbk' decoder (ICU) silently maps invalid bytes such as 0xFF to
 * private-use characters where the 'gb18030' one fails as it should.
 * Text with NULs or other control characters is binary, or UTF-16 without a BOM: refused.
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } | null {
  const strict = (label: string, body: Uint8Array): string | null => {
    try {
      return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      return null;
    }
  };
  const attempts: [TextEncoding, string, Uint8Array][] = startsWith(bytes, [0xef, 0xbb, 0xbf])
    ? [['utf-8-bom', 'utf-8', bytes.subarray(3)]]
    : startsWith(bytes, [0xff, 0xfe])
      ? [['utf-16le', 'utf-16le', bytes.subarray(2)]]
      : startsWith(bytes, [0xfe, 0xff])
        ? [['utf-16be', 'utf-16be', bytes.subarray(2)]]
        : [['utf-8', 'utf-8', bytes], ['gbk', 'gb18030', bytes]];
  for (const [encoding, label, body] of attempts) {
    const text = strict(label, body);
    if (text !== null) return BINARY.test(text) ? null : { text, encoding };
  }
  return null;
}

/**
 * Comma, tab ("Unicode text") or semicolon: the one that splits the first lines most. Several
 * lines are counted because a title line (XX村低保名单) may have no separator at all.
 */
function guessDelimiter(text: string): string {
  const lines = text.split(/\r?\n/, 12).filter((l) => l.trim() !== '');
  const score = (d: string) => lines.reduce((sum, l) => sum + l.split(d).length - 1, 0);
  const best = [',', '\t', ';'].map((d) => [d, score(d)] as const).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}

function readCsv(bytes: Uint8Array): ReadResult {
  const decoded = decodeText(bytes);
  if (!decoded) return { ok: false, message: 'disclosure.import.bad_encoding' };
  // 5 MB of line breaks would be millions of rows; the spreadsheet's row limit holds for CSV too.
  // Lines are counted, not records: a quoted line break may count twice, which only errs on the safe side.
  const lines = countLines(decoded.text, XLSX_LIMITS.rows + 1);
  if (lines > XLSX_LIMITS.rows) return { ok: false, message: 'disclosure.import.file_too_many_rows', params: { max: XLSX_LIMITS.rows, row: XLSX_LIMITS.rows + 1 } };
  let records: string[][];
  try {
    // Empty lines are kept (as ['']) so that record i is Excel row i + 1; a quoted cell with a
    // line break stays one row, as in Excel.
    records = parse(decoded.text, {
      delimiter: guessDelimiter(decoded.text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    });
  } catch {
    return { ok: false, message: 'disclosure.import.bad_csv' };
  }
  const rows = records.map((cells, i) => ({ row: i + 1, cells: cells.map((c): Cell => (c.trim() === '' ? null : c)) }));
  return { ok: true, format: 'csv', encoding: decoded.encoding, rows };
}

/** Lines in `text`, counting no further than `stop`. */
function countLines(text: string, stop: number): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0 && lines < stop; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

/** The message for each limit of the spreadsheet check (src/shared/xlsx-guard.ts). */
const LIMIT_MESSAGES: Record<XlsxLimit | 'damaged', string> = {
  damaged: 'disclosure.import.bad_xlsx',
  entries: 'disclosure.import.xlsx_too_many_parts',
  unpacked: 'disclosure.import.xlsx_too_large',
  elements: 'disclosure.import.xlsx_too_complex',
  styles: 'disclosure.import.xlsx_too_complex',
  rows: 'disclosure.import.file_too_many_rows',
  cells: 'disclosure.import.xlsx_too_many_cells',
  shared_strings: 'disclosure.import.xlsx_too_many_texts',
  shared_string_bytes: 'disclosure.import.xlsx_texts_too_large',
};

/** Worksheet parts the import does not read; exceljs would build them (data validations cell by cell). */
const IGNORED_NODES = ['dataValidations', 'conditionalFormatting', 'hyperlinks', 'cols', 'autoFilter', 'rowBreaks', 'colBreaks', 'drawing', 'legacyDrawing', 'picture', 'tableParts', 'extLst'];

async function readXlsx(bytes: Uint8Array): Promise<ReadResult> {
  // Measured before exceljs inflates anything: a small file may stand for millions of rows.
  const check = await checkXlsx(bytes);
  if (!check.ok) return check.limit === 'damaged' ? { ok: false, message: LIMIT_MESSAGES.damaged } : { ok: false, message: LIMIT_MESSAGES[check.limit], params: check.params };
  // Loaded on first use: exceljs costs ≈ 0.5 s and ≈ 20 MB at start (bench/findings.md).
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types its argument as ArrayBuffer (its own `Buffer` declaration); JSZip takes one,
    // and a copy also detaches us from a pooled Node Buffer's larger backing store.
    await workbook.xlsx.load(new Uint8Array(bytes).buffer, { ignoreNodes: IGNORED_NODES });
  } catch {
    return { ok: false, message: 'disclosure.import.bad_xlsx' };
  }
  // The first worksheet: the one a township fills in; later sheets are notes or summaries.
  const sheet = workbook.worksheets[0];
  if (!sheet) return { ok: false, message: 'disclosure.import.no_rows' };
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    // Only the cells that exist: getCell() would create every missing one up to the last column.
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: false }, (cell, column) => {
      while (cells.length < column - 1) cells.push(null);
      cells[column - 1] = cellValue(cell.value);
    });
    rows.push({ row: rowNumber, cells });
  });
  return { ok: true, format: 'xlsx', rows };
}

/** Flattens exceljs cell values (rich text, formulas, hyperlinks, dates) to text or number. */
export function cellValue(value: CellValue | unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'boolean') return String(value);
  // A date where a number was expected is reported by the field check, not silently converted.
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return cellValue(v.richText.map((r: { text?: unknown }) => String(r.text ?? '')).join(''));
    if ('result' in v) return cellValue(v.result);
    if ('formula' in v || 'sharedFormula' in v) return null; // formula never calculated
    if ('text' in v) return cellValue(v.text);
    if ('error' in v) return null;
  }
  return null;
}
