// Intake as 信访 and 12345 work (issue 19 item 12): where a report staff log came from (来源, with the
// forwarding body's 来文号), the day the office actually received it (the legal clocks run from it),
// and the repeat-complaint hint shown to intake. The hint only lists; merging stays the clerk's step.
import { parseDateInput } from '../../shared/date-input.js';
import type { Db } from '../../db/connection.js';
import type { StaffContext } from '../../plugins/auth.js';
import { addDays, todayInChina } from '../../clocks/index.js';
import { LOCALES } from '../../config.js';
import type { Channel } from '../catalog.js';
import type { Report } from '../repository.js';
import { scopeOf } from './scope.js';
import { repeatCandidates } from './repository/repeats.js';

/** 来源: straight to the office by call, visit or letter, or forwarded by 12345, the 信访局 or a higher office. */
export const SOURCES = ['call', 'visit', 'letter', 'hotline_12345', 'xinfang_bureau', 'superior', 'other'] as const;
export type Source = (typeof SOURCES)[number];

/** Sources that come with the forwarding body's document number (来文号, 12345 工单号). */
export const FORWARDED: readonly Source[] = ['hotline_12345', 'xinfang_bureau', 'superior'];

/**
 * The channel stored beside the source, for the statistics and the inbox's channel filter, which know
 * only online/phone/visit/letter: a 12345 work order began as a call to the hotline; a forwarding
 * document, and anything else, reached the office in writing.
 */
const CHANNEL_OF: Record<Source, Channel> = { call: 'phone', visit: 'visit', letter: 'letter', hotline_12345: 'phone', xinfang_bureau: 'letter', superior: 'letter', other: 'letter' };
/** A form from before the source was asked posts only the channel. */
const SOURCE_OF_CHANNEL: Record<string, Source> = { phone: 'call', visit: 'visit', letter: 'letter' };

/**
 * How far back a receipt date may lie. A letter or work order logged later than this should not have
 * waited that long; a clerk entering an old one is more likely mistyping the year, and its 15 日
 * (信访工作条例 art. 22) would already be long past.
 */
export const RECEIPT_MAX_AGE_DAYS = 60;
export const SOURCE_REF_MAX = 50;

export interface IntakeFacts {
  source: Source;
  channel: Channel;
  sourceRef: string | null;
  /** When the office received it: now when that is today, else the start of that day in China. */
  receivedAt: number;
}

/**
 * The intake fields of the logging form, checked: `value` when all are sound, else the field errors
 * (message keys). A missing receipt date (an older form) means today; an emptied one is an error.
 */
export function readIntake(f: Record<string, string | undefined>, now = Date.now()): { value: IntakeFacts | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  let source: Source | undefined;
  if (f.source !== undefined) {
    if ((SOURCES as readonly string[]).includes(f.source)) source = f.source as Source;
    else errors.source = 'casework.log.source_required';
  } else if (f.channel !== undefined && SOURCE_OF_CHANNEL[f.channel]) source = SOURCE_OF_CHANNEL[f.channel];
  else errors.source = 'casework.log.channel_required';

  const ref = (f.source_ref ?? '').trim();
  let sourceRef: string | null = null;
  if (source && FORWARDED.includes(source)) {
    if (!ref) errors.source_ref = 'casework.log.source_ref_required';
    else if ([...ref].length > SOURCE_REF_MAX) errors.source_ref = 'casework.log.source_ref_too_long';
    else sourceRef = ref;
  }

  const today = todayInChina(new Date(now));
  let receivedAt = now;
  if (f.received_on !== undefined) {
    // 2026-12-07, 2026/12/7, 2026年12月7日 … as one parser reads them everywhere (issue 19 item 15).
    const day = parseDateInput(f.received_on) ?? '';
    if (!f.received_on.trim()) errors.received_on = 'casework.log.received_on_required';
    else if (!day) errors.received_on = 'casework.log.received_on_invalid';
    else if (day > today) errors.received_on = 'casework.log.received_on_future';
    else if (day < addDays(today, -RECEIPT_MAX_AGE_DAYS)) errors.received_on = 'casework.log.received_on_too_old';
    else if (day < today) receivedAt = Date.parse(`${day}T00:00:00+08:00`);
  }
  if (!source || Object.keys(errors).length > 0) return { value: null, errors };
  return { value: { source, channel: CHANNEL_OF[source], sourceRef, receivedAt }, errors };
}

