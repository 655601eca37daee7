// The operator's holiday table (DESIGN.md §3 "Legal clocks"): chinese-days has no data for a year
// until a package release after the State Council's notice; administrators enter the year's
// holidays and make-up workdays here and then declare the year complete. Until then a deadline in
// that year counts weekends only, and administrators are warned.
import { record } from '../audit/index.js';
import { allOverrides, calendarWarning, declaredYears, deleteOverride, deleteYear, findOverride, insertYear, overridesInYear, upsertOverride } from '../calendar/index.js';
import { packageYears, todayInChina } from '../clocks/index.js';
import type { Db } from '../db/connection.js';
import { withTransaction } from '../db/transaction.js';
import type { StaffContext } from '../plugins/auth.js';
import { parseDateInput } from '../shared/date-input.js';
import type { Deps } from '../shared/deps.js';
import { AdminActionError } from './user-service.js';

/** Years as ranges: [2004, 2005, 2006, 2009] → "2004–2006、2009". */
export function yearRanges(years: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < years.length; ) {
    let j = i;
    while (j + 1 < years.length && years[j + 1] === years[j]! + 1) j++;
    parts.push(i === j ? String(years[i]) : `${years[i]}–${years[j]}`);
    i = j + 1;
  }
  return parts.join('、');
}

export async function calendarOverview(db: Db, now: Date = new Date()) {
  const pkg = packageYears();
  const declared = await declaredYears(db);
  return {
    overrides: await allOverrides(db),
    packageYears: pkg,
    declaredYears: await Promise.all(declared.map(async (d) => ({ ...d, overrideCount: await overridesInYear(db, d.year) }))),
    warning: await calendarWarning(db, now),
    thisYear: Number(todayInChina(now).slice(0, 4)),
  };
}

export interface OverrideValues {
  date: string;
  kind: string;
  note: string;
}

export type OverrideErrors = Partial<Record<keyof OverrideValues, string>>;

export function validateOverride(v: OverrideValues): OverrideErrors {
  const errors: OverrideErrors = {};
  // The route has already turned 2026/12/7 and 2026年12月7日 into 2026-12-07 (dateFieldValue).
  const valid = parseDateInput(v.date) === v.date;
  const year = Number(v.date.slice(0, 4));
  if (!valid || year < 2000 || year > 2100) errors.date = 'admin.calendar.errors.date';
  if (v.kind !== 'holiday' && v.kind !== 'workday') errors.kind = 'admin.calendar.errors.kind';
  if (v.note.length > 100) errors.note = 'admin.calendar.errors.note';
  return errors;
}

/** Adds or replaces the override for a date. */
export async function setOverride(deps: Deps, staff: StaffContext, v: OverrideValues, now = Date.now()): Promise<void> {
  const previous = await findOverride(deps.db, v.date);
  await withTransaction(deps.db, async (tx) => {
    await upsertOverride(tx, { date: v.date, kind: v.kind, note: v.note || null, updatedBy: staff.user.id, updatedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'calendar.override_set', object: { type: 'calendar_day', id: v.date }, detail: { kind: v.kind, ...(previous ? { was: previous.kind } : {}) } }, now);
  });
}

export async function removeOverride(deps: Deps, staff: StaffContext, date: string, now = Date.now()): Promise<void> {
  const previous = await findOverride(deps.db, date);
  if (!previous) throw new AdminActionError('calendar_no_override');
  await withTransaction(deps.db, async (tx) => {
    await deleteOverride(tx, date);
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'calendar.override_removed', object: { type: 'calendar_day', id: date }, detail: { was: previous.kind } }, now);
  });
}

export function parseYear(value: string | undefined): number | null {
  if (!value || !/^\d{4}$/.test(value.trim())) return null;
  const year = Number(value.trim());
  return year >= 2000 && year <= 2100 ? year : null;
}

/**
 * Declares a year's arrangement entered completely. A year without a single override row cannot be
 * complete (every year has 元旦 and 春节), so that is refused: a stray click would silently make
 * weekend-only deadlines look trustworthy.
 */
export async function declareYear(deps: Deps, staff: StaffContext, year: number, now = Date.now()): Promise<void> {
  if (packageYears().includes(year)) throw new AdminActionError('calendar_package_year');
  if ((await overridesInYear(deps.db, year)) === 0) throw new AdminActionError('calendar_year_empty');
  await withTransaction(deps.db, async (tx) => {
    if (await insertYear(tx, year, staff.user.id, now)) {
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'calendar.year_declared', object: { type: 'calendar_year', id: year } }, now);
    }
  });
}

export async function undeclareYear(deps: Deps, staff: StaffContext, year: number, now = Date.now()): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    if (await deleteYear(tx, year)) {
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'calendar.year_withdrawn', object: { type: 'calendar_year', id: year } }, now);
    }
  });
}
