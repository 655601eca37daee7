// Import of an exchange file (docs/exchange-format.md): all or nothing, as the roster import. Every
// row is read and checked — cells, places, the importer's scope, the key against the file's other
// rows and against what this portal holds — and the problems come back by row number; only a file
// without any problem is written.
//
// Idempotency is the API's (work-orders.ts): source system + 工单号 is the key; the same content again
// changes nothing; other content under a known key is a conflict of that row, never merged. The
// sending system's state and steps may move on: a file whose steps continue the recorded ones
// records the new ones; an older file (a beginning of them) changes nothing; steps that contradict
// them are a conflict. A new item is filed as `received` through reports' own filing; its state and
// steps elsewhere are kept in exchange_file_items (tables.ts), not replayed as transitions here.
//
// Each item is filed in its own transaction (fileReport's), so a crash half-way leaves the items
// before it filed; importing the same file again then files the rest and changes nothing else.
import { record } from '../../audit/index.js';
import { hmacHex } from '../../shared/crypto.js';
import type { Deps } from '../../shared/deps.js';
import { ancestorsOf, findRegion } from '../../regions/index.js';
import { fileReport, findReport, handlingUnitFor, type Position, type ReportInput } from '../../reports/index.js';
import type { Unit } from '../../units/index.js';
import { partnerSecretKey } from '../partners.js';
import { itemsOf, portalSystemOf } from './export.js';
import { contentHashOf, stepsStartWith, type Column, type ExchangeItem, type Step } from './format.js';
import { readExchangeFile, type FileProblem } from './read-file.js';
import { readItem } from './format.js';
import { codesByLabel } from './labels.js';
import * as repo from './repository.js';

/** A problem of the file, by row (0: the whole file); `message` is a key under exchange.file.errors. */
export type ImportProblem = FileProblem;

/** A screen of problems is enough to fix a file; more are summed up in one last entry. */
export const MAX_PROBLEMS = 1_000;
/** A moment this far ahead of our clock is clock skew; further is a mistake. */
const SKEW_MS = 5 * 60_000;

export interface Importer {
  /** The staff member importing (the route), or null (the command line). */
  staffId: number | null;
  /** Handling units the importer may file into (their unit and those below); null: any. */
  unitIds: ReadonlySet<number> | null;
}

export type ImportOutcome =
  | { ok: false; problems: ImportProblem[] }
  | { ok: true; format: 'csv' | 'xlsx' | 'json'; items: number; created: number; updated: number; unchanged: number; createdCases: { reportId: number; caseNo: string }[] };

/** The new cases an import names on its page (with links); the rest are only counted. */
export const LISTED_NEW_CASES = 50;

type Plan =
  | { kind: 'create'; row: number; item: ExchangeItem; input: ReportInput; hash: string; claimId: number | null }
  | { kind: 'update'; row: number; item: ExchangeItem; id: number; expected: string }
  | { kind: 'unchanged'; row: number };

/** The report fields of an item whose place holds by parent links, or a problem key. */
async function reportInputOf(deps: Deps, item: ExchangeItem, places: Map<string, { county: string; township: string } | null>): Promise<ReportInput | null> {
  const place = await placeOf(deps, item.placeCode, places);
  if (!place) return null;
  return {
    category: item.category,
    placeCode: item.placeCode,
    placeOther: item.placeText,
    countyCode: place.county,
    townshipCode: place.township,
    subjectName: item.subjectName,
    subjectPosition: item.subjectPosition as Position | null,
    subjectIsHead: item.subjectIsHead,
    description: item.text,
    happenedAt: item.happenedAt,
    // The format carries no identity: an imported item is anonymous here (docs/exchange-format.md).
    identity: null,
  };
}

/** The county and township of a township or village code, looked up once per file; null when it is neither. */
async function placeOf(deps: Deps, code: string, places: Map<string, { county: string; township: string } | null>): Promise<{ county: string; township: string } | null> {
  if (!places.has(code)) {
    const place = await findRegion(deps.db, code);
    let found: { county: string; township: string } | null = null;
    if (place && (place.level === 'township' || place.level === 'village')) {
      const chain = await ancestorsOf(deps.db, place.code);
      const county = chain.find((r) => r.level === 'county');
      const township = chain.find((r) => r.level === 'township');
      if (county && township) found = { county: county.code, township: township.code };
    }
    places.set(code, found);
  }
  return places.get(code) ?? null;
}