/** What the logging form's intake fields need: the choices, and the date limits for the picker. */
export function intakeFormContext(now = Date.now()) {
  const today = todayInChina(new Date(now));
  return { sources: SOURCES, forwardedSources: FORWARDED, receivedMin: addDays(today, -RECEIPT_MAX_AGE_DAYS), receivedMax: today, sourceRefMax: SOURCE_REF_MAX, smsLocales: LOCALES };
}

// ---------------------------------------------------------------------------------------------
// Repeat-complaint hint

/** Same village and category within this many days: the villager (or the village) complaining again. */
export const REPEAT_PLACE_DAYS = 90;
/** Same subject name or very similar text: looked for this far back. */
export const REPEAT_ANY_DAYS = 365;
/** At most this many of the county's reports are compared (newest first), so the hint stays cheap. */
const REPEAT_SCAN = 500;
/** Dice coefficient of character bigrams above which two texts are "very similar". */
const TEXT_SIMILAR = 0.5;

export type RepeatReason = 'place_category' | 'subject' | 'text';
export interface RepeatHint {
  id: number;
  caseNo: string;
  status: string;
  category: string;
  placeName: string | null;
  subjectName: string | null;
  receivedAt: number;
  reasons: RepeatReason[];
}

/** Letters and digits only, full-width folded, lower case: punctuation and spacing say nothing about sameness. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function bigrams(text: string): Set<string> {
  const chars = [...normaliseText(text)];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i += 1) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** 2|A∩B| / (|A|+|B|) over character bigrams: Chinese has no spaces, and bigrams carry its words. */
export function textSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const g of x) if (y.has(g)) shared += 1;
  return (2 * shared) / (x.size + y.size);
}

type HintSubject = Pick<Report, 'id' | 'countyCode' | 'placeCode' | 'category' | 'subjectName' | 'description' | 'receivedAt'>;

/**
 * Reports this user may see that may be the same complaint as `report`: the same village and
 * category within 90 days, the same subject name, or very similar text (each within a year, in the
 * same county). Newest first, at most `max`; each says why it is listed.
 */
export async function repeatHints(db: Db, staff: StaffContext, report: HintSubject, max = 10): Promise<RepeatHint[]> {
  const scope = await scopeOf(db, staff);
  const since = report.receivedAt - REPEAT_ANY_DAYS * 86_400_000;
  const placeSince = report.receivedAt - REPEAT_PLACE_DAYS * 86_400_000;
  const name = report.subjectName?.trim() ?? '';
  const hints: RepeatHint[] = [];
  for (const c of await repeatCandidates(db, scope.inTimeOrder ?? scope.condition, report.countyCode, report.id, since, REPEAT_SCAN)) {
    const reasons: RepeatReason[] = [];
    if (c.placeCode === report.placeCode && c.category === report.category && c.receivedAt >= placeSince) reasons.push('place_category');
    if (name && c.subjectName?.trim() === name) reasons.push('subject');
    if (textSimilarity(c.description, report.description) >= TEXT_SIMILAR) reasons.push('text');
    if (reasons.length === 0) continue;
    const { description: _d, placeCode: _p, ...shown } = c;
    hints.push({ ...shown, reasons });
    if (hints.length >= max) break;
  }
  return hints;
}

const INTAKE_ROLES = ['intake', 'lead', 'supervisor'] as const;

/**
 * The report page's intake facts (partial `reports/casework/intake-facts`): the source, 来文号 and
 * receipt date for every reader, and, for intake while the report can still be merged
 * (received or accepted), the repeat hint.
 */
export async function intakeFactsOf(db: Db, staff: StaffContext, report: Report) {
  const mayMerge = ['received', 'accepted'].includes(report.status) && INTAKE_ROLES.some((r) => staff.has(r));
  return {
    source: report.source,
    sourceRef: report.sourceRef,
    receivedAt: report.receivedAt,
    repeatHints: mayMerge ? await repeatHints(db, staff, report) : [],
    showRepeats: mayMerge,
  };
}
