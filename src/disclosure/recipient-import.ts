// Import of a village's recipient list by township staff (the roster and postings of DESIGN.md §5).
// All or nothing: every row is checked and reported by its Excel row number, and rows come back
// only when the whole file is valid, so a list is never half imported. ID numbers are checked
// (GB 11643) and turned into keyed hashes at once; the clear number never leaves this module.
import crypto from 'node:crypto';
import { toCsv } from '../shared/csv.js';
import { idNumberHashes } from './id-number.js';
import { maskName } from './masking.js';
import {
  FIELDS,
  TEMPLATE_HEADERS,
  makeVillageMatcher,
  matchHeader,
  parseAmountFen,
  parseHouseholdSize,
  parseName,
  parseType,
  type Field,
  type RecipientType,
  type Village,
  readIdCell,
} from './recipient-columns.js';
import { findHeader, readRecipientFile, type Cell, type SheetHeader, type SheetRow, type TextEncoding } from './recipient-file.js';

export { RECIPIENT_TYPES, RECIPIENT_TYPE_LABELS, TEMPLATE_HEADERS, type RecipientType, type Village } from './recipient-columns.js';

export interface ParsedRow {
  /** Row number as Excel shows it (header = 1 in the template). */
  row: number;
  /** Name as typed (normalised); mask it with maskName() wherever it is shown to the public. */
  name: string;
  maskedName: string;
  /** idNumberHash() of the normalised ID number; the number itself is not kept. */
  idHash: string;
  /** The same number's hash under the other crypto profile (issue 23, idNumberHashes). */
  idHashAlt: string;
  householdSize: number;
  /** Monthly amount in fen (1/100 yuan), an integer. */
  monthlyAmountFen: number;
  type: RecipientType;
  villageCode: string;
  villageName: string;
}

export interface ImportProblem {
  /** Excel row number; 0 for problems with the file as a whole. */
  row: number;
  column: Field | 'file';
  /** An i18n key under disclosure.import (src/disclosure/locales). */
  message: string;
  params?: Record<string, string | number>;
}

export type ImportResult =
  | { ok: true; rows: ParsedRow[]; problems: []; fingerprint: string; format: 'csv' | 'xlsx'; encoding?: TextEncoding }
  | { ok: false; rows: []; problems: ImportProblem[]; fingerprint: string };

export interface ImportOptions {
  /** The villages and communities of the importing township. */
  villages: readonly Village[];
  /** The derived key for ID hashes (app.keys['id-hash']). */
  idHashKey: Buffer;
  /** Default 20,000 data rows; the file size is limited by the caller before reading. */
  maxRows?: number;
  /** Passed to validateIdNumber (default true: 15-digit numbers are converted). */
  allowLegacy15?: boolean;
  now?: Date;
}

export const MAX_ROWS = 20_000;
/** A screen of problems is enough to fix a file; more are summed up in one last entry. */
export const MAX_PROBLEMS = 1_000;
const TOTAL_ROW = /^(合计|总计|小计)$/u;

