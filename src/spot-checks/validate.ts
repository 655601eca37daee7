// The forms of spot checks, checked at the boundary. Each returns the clean input or field errors
// (message keys), so that a route re-renders the form with the user's input kept.
import { addDays } from '../clocks/index.js';
import { dateFieldValue, parseDateInput } from '../shared/date-input.js';

type Fields = Record<string, string | undefined>;
export type FieldErrors = Record<string, string>;

/** The most townships one round may take. */
export const MAX_TOWNSHIPS = 50;
const E = (key: string) => `spot_checks.errors.${key}`;

/** A real day in YYYY-MM-DD (2026-02-30 is not); date fields have been through dateFieldValue. */
function validDate(s: string): boolean {
  return parseDateInput(s) === s;
}

function wholeNumber(s: string | undefined): number | null {
  const v = (s ?? '').trim();
  return /^\d{1,4}$/.test(v) ? Number(v) : null;
}

export interface RoundInput {
  name: string;
  count: number;
  randomCount: number;
  /** The region drawn over: the unit's own or one of the allowed restrictions below it. */
  scopeCode: string;
}

export function validateRound(fields: Fields, unitRegion: string, restrictions: { code: string }[]): { input?: RoundInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = (fields.name ?? '').trim();
  const count = wholeNumber(fields.count);
  const randomCount = wholeNumber(fields.random_count);
  const region = (fields.region ?? '').trim();
  if (name.length < 2 || name.length > 100) errors.name = E('name');
  if (count === null || count < 1 || count > MAX_TOWNSHIPS) errors.count = E('count');
  if (randomCount === null || (count !== null && randomCount > count)) errors.random_count = E('random_count');
  if (region !== '' && !restrictions.some((r) => r.code === region)) errors.region = E('region');
  if (Object.keys(errors).length > 0) return { errors };
  return { input: { name, count: count!, randomCount: randomCount!, scopeCode: region || unitRegion }, errors };
}

export interface CheckInput {
  villageCode: string | null;
  checkedOn: string;
  postingOk: boolean | null;
  rosterOk: boolean | null;
  /** China local time as entered, 'YYYY-MM-DDTHH:MM'. */
  hotlineCalledAt: string | null;
  hotlineAnswered: boolean | null;
  /**
   * The listed number called: a phone of the county's list, null for a number not on it; left out
   * (undefined) when the form did not say, which means the county's only listed number.
   */
  hotlinePhone?: string | null;
  casesChecked: string | null;
  findings: string | null;
}

function yesNo(v: string | undefined): boolean | null | undefined {
  if (v === undefined || v === '') return null;
  if (v === 'yes') return true;
  if (v === 'no') return false;
  return undefined;
}

/** The form's choice for a number that is not on the list. */
export const OTHER_LINE = 'other';

/** A check on site: a date from the round's planning day to today; at least one thing observed. */
export function validateCheck(fields: Fields, villages: { code: string }[], window: { from: string; today: string }, lines: { phone: string }[] = []): { input?: CheckInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const village = (fields.village ?? '').trim();
  const checkedOn = dateFieldValue(fields.checked_on);
  const postingOk = yesNo(fields.posting_ok);
  const rosterOk = yesNo(fields.roster_ok);
  const calledAt = (fields.hotline_called_at ?? '').trim();
  const answered = yesNo(fields.hotline_answered);
  const line = fields.hotline_phone === undefined ? undefined : fields.hotline_phone.trim();
  const cases = (fields.cases_checked ?? '').trim();
  const findings = (fields.findings ?? '').trim();
  if (village !== '' && !villages.some((v) => v.code === village)) errors.village = E('village');
  if (!validDate(checkedOn) || checkedOn < window.from || checkedOn > window.today) errors.checked_on = E('checked_on');
  if (postingOk === undefined) errors.posting_ok = E('yes_no');
  if (rosterOk === undefined) errors.roster_ok = E('yes_no');
  if (calledAt !== '') {
    const m = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d$/.exec(calledAt);
    if (!m || !validDate(m[1]!) || m[1]! < window.from || m[1]! > window.today) errors.hotline_called_at = E('called_at');
    if (answered === null || answered === undefined) errors.hotline_answered = E('answered');
    if (line !== undefined && line !== OTHER_LINE && line !== '' && !lines.some((l) => l.phone === line)) errors.hotline_phone = E('hotline_phone');
  } else if (answered !== null) errors.hotline_called_at = E('called_at_missing');
  if (cases.length > 2000) errors.cases_checked = E('cases');
  if (findings !== '' && (findings.length < 5 || findings.length > 1000)) errors.findings = E('findings');
  const observed = postingOk !== null || rosterOk !== null || calledAt !== '' || cases !== '' || findings !== '';
  if (!observed && Object.keys(errors).length === 0) errors.posting_ok = E('nothing_recorded');
  if (Object.keys(errors).length > 0) return { errors };
  return {
    input: {
      villageCode: village || null,
      checkedOn,
      postingOk: postingOk ?? null,
      rosterOk: rosterOk ?? null,
      hotlineCalledAt: calledAt || null,
      hotlineAnswered: calledAt ? (answered ?? null) : null,
      // '' (nothing chosen) is left to the default: the county's only listed number.
      ...(calledAt && line !== undefined && line !== '' ? { hotlinePhone: line === OTHER_LINE ? null : line } : {}),
      casesChecked: cases || null,
      findings: findings || null,
    },
    errors,
  };
}

export interface LedgerInput {
  measures: string;
  responsiblePerson: string;
  deadline: string;
}

/** The same bounds as the ledger's own form: measures 5–2000, a person 2–60, a deadline within five years. */
export function validateLedger(fields: Fields, today: string): { input?: LedgerInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const measures = (fields.measures ?? '').trim();
  const person = (fields.person ?? '').trim();
  const deadline = dateFieldValue(fields.deadline);
  if (measures.length < 5 || measures.length > 2000) errors.measures = E('measures');
  if (person.length < 2 || person.length > 60) errors.person = E('person');
  if (!validDate(deadline) || deadline < today || deadline > addDays(today, 5 * 366)) errors.deadline = E('deadline');
  if (Object.keys(errors).length > 0) return { errors };
  return { input: { measures, responsiblePerson: person, deadline }, errors };
}