/** Places and handling units looked up once per file. */
interface Lookups {
  places: Map<string, { county: string; township: string } | null>;
  units: Map<string, Unit | null>;
}

const sameSteps = (a: readonly Step[], b: readonly Step[]) => a.length === b.length && stepsStartWith(a, b);

/** What importing this item would do, or the problem of its row. */
async function planItem(deps: Deps, importer: Importer, row: number, item: ExchangeItem, cache: Lookups, now: number): Promise<Plan | Omit<ImportProblem, 'row'>> {
  const input = await reportInputOf(deps, item, cache.places);
  if (!input) return { column: 'place_code', message: 'unknown_place', params: { code: item.placeCode } };
  // The unit depends on the county and the subject's level only: found once per file for each.
  const unitKey = JSON.stringify([input.countyCode, input.subjectPosition, input.subjectIsHead]);
  if (!cache.units.has(unitKey)) cache.units.set(unitKey, await handlingUnitFor(deps, input.countyCode, input).catch(() => null));
  const unit = cache.units.get(unitKey) ?? null;
  if (!unit) return { column: 'place_code', message: 'no_unit', params: { code: item.placeCode } };
  if (importer.unitIds && !importer.unitIds.has(unit.id)) return { column: 'place_code', message: 'out_of_scope', params: { unit: unit.name } };
  const hash = contentHashOf(item);
  const known = await repo.findFileItem(deps.db, item.sourceSystem, item.workOrderNo);
  if (known) {
    if (known.contentHash !== hash) return { column: 'work_order_no', message: 'conflict', params: { key: `${item.sourceSystem} ${item.workOrderNo}` } };
    // A claim whose filing died: the same content files it now (the nonce keeps it to one report).
    if (known.reportId === null) return { kind: 'create', row, item, input, hash, claimId: known.id };
    const stored = JSON.parse(known.originSteps) as Step[];
    if (sameSteps(item.steps, stored) && item.status === known.originStatus) return { kind: 'unchanged', row };
    if (stepsStartWith(item.steps, stored)) return { kind: 'update', row, item, id: known.id, expected: known.originSteps };
    // An older file: every one of its steps is recorded already.
    if (stepsStartWith(stored, item.steps)) return { kind: 'unchanged', row };
    return { column: 'steps', message: 'steps_conflict', params: { key: `${item.sourceSystem} ${item.workOrderNo}` } };
  }
  // A partner's work order that came through the API: the same rule against the report it became.
  const apiReport = await repo.workOrderReportId(deps.db, item.sourceSystem, item.workOrderNo);
  if (apiReport !== null) {
    const report = await findReport(deps.db, apiReport);
    const [held] = report ? await itemsOf(deps.db, deps.config, [report]) : [];
    if (!held || contentHashOf(held) !== hash) return { column: 'work_order_no', message: 'conflict', params: { key: `${item.sourceSystem} ${item.workOrderNo}` } };
    return { kind: 'unchanged', row };
  }
  return { kind: 'create', row, item, input, hash, claimId: null };
}