/** SHA-256 of the uploaded bytes: the same file uploaded again has the same fingerprint. */
export function fileFingerprint(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * SHA-256 of the imported content, independent of row order and file format, so that the same
 * list saved again (new XLSX timestamps, CSV instead of XLSX) is recognised too. It covers the
 * keyed ID hashes, so it reveals nothing without the key.
 */
export function rowsFingerprint(rows: readonly ParsedRow[]): string {
  const lines = rows.map((r) => [r.villageCode, r.idHash, r.type, r.householdSize, r.monthlyAmountFen, r.name].join('\t')).sort();
  return crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** The template staff download: the header row only (a sample row could be imported by mistake). */
export function recipientTemplateCsv(): Buffer {
  // UTF-8 with a BOM: Excel on Windows then opens the Chinese headers correctly.
  return Buffer.from(toCsv([FIELDS.map((f) => TEMPLATE_HEADERS[f])], { recordDelimiter: '\r\n' }), 'utf8');
}

export async function parseRecipientFile(bytes: Uint8Array, options: ImportOptions): Promise<ImportResult> {
  const fingerprint = fileFingerprint(bytes);
  const fail = (problems: ImportProblem[]): ImportResult => ({ ok: false, rows: [], problems: capped(problems), fingerprint });
  const read = await readRecipientFile(bytes);
  if (!read.ok) return fail([read.params ? { row: 0, column: 'file', message: read.message, params: read.params } : { row: 0, column: 'file', message: read.message }]);

  const nonEmpty = read.rows.filter((r) => r.cells.some((c) => c !== null));
  const header = findHeader(nonEmpty, matchHeader);
  if (!header) return fail([{ row: 0, column: 'file', message: 'disclosure.import.no_rows' }]);
  const headerProblems = checkHeader(header);
  if (headerProblems.length > 0) return fail(headerProblems);

  // A row is empty when the six columns are: templates often come with 序号 pre-filled far below
  // the last recipient, and other columns (备注, 联系电话) are not ours to read.
  const used = [...header.columns.values()];
  const dataRows = nonEmpty.filter(
    (r) => r.row > header.row.row && used.some((i) => (r.cells[i] ?? null) !== null) && !isTotalRow(r, header.columns),
  );
  const maxRows = options.maxRows ?? MAX_ROWS;
  if (dataRows.length === 0) return fail([{ row: 0, column: 'file', message: 'disclosure.import.no_rows' }]);
  if (dataRows.length > maxRows) {
    return fail([{ row: 0, column: 'file', message: 'disclosure.import.too_many_rows', params: { max: maxRows } }]);
  }

  const matchVillage = makeVillageMatcher(options.villages);
  const firstRowOfId = new Map<string, number>();
  const rows: ParsedRow[] = [];
  const problems: ImportProblem[] = [];
  for (const r of dataRows) {
    const cell = (f: Field): Cell => r.cells[header.columns.get(f)!] ?? null;
    const report = (column: Field, message: string, params?: ImportProblem['params']) =>
      problems.push(params ? { row: r.row, column, message, params } : { row: r.row, column, message });
    // An empty required cell gets one "required" problem and skips the field's own check.
    const required = (f: Field): boolean => {
      if (cell(f) !== null) return true;
      report(f, 'disclosure.import.required');
      return false;
    };

    const name = required('name') ? parseName(cell('name')) : undefined;
    if (name === null) report('name', 'disclosure.import.bad_name');

    let idHash: string | undefined;
    let idHashAlt = '';
    if (required('idNumber')) {
      const id = readId(cell('idNumber'), options);
      if ('reason' in id) report('idNumber', id.reason);
      else {
        ({ idHash, idHashAlt } = idNumberHashes(options.idHashKey, id.normalized));
        const first = firstRowOfId.get(idHash);
        if (first !== undefined) report('idNumber', 'disclosure.import.duplicate_id', { firstRow: first });
        else firstRowOfId.set(idHash, r.row);
      }
    }

    const size = required('householdSize') ? parseHouseholdSize(cell('householdSize')) : undefined;
    if (size === null) report('householdSize', 'disclosure.import.bad_household_size');
    const fen = required('monthlyAmount') ? parseAmountFen(cell('monthlyAmount')) : undefined;
    if (fen === null) report('monthlyAmount', 'disclosure.import.bad_amount');
    const type = required('type') ? parseType(cell('type')) : undefined;
    if (type === null) report('type', 'disclosure.import.bad_type');
    const village = required('village') ? matchVillage(cell('village')) : undefined;
    if (village === 'unknown') report('village', 'disclosure.import.unknown_village');
    if (village === 'ambiguous') report('village', 'disclosure.import.ambiguous_village');

    if (name && idHash && size && fen != null && type && village && typeof village === 'object') {
      rows.push({
        row: r.row, name, maskedName: maskName(name), idHash, idHashAlt, householdSize: size, monthlyAmountFen: fen,
        type, villageCode: village.code, villageName: village.name,
      });
    }
  }
  if (problems.length > 0) return fail(problems);
  return read.format === 'csv'
    ? { ok: true, rows, problems: [], fingerprint, format: 'csv', encoding: read.encoding }
    : { ok: true, rows, problems: [], fingerprint, format: 'xlsx' };
}

function readId(value: Cell, options: ImportOptions): { normalized: string } | { reason: string } {
  return readIdCell(value, { now: options.now, allowLegacy15: options.allowLegacy15 });
}

type Header = SheetHeader<Field>;

/** Each missing or doubled column is reported once, on the header row, not on every row. */
function checkHeader({ row, columns, duplicates }: Header): ImportProblem[] {
  const problems: ImportProblem[] = [];
  for (const f of FIELDS) {
    if (!columns.has(f)) problems.push({ row: row.row, column: f, message: 'disclosure.import.missing_column', params: { column: TEMPLATE_HEADERS[f] } });
  }
  for (const f of new Set(duplicates)) {
    problems.push({ row: row.row, column: f, message: 'disclosure.import.duplicate_column', params: { column: TEMPLATE_HEADERS[f] } });
  }
  return problems;
}

/**
 * A 合计 line under the list (sum of amounts, no ID) is part of how lists are kept; it is skipped.
 * The word may stand in the name column or in a 序号 column before it.
 */
function isTotalRow(r: SheetRow, columns: Header['columns']): boolean {
  const at = (f: Field): Cell => r.cells[columns.get(f) ?? -1] ?? null;
  const isTotal = (c: Cell | undefined): boolean => typeof c === 'string' && TOTAL_ROW.test(c.replace(/\s/gu, ''));
  return at('idNumber') === null && (at('name') === null || isTotal(at('name'))) && r.cells.some(isTotal);
}

function capped(problems: ImportProblem[]): ImportProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const more = problems.length - MAX_PROBLEMS;
  return [...problems.slice(0, MAX_PROBLEMS), { row: 0, column: 'file', message: 'disclosure.import.more_problems', params: { count: more } }];
}
