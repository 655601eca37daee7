// Turns an uploaded declaration list (CSV or XLSX, decoded by the recipient importer's
// readRecipientFile) into declarants with their relatives. All or nothing, like the recipient
// lists: every row is checked and reported by its Excel row number, and declarants come back only
// when the whole file is valid. ID numbers become keyed hashes at once; the clear number never
// leaves this function.
import crypto from 'node:crypto';
import { toCsv } from '../shared/csv.js';
import { idNumberHashes, parseName, readIdCell, findHeader, readRecipientFile, type Cell, MAX_PROBLEMS, type StoredType } from '../disclosure/index.js';
import type { Relation } from '../declarations/index.js';
import type { Position } from '../declarations/index.js';
import { DECL_FIELDS, DECL_HEADERS, RELATIVE_FIELDS, REQUIRED_FIELDS, matchDeclHeader, parseAssistanceType, parsePosition, parseRelation, type DeclField } from './columns.js';
import type { VillageResult } from './villages.js';

export interface ParsedRelative {
  row: number;
  name: string;
  relation: Relation;
  idHash: string;
  /** The hash under the other crypto profile (issue 23). */
  idHashAlt: string;
  villageCode: string;
  assistanceType: StoredType;
}

export interface ParsedDeclarant {
  /** The first row naming this declarant. */
  row: number;
  name: string;
  idHash: string;
  /** The hash under the other crypto profile (issue 23). */
  idHashAlt: string;
  position: Position;
  villageCode: string;
  relatives: ParsedRelative[];
}

export interface DeclProblem {
  /** Excel row number; 0 for the file as a whole. */
  row: number;
  column: DeclField | 'file';
  /** An i18n key (crossChecks.import.* or the recipient importer's disclosure.import.*). */
  message: string;
  params?: Record<string, string | number>;
}

export type DeclParseResult =
  | { ok: true; declarants: ParsedDeclarant[]; rowCount: number; fingerprint: string }
  | { ok: false; problems: DeclProblem[] };

export interface DeclParseOptions {
  idHashKey: Buffer;
  readVillage: (cell: Cell, anywhere?: boolean) => Promise<VillageResult>;
  maxRows?: number;
  now?: Date;
}

export const MAX_DECL_ROWS = 5_000;

/**
 * SHA-256 of the content, independent of row order and file format, so that the same list saved
 * again is recognised. It covers keyed ID hashes only, so it reveals nothing without the key.
 */
