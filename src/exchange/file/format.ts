// The exchange file layout (docs/exchange-format.md), version 1: one item a row, the same columns in
// CSV, XLSX and JSON. This module turns an item into cells and cells back into an item, checking each
// cell; it knows no database. No reporter identity, no evidence and no staff-internal step is a column.
import crypto from 'node:crypto';
import { CATEGORIES, CHANNELS, POSITION_CODES, STATUSES, type Category, type Channel, type Status } from '../../reports/index.js';

export const FORMAT_NAME = 'sunshine-exchange';
export const FORMAT_VERSION = 1;

export const COLUMNS = [
  'source_system',
  'work_order_no',
  'case_no',
  'source',
  'source_ref',
  'channel',
  'received_at',
  'category',
  'place_code',
  'place_text',
  'subject_name',
  'subject_position',
  'subject_is_head',
  'happened_at',
  'text',
  'status',
  'steps',
] as const;
export type Column = (typeof COLUMNS)[number];

/**
 * 来源 as casework records it (src/reports/casework/intake.ts SOURCES, not on the reports door): a
 * call, visit or letter straight to the office, or forwarded by 12345, the 信访局 or a higher office.
 */
export const SOURCES = ['call', 'visit', 'letter', 'hotline_12345', 'xinfang_bureau', 'superior', 'other'] as const;
export type Source = (typeof SOURCES)[number];

/**
 * The public steps of the life cycle the format carries (type and moment only: never a message, a
 * reason, an answer's text, a person or a unit). Internal steps (notes, drafts, returned drafts,
 * extension requests, hastenings) are never exported.
 */
export const STEP_TYPES = [
  'received',
  'accepted',
  'rejected',
  'merged',
  'assigned',
  'investigating',
  'extension',
  'referred',
  'referral_outcome',
  'transferred',
  'transfer_outcome',
  'concluded',
  'rectifying',
  'closed',
  'withdrawn',
  'review_requested',
  'hearing_started',
  'hearing_ended',
  'review_answer',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

export interface Step {
  type: StepType;
  at: number;
}

/** One item of the format, as the code holds it (moments in milliseconds). */
export interface ExchangeItem {
  sourceSystem: string;
  workOrderNo: string;
  caseNo: string | null;
  source: Source | null;
  sourceRef: string | null;
  channel: Channel;
  receivedAt: number;
  category: Category;
  placeCode: string;
  placeText: string | null;
  subjectName: string | null;
  subjectPosition: string | null;
  subjectIsHead: boolean;
  happenedAt: string | null;
  text: string;
  status: Status;
  steps: Step[];
}

export const LIMITS = { sourceSystem: 80, workOrderNo: 50, caseNo: 30, sourceRef: 50, placeText: 200, subjectName: 40, happenedAt: 50, text: 5000 };

// ---------------------------------------------------------------------------------------------
// Moments: ISO 8601 in China time (+08:00), milliseconds only when there are some.

const CST_MS = 8 * 3600_000;
// ISO 8601, or as a clerk types it: 2026-12-07 09:30 or 2026/12/07 9:30 (China time without an offset).
const MOMENT = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

export function formatMoment(ms: number): string {
  const iso = new Date(ms + CST_MS).toISOString();
  return `${iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23)}+08:00`;
}

/** A moment as written in a file: with an offset, or without one in China time; null when unreadable. */
export function parseMoment(value: string): number | null {
  const m = MOMENT.exec(value.trim());
  if (!m) return null;
  const [, y, , moRaw, dRaw, hRaw, mi, s = '00', frac = '0', zone] = m;
  const [mo, d, h] = [moRaw!.padStart(2, '0'), dRaw!.padStart(2, '0'), hRaw!.padStart(2, '0')];
  const offset = !zone ? '+08:00' : zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const text = `${y}-${mo}-${d}T${h}:${mi}:${s}.${frac.padEnd(3, '0')}${offset}`;
  const ms = Date.parse(text);
  // Date.parse rolls 2026-02-30 over into March: the written date must be the parsed one.
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const back = new Date(ms + (offset === 'Z' ? 0 : offsetMs(offset)));
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() + 1 !== Number(mo)) return null;
  return ms;
}

function offsetMs(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 3600_000 + Number(offset.slice(4, 6)) * 60_000);
}

// ---------------------------------------------------------------------------------------------
// Steps: `type@moment` joined by "; " in CSV and XLSX, an array of { type, at } in JSON.

export function formatSteps(steps: readonly Step[]): string {
  return steps.map((s) => `${s.type}@${formatMoment(s.at)}`).join('; ');
}

export type StepProblem = { message: 'bad_step'; step: string } | { message: 'unknown_step'; step: string } | { message: 'steps_order'; step: string };