/** Checks the whole file; writes only when no row has a problem. */
export async function importExchangeFile(deps: Deps, importer: Importer, bytes: Uint8Array, now = Date.now()): Promise<ImportOutcome> {
  const read = await readExchangeFile(bytes);
  if (!read.ok) return { ok: false, problems: capped(read.problems) };
  const problems: ImportProblem[] = [];
  const plans: Plan[] = [];
  const firstRowOfKey = new Map<string, number>();
  const cache: Lookups = { places: new Map(), units: new Map() };
  const labels = codesByLabel();
  const ownSystem = portalSystemOf(deps.config);
  let ownRows = 0;
  for (const record of read.records) {
    // Every cell check of a row at once, future moments included, so one round of fixes is enough.
    const parsed = readItem(record.cells, { labels, latest: now + SKEW_MS });
    if (String(record.cells.source_system ?? '').trim() === ownSystem) {
      ownRows += 1;
      problems.push({ row: record.row, column: 'source_system', message: 'own_item' });
      continue;
    }
    if (!parsed.item) {
      for (const p of parsed.problems) problems.push({ row: record.row, ...p });
      // A well-formed place is checked too, so that one round of fixes is enough.
      const code = String(record.cells.place_code ?? '').trim();
      if (!parsed.problems.some((p) => p.column === 'place_code') && /^[0-9]{9}([0-9]{3})?$/.test(code) && !(await placeOf(deps, code, cache.places))) {
        problems.push({ row: record.row, column: 'place_code', message: 'unknown_place', params: { code } });
      }
      continue;
    }
    const item = parsed.item;
    const key = JSON.stringify([item.sourceSystem, item.workOrderNo]);
    const first = firstRowOfKey.get(key);
    if (first !== undefined) {
      problems.push({ row: record.row, column: 'work_order_no', message: 'duplicate_key', params: { firstRow: first } });
      continue;
    }
    firstRowOfKey.set(key, record.row);
    const plan = await planItem(deps, importer, record.row, item, cache, now);
    if ('kind' in plan) plans.push(plan);
    else problems.push({ row: record.row, ...plan });
  }
  // This portal's own export uploaded back (its own items, and others' it holds already unchanged):
  // one word for the file, not one a row.
  if (ownRows > 0 && problems.length === ownRows && plans.every((p) => p.kind === 'unchanged')) return { ok: false, problems: [{ row: 0, column: null, message: 'own_file' }] };
  if (problems.length > 0) return { ok: false, problems: capped(problems) };

  let created = 0;
  let updated = 0;
  const createdCases: { reportId: number; caseNo: string }[] = [];
  for (const plan of plans) {
    if (plan.kind === 'create') {
      const filed = await fileItem(deps, importer, plan, now);
      if (filed && createdCases.length < LISTED_NEW_CASES) createdCases.push(filed);
      created += 1;
    } else if (plan.kind === 'update') {
      if (!(await repo.advanceFileItem(deps.db, plan.id, plan.expected, plan.item.status, JSON.stringify(plan.item.steps), now))) throw new Error(`exchange file item ${plan.id} changed while importing`);
      updated += 1;
    }
  }
  const unchanged = plans.length - created - updated;
  await record(deps.db, deps.keys['audit-mac'], {
    actor: importer.staffId !== null ? { type: 'staff', id: importer.staffId } : { type: 'system' },
    action: 'exchange.file.import',
    object: { type: 'exchange_file', id: 0 },
    detail: { format: read.format, items: plans.length, created, updated, unchanged },
  }, now);
  return { ok: true, format: read.format, items: plans.length, created, updated, unchanged, createdCases };
}

/** Files a new item; its report's id and case number, or null when another import filed it meanwhile. */
async function fileItem(deps: Deps, importer: Importer, plan: Extract<Plan, { kind: 'create' }>, now: number): Promise<{ reportId: number; caseNo: string } | null> {
  const { item } = plan;
  let id = plan.claimId;
  if (id === null) {
    const row = { sourceSystem: item.sourceSystem, workOrderNo: item.workOrderNo, contentHash: plan.hash, originStatus: item.status, originSteps: JSON.stringify(item.steps), originCaseNo: item.caseNo, createdAt: now, updatedAt: now };
    await repo.claimFileItem(deps.db, row);
    const held = (await repo.findFileItem(deps.db, item.sourceSystem, item.workOrderNo))!;
    // Another import claimed it meanwhile with other content: refused as the check would have.
    if (held.contentHash !== plan.hash) throw new Error(`row ${plan.row}: ${item.sourceSystem} ${item.workOrderNo} was imported meanwhile with other content`);
    if (held.reportId !== null) return null;
    id = held.id;
  }
  // The same for every import of this key, unknown outside: fileReport files it once however often it runs.
  const nonce = hmacHex(partnerSecretKey(deps.keys), `file-item:${item.sourceSystem}:${item.workOrderNo}`);
  let reportId: number;
  let caseNo: string;
  try {
    const filed = await fileReport(deps, plan.input, [], {
      channel: item.channel,
      nonce,
      ...(importer.staffId !== null ? { staffId: importer.staffId } : {}),
      source: item.source,
      sourceRef: item.sourceRef,
      receivedAt: item.receivedAt,
      now,
    });
    reportId = filed.report.id;
    caseNo = filed.report.caseNo;
  } catch (err) {
    await repo.dropUnfiledFileItem(deps.db, id);
    throw err;
  }
  await repo.setFileItemReport(deps.db, id, reportId);
  return { reportId, caseNo };
}

function capped(problems: ImportProblem[]): ImportProblem[] {
  const sorted = [...problems].sort((a, b) => a.row - b.row);
  if (sorted.length <= MAX_PROBLEMS) return sorted;
  return [...sorted.slice(0, MAX_PROBLEMS), { row: 0, column: null, message: 'more_problems', params: { count: sorted.length - MAX_PROBLEMS } }];
}

export type { Column };