export function declarationsFingerprint(declarants: readonly ParsedDeclarant[]): string {
  const lines = declarants.flatMap((d) => [
    ['D', d.idHash, d.name, d.position, d.villageCode].join('\t'),
    ...d.relatives.map((r) => ['R', d.idHash, r.idHash, r.name, r.relation, r.villageCode, r.assistanceType].join('\t')),
  ]);
  return crypto.createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** The template: the header row only (a sample row could be imported by mistake). */
export function declarationTemplateCsv(): Buffer {
  return Buffer.from(toCsv([DECL_FIELDS.map((f) => DECL_HEADERS[f])], { recordDelimiter: '\r\n' }), 'utf8');
}

const VILLAGE_MESSAGES = { unknown: 'crossChecks.import.unknown_village', ambiguous: 'crossChecks.import.ambiguous_village', outside: 'crossChecks.import.village_outside' } as const;

export async function parseDeclarationFile(bytes: Uint8Array, options: DeclParseOptions): Promise<DeclParseResult> {
  const fail = (problems: DeclProblem[]): DeclParseResult => {
    if (problems.length <= MAX_PROBLEMS) return { ok: false, problems };
    const more = problems.length - MAX_PROBLEMS;
    return { ok: false, problems: [...problems.slice(0, MAX_PROBLEMS), { row: 0, column: 'file', message: 'disclosure.import.more_problems', params: { count: more } }] };
  };
  const read = await readRecipientFile(bytes);
  if (!read.ok) return fail([read.params ? { row: 0, column: 'file', message: read.message, params: read.params } : { row: 0, column: 'file', message: read.message }]);
  const nonEmpty = read.rows.filter((r) => r.cells.some((c) => c !== null));
  const header = findHeader(nonEmpty, matchDeclHeader);
  if (!header) return fail([{ row: 0, column: 'file', message: 'crossChecks.import.no_rows' }]);
  const headerProblems: DeclProblem[] = [
    ...REQUIRED_FIELDS.filter((f) => !header.columns.has(f)).map((f): DeclProblem => ({ row: header.row.row, column: f, message: 'disclosure.import.missing_column', params: { column: DECL_HEADERS[f] } })),
    ...[...new Set(header.duplicates)].map((f): DeclProblem => ({ row: header.row.row, column: f, message: 'disclosure.import.duplicate_column', params: { column: DECL_HEADERS[f] } })),
  ];
  if (headerProblems.length > 0) return fail(headerProblems);

  const used = [...header.columns.values()];
  const dataRows = nonEmpty.filter((r) => r.row > header.row.row && used.some((i) => (r.cells[i] ?? null) !== null));
  if (dataRows.length === 0) return fail([{ row: 0, column: 'file', message: 'crossChecks.import.no_rows' }]);
  const maxRows = options.maxRows ?? MAX_DECL_ROWS;
  if (dataRows.length > maxRows) return fail([{ row: 0, column: 'file', message: 'crossChecks.import.too_many_rows', params: { max: maxRows } }]);

  const problems: DeclProblem[] = [];
  const byHash = new Map<string, ParsedDeclarant>();
  const relativeRows = new Map<string, number>();
  // Each hash under the active profile with its twin under the other (issue 23): within one file
  // the active one identifies a person; both are stored.
  const altOf = new Map<string, string>();
  for (const r of dataRows) {
    const cell = (f: DeclField): Cell => (header.columns.has(f) ? (r.cells[header.columns.get(f)!] ?? null) : null);
    const report = (column: DeclField, message: string, params?: DeclProblem['params']) => problems.push(params ? { row: r.row, column, message, params } : { row: r.row, column, message });
    const required = (f: DeclField): boolean => {
      if (cell(f) !== null) return true;
      report(f, 'disclosure.import.required');
      return false;
    };
    const hashOf = (f: DeclField): string | undefined => {
      if (!required(f)) return undefined;
      // Read exactly as the recipient importer reads an ID cell.
      const id = readIdCell(cell(f), { now: options.now });
      if ('reason' in id) {
        report(f, id.reason);
        return undefined;
      }
      const hashes = idNumberHashes(options.idHashKey, id.normalized);
      altOf.set(hashes.idHash, hashes.idHashAlt);
      return hashes.idHash;
    };
    const villageOf = async (f: DeclField, anywhere: boolean): Promise<string | undefined> => {
      const found = await options.readVillage(cell(f), anywhere);
      if (typeof found === 'object') return found.code;
      report(f, VILLAGE_MESSAGES[found]);
      return undefined;
    };

    // The declarant.
    const name = required('declarantName') ? parseName(cell('declarantName')) : undefined;
    if (name === null) report('declarantName', 'disclosure.import.bad_name');
    const idHash = hashOf('declarantId');
    const position = required('position') ? parsePosition(cell('position')) : undefined;
    if (position === null) report('position', 'crossChecks.import.bad_position');
    const village = required('village') ? await villageOf('village', false) : undefined;

    let declarant: ParsedDeclarant | undefined;
    if (name && idHash && position && village) {
      const earlier = byHash.get(idHash);
      if (!earlier) byHash.set(idHash, (declarant = { row: r.row, name, idHash, idHashAlt: altOf.get(idHash)!, position, villageCode: village, relatives: [] }));
      else if (earlier.name !== name || earlier.position !== position || earlier.villageCode !== village) report('declarantId', 'crossChecks.import.declarant_mismatch', { firstRow: earlier.row });
      else declarant = earlier;
    }

    // The relative, when any of its columns is filled.
    if (!RELATIVE_FIELDS.some((f) => cell(f) !== null)) continue;
    const relName = required('relativeName') ? parseName(cell('relativeName')) : undefined;
    if (relName === null) report('relativeName', 'disclosure.import.bad_name');
    const relation = required('relation') ? parseRelation(cell('relation')) : undefined;
    if (relation === null) report('relation', 'crossChecks.import.bad_relation');
    const relHash = hashOf('relativeId');
    if (relHash && idHash && relHash === idHash) report('relativeId', 'crossChecks.import.relative_is_declarant');
    const relVillage = cell('relativeVillage') === null ? village : await villageOf('relativeVillage', true);
    const type = required('assistanceType') ? parseAssistanceType(cell('assistanceType')) : undefined;
    if (type === null) report('assistanceType', 'disclosure.import.bad_type');
    if (relHash && idHash) {
      const k = `${idHash}:${relHash}`;
      const first = relativeRows.get(k);
      if (first !== undefined) report('relativeId', 'crossChecks.import.duplicate_relative', { firstRow: first });
      else relativeRows.set(k, r.row);
    }
    if (declarant && relName && relation && relHash && relHash !== idHash && relVillage && type) {
      declarant.relatives.push({ row: r.row, name: relName, relation, idHash: relHash, idHashAlt: altOf.get(relHash)!, villageCode: relVillage, assistanceType: type });
    }
  }
  if (problems.length > 0) return fail(problems);
  const declarants = [...byHash.values()];
  return { ok: true, declarants, rowCount: dataRows.length, fingerprint: declarationsFingerprint(declarants) };
}
