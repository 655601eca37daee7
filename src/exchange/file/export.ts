// Export of items in the exchange file format: which reports (scope and receipt window), each as an
// item (its key, its content, its public steps), and the three forms written batch by batch.
//
// An item's key is the one of the system that numbered it: a partner's work order keeps the partner
// key and its 工单号; an item imported from a file keeps the source system and 工单号 it came with,
// and its steps from there come first; anything else (filed on the web, logged by staff) is this
// portal's own, keyed by `sunshine:<BASE_URL host>` and its case number.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Config } from '../../config.js';
import type { Executor } from '../../db/executor.js';
import { eventsOf, findReports, reportCount, STATUSES, type Report, type Status } from '../../reports/index.js';
import { toCsv } from '../../shared/csv.js';
import { COLUMNS, FORMAT_NAME, FORMAT_VERSION, formatMoment, itemCells, itemJson, STEP_TYPES, type ExchangeItem, type Source, type Step, type StepType } from './format.js';
import { fileItemsOfReports, workOrderKeysOfReports } from './repository.js';

/** The most items one export writes; beyond it the receipt window is to be narrowed. */
export const EXPORT_MAX_ITEMS = 50_000;
const BATCH = 500;
/** Ids are walked in blocks; this many empty blocks in a row end the walk (a sequence never leaves such a gap). */
const EMPTY_BLOCKS_AT_END = 200;

export type ExportFormat = 'csv' | 'xlsx' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx', 'json'];

/** This portal's name as a source system, for the items it numbered itself. */
export function portalSystemOf(config: Pick<Config, 'baseUrl'>): string {
  return `sunshine:${new URL(config.baseUrl).host}`;
}

export interface ExportFilter {
  /** Handling units whose reports are exported (a unit and those it supervises); null: every unit. */
  unitIds: ReadonlySet<number> | null;
  /** A staff user's own visibility (recusal included), applied to each block: the route passes it. */
  visible?: (ids: readonly number[]) => Promise<Set<number>>;
  /** Receipt window, milliseconds, `from` included, `to` excluded. */
  from: number | null;
  to: number | null;
}

/**
 * The ids of the reports to export, oldest id first. Reports are read in blocks of ids through the
 * reports door (it has no listing by unit and window), filtered here; the walk stops once it has
 * seen as many reports as there were when it began.
 */
export async function exportReportIds(db: Executor, filter: ExportFilter): Promise<number[]> {
  const total = await reportCount(db);
  const ids: number[] = [];
  let seen = 0;
  let empty = 0;
  for (let start = 1; seen < total && empty < EMPTY_BLOCKS_AT_END; start += BATCH) {
    const block = await findReports(db, Array.from({ length: BATCH }, (_, i) => start + i));
    empty = block.length === 0 ? empty + 1 : 0;
    seen += block.length;
    let chosen = block.filter(
      (r) => (filter.unitIds === null || filter.unitIds.has(r.handlingUnitId)) && (filter.from === null || r.receivedAt >= filter.from) && (filter.to === null || r.receivedAt < filter.to),
    );
    if (filter.visible && chosen.length > 0) {
      const visible = await filter.visible(chosen.map((r) => r.id));
      chosen = chosen.filter((r) => visible.has(r.id));
    }
    ids.push(...chosen.map((r) => r.id).sort((a, b) => a - b));
  }
  return ids;
}

const STEP_SET = new Set<string>(STEP_TYPES);

/** The report's own public steps (visible to the reporter, of the format's types), type and moment only. */
async function ownSteps(db: Executor, reportId: number): Promise<Step[]> {
  return (await eventsOf(db, reportId, true)).filter((e) => STEP_SET.has(e.type)).map((e) => ({ type: e.type as StepType, at: e.at }));
}

/** The items of a batch of reports, in the order given. */
export async function itemsOf(db: Executor, config: Pick<Config, 'baseUrl'>, reports: readonly Report[]): Promise<ExchangeItem[]> {
  const ids = reports.map((r) => r.id);
  const fileItems = await fileItemsOfReports(db, ids);
  const workOrders = await workOrderKeysOfReports(db, ids);
  const portal = portalSystemOf(config);
  const items: ExchangeItem[] = [];
  for (const r of reports) {
    const own = await ownSteps(db, r.id);
    const fileItem = fileItems.get(r.id);
    const workOrder = workOrders.get(r.id);
    let key = { sourceSystem: portal, workOrderNo: r.caseNo };
    let steps = own;
    let status = r.status as Status;
    if (fileItem) {
      key = { sourceSystem: fileItem.sourceSystem, workOrderNo: fileItem.workOrderNo };
      // The sending system's steps, then this portal's after its own filing ('received' is the import itself).
      steps = [...(JSON.parse(fileItem.originSteps) as Step[]), ...own.slice(own[0]?.type === 'received' ? 1 : 0)];
      if (r.status === 'received' && (STATUSES as readonly string[]).includes(fileItem.originStatus)) status = fileItem.originStatus as Status;
    } else if (workOrder) {
      key = { sourceSystem: workOrder.partnerKey, workOrderNo: workOrder.workOrderNo };
    }
    items.push({
      ...key,
      caseNo: r.caseNo,
      source: (r.source as Source | null) ?? null,
      sourceRef: r.sourceRef,
      channel: r.channel as ExchangeItem['channel'],
      receivedAt: r.receivedAt,
      category: r.category as ExchangeItem['category'],
      placeCode: r.placeCode,
      placeText: r.placeOther,
      subjectName: r.subjectName,
      subjectPosition: r.subjectPosition,
      subjectIsHead: r.subjectIsHead,
      happenedAt: r.happenedAt,
      text: r.description,
      status,
      steps,
    });
  }
  return items;
}