/** Steps from a cell (text) or a JSON array; a problem names the first step that is wrong. */
export function parseSteps(value: unknown): Step[] | StepProblem {
  if (value === null || value === undefined || value === '') return [];
  const parts: { type: unknown; at: unknown; raw: string }[] = Array.isArray(value)
    ? value.map((v) => ({ type: (v as Record<string, unknown>)?.type, at: (v as Record<string, unknown>)?.at, raw: JSON.stringify(v).slice(0, 80) }))
    : String(value)
        .split(/[;；\n]/)
        .map((s) => s.trim())
        .filter((s) => s !== '')
        .map((s) => {
          const at = s.indexOf('@');
          return at < 0 ? { type: undefined, at: undefined, raw: s } : { type: s.slice(0, at).trim(), at: s.slice(at + 1).trim(), raw: s };
        });
  const steps: Step[] = [];
  for (const p of parts) {
    if (typeof p.type !== 'string' || typeof p.at !== 'string') return { message: 'bad_step', step: p.raw };
    if (!(STEP_TYPES as readonly string[]).includes(p.type)) return { message: 'unknown_step', step: p.raw };
    const at = parseMoment(p.at);
    if (at === null) return { message: 'bad_step', step: p.raw };
    if (steps.length > 0 && at < steps[steps.length - 1]!.at) return { message: 'steps_order', step: p.raw };
    steps.push({ type: p.type as StepType, at });
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------
// Items to cells and back.

/** The cells of an item in column order: text, except `subject_is_head` (true/false) and `steps` in JSON. */
export function itemCells(item: ExchangeItem): Record<Column, string> {
  return {
    source_system: item.sourceSystem,
    work_order_no: item.workOrderNo,
    case_no: item.caseNo ?? '',
    source: item.source ?? '',
    source_ref: item.sourceRef ?? '',
    channel: item.channel,
    received_at: formatMoment(item.receivedAt),
    category: item.category,
    place_code: item.placeCode,
    place_text: item.placeText ?? '',
    subject_name: item.subjectName ?? '',
    subject_position: item.subjectPosition ?? '',
    subject_is_head: item.subjectIsHead ? 'true' : 'false',
    happened_at: item.happenedAt ?? '',
    text: item.text,
    status: item.status,
    steps: formatSteps(item.steps),
  };
}

/** An item as the JSON form writes it: the same names, `subject_is_head` a boolean, `steps` an array, empty cells null. */
export function itemJson(item: ExchangeItem): Record<Column, unknown> {
  const cells = itemCells(item);
  const out = {} as Record<Column, unknown>;
  for (const c of COLUMNS) out[c] = cells[c] === '' ? null : cells[c];
  out.subject_is_head = item.subjectIsHead;
  out.steps = item.steps.map((s) => ({ type: s.type, at: formatMoment(s.at) }));
  return out;
}

/** A problem with one cell: its column and an i18n key under exchange.file.errors, with parameters. */
export interface CellProblem {
  column: Column;
  message: string;
  params?: Record<string, string | number>;
}

const KEY_TEXT = /^[^\u0000-\u001f\u007f/\\]+$/u;
const SYSTEM_TEXT = /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;
const TRUE = new Set(['true', '1', 'yes', '是', 'y']);
const FALSE = new Set(['false', '0', 'no', '否', 'n', '']);

const chars = (s: string) => [...s].length;

/**
 * An item from one row's cells (column name → raw value: text, a number, a boolean, an array for
 * JSON steps, null when empty), or the problems of its cells. Places are checked later, against the
 * database (import.ts).
 */
export interface ReadOptions {
  /** Label → code of the coded columns (labels.ts): a label is read as its code. */
  labels?: Partial<Record<Column, ReadonlyMap<string, string>>>;
  /** Moments later than this are a problem of their row, checked with the row's other cells. */
  latest?: number;
}

export function readItem(raw: Partial<Record<Column, unknown>>, options: ReadOptions = {}): { item: ExchangeItem; problems: [] } | { item: null; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const text = (c: Column): string => {
    const v = raw[c];
    if (v === null || v === undefined) return '';
    return (typeof v === 'string' ? v : String(v)).replace(/\r\n?/g, '\n').trim();
  };
  const bad = (column: Column, message: string, params?: Record<string, string | number>) => problems.push(params ? { column, message, params } : { column, message });
  const required = (c: Column): string | null => {
    const v = text(c);
    if (v === '') {
      bad(c, 'required');
      return null;
    }
    if (CONTROL.test(v)) {
      bad(c, 'control_character');
      return null;
    }
    return v;
  };
  const optional = (c: Column, max: number): string | null => {
    const v = text(c);
    if (v === '') return null;
    if (chars(v) > max) bad(c, 'too_long', { max });
    else if (CONTROL.test(v)) bad(c, 'control_character');
    return v;
  };
  const oneOf = <T extends string>(c: Column, values: readonly T[], value: string | null): T | null => {
    if (value === null) return null;
    if ((values as readonly string[]).includes(value)) return value as T;
    const coded = options.labels?.[c]?.get(value.trim().toLowerCase());
    if (coded !== undefined && (values as readonly string[]).includes(coded)) return coded as T;
    bad(c, 'not_one_of', { value: value.slice(0, 40), allowed: values.join(', ') });
    return null;
  };

  const sourceSystem = required('source_system');
  if (sourceSystem !== null && (chars(sourceSystem) > LIMITS.sourceSystem || !SYSTEM_TEXT.test(sourceSystem))) bad('source_system', 'bad_source_system', { max: LIMITS.sourceSystem });
  const workOrderNo = required('work_order_no');
  if (workOrderNo !== null && (chars(workOrderNo) > LIMITS.workOrderNo || !KEY_TEXT.test(workOrderNo))) bad('work_order_no', 'bad_work_order_no', { max: LIMITS.workOrderNo });
  const caseNo = optional('case_no', LIMITS.caseNo);
  const source = oneOf('source', SOURCES, text('source') || null);
  const sourceRef = optional('source_ref', LIMITS.sourceRef);
  const channel = oneOf('channel', CHANNELS, required('channel'));
  const receivedText = required('received_at');
  const receivedAt = receivedText === null ? null : parseMoment(receivedText);
  if (receivedText !== null && receivedAt === null) bad('received_at', 'bad_moment', { value: receivedText.slice(0, 40) });
  else if (receivedAt !== null && options.latest !== undefined && receivedAt > options.latest) bad('received_at', 'future_moment', { value: shortMoment(receivedAt) });
  const category = oneOf('category', CATEGORIES, required('category'));
  const placeCode = required('place_code');
  if (placeCode !== null && !/^[0-9]{9}([0-9]{3})?$/.test(placeCode)) bad('place_code', 'bad_place_code');
  const placeText = optional('place_text', LIMITS.placeText);
  const subjectName = optional('subject_name', LIMITS.subjectName);
  const subjectPosition = oneOf('subject_position', POSITION_CODES, text('subject_position') || null);
  const headText = text('subject_is_head').toLowerCase();
  const subjectIsHead = raw.subject_is_head === true ? true : raw.subject_is_head === false ? false : TRUE.has(headText) ? true : FALSE.has(headText) ? false : null;
  if (subjectIsHead === null) bad('subject_is_head', 'bad_boolean');
  const happenedAt = optional('happened_at', LIMITS.happenedAt);
  const body = required('text');
  if (body !== null && chars(body) > LIMITS.text) bad('text', 'too_long', { max: LIMITS.text });
  const status = oneOf('status', STATUSES, required('status'));
  const steps = parseSteps(raw.steps);
  if (!Array.isArray(steps)) bad('steps', steps.message, { step: steps.step });
  else {
    const late = options.latest === undefined ? undefined : steps.find((st) => st.at > options.latest!);
    // Named as the file writes a step (步骤@时间): a cell may hold several, and the clerk fixes that one.
    if (late) bad('steps', 'step_future', { step: `${late.type}@${shortMoment(late.at)}` });
  }

  if (problems.length > 0) return { item: null, problems };
  return {
    item: {
      sourceSystem: sourceSystem!,
      workOrderNo: workOrderNo!,
      caseNo,
      source,
      sourceRef,
      channel: channel!,
      receivedAt: receivedAt!,
      category: category!,
      placeCode: placeCode!,
      placeText,
      subjectName,
      subjectPosition,
      subjectIsHead: subjectIsHead!,
      happenedAt,
      text: body!,
      status: status!,
      steps: steps as Step[],
    },
    problems: [],
  };
}

/** A moment as a clerk reads it: 2027-01-06 08:00 (China time). */
export function shortMoment(ms: number): string {
  return new Date(ms + CST_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The hash of what an item says (not its key, case number, state or steps): the same item hashes the
 * same from any file form; another text, place or moment under the same key is a conflict.
 */
export function contentHashOf(item: ExchangeItem): string {
  const content = [item.source, item.sourceRef, item.channel, item.receivedAt, item.category, item.placeCode, item.placeText, item.subjectName, item.subjectPosition, item.subjectIsHead, item.happenedAt, item.text];
  return crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Whether `a`'s steps begin with all of `b`'s (same types, same moments, same order). */
export function stepsStartWith(a: readonly Step[], b: readonly Step[]): boolean {
  return b.length <= a.length && b.every((s, i) => a[i]!.type === s.type && a[i]!.at === s.at);
}