/** The items of these reports, a batch at a time, in id order. */
export async function* itemBatches(db: Executor, config: Pick<Config, 'baseUrl'>, ids: readonly number[]): AsyncGenerator<ExchangeItem[]> {
  for (let i = 0; i < ids.length; i += BATCH) {
    const part = ids.slice(i, i + BATCH);
    const byId = new Map((await findReports(db, part)).map((r) => [r.id, r]));
    yield itemsOf(db, config, part.map((id) => byId.get(id)).filter((r): r is Report => r !== undefined));
  }
}

// ---------------------------------------------------------------------------------------------
// Writers. Each waits for `out` to drain between batches and stops when the download is cancelled.

async function drained(out: Writable): Promise<boolean> {
  if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  return !out.destroyed;
}

/**
 * A spreadsheet program runs a cell starting with = + - @ (or tab, CR) as a formula; such a cell is
 * written with a leading apostrophe (shared/csv.ts), and so is a cell that already starts with
 * apostrophes before one of those characters, so that the import can take exactly one away again.
 */
export function protectCell(value: string): string {
  return /^'*[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
}
export function unprotectCell(value: string): string {
  return /^'+[=+\-@\t\r]/u.test(value) ? value.slice(1) : value;
}

function write(out: Writable, text: string): void {
  out.write(text);
}

export async function writeCsv(out: Writable, batches: AsyncIterable<ExchangeItem[]>): Promise<number> {
  let n = 0;
  write(out, toCsv([[...COLUMNS]], { recordDelimiter: '\r\n' }));
  for await (const items of batches) {
    // Already protected; toCsv's own check then finds nothing left to change.
    write(out, toCsv(items.map((item) => COLUMNS.map((c) => protectCell(itemCells(item)[c]))), { bom: false, recordDelimiter: '\r\n' }));
    n += items.length;
    if (!(await drained(out))) return n;
  }
  out.end();
  return n;
}

export async function writeJson(out: Writable, batches: AsyncIterable<ExchangeItem[]>, now = Date.now()): Promise<number> {
  let n = 0;
  write(out, `{"format":${JSON.stringify(FORMAT_NAME)},"version":${FORMAT_VERSION},"exportedAt":${JSON.stringify(formatMoment(now))},"items":[`);
  for await (const items of batches) {
    for (const item of items) write(out, `${n++ === 0 ? '\n' : ',\n'}${JSON.stringify(itemJson(item))}`);
    if (!(await drained(out))) return n;
  }
  write(out, '\n]}\n');
  out.end();
  return n;
}

/**
 * XLSX through exceljs's streaming WorkbookWriter (each row leaves memory when committed, inline
 * strings). Every cell is a string in the Text format ('@'): no formula, and a moment stays exactly as written.
 */
export async function writeXlsx(out: Writable, batches: AsyncIterable<ExchangeItem[]>, now = new Date()): Promise<number> {
  // Loaded on first use: exceljs costs ≈ 0.5 s and ≈ 20 MB at start (bench/findings.md).
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.created = now;
  const sheet = workbook.addWorksheet('items', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c, key: c, width: c === 'text' ? 60 : c === 'steps' ? 50 : 20, style: { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  let n = 0;
  for await (const items of batches) {
    for (const item of items) {
      const cells = itemCells(item);
      sheet.addRow(COLUMNS.map((c) => cells[c])).commit();
      n += 1;
    }
    if (!(await drained(out))) return n;
  }
  sheet.commit();
  await workbook.commit();
  return n;
}

export async function writeExport(format: ExportFormat, out: Writable, batches: AsyncIterable<ExchangeItem[]>): Promise<number> {
  if (format === 'csv') return writeCsv(out, batches);
  if (format === 'json') return writeJson(out, batches);
  return writeXlsx(out, batches);
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};
