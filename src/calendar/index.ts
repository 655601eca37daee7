import { createCalendar, todayInChina, type Calendar, type HolidayOverride } from '../clocks/index.js';
import type { Executor } from '../db/executor.js';
import { allOverrides, coveredYears, upsertOverride } from './repository.js';

export { allOverrides, coveredYears, upsertOverride };
export { deleteOverride, findOverride, overridesInYear, declaredYears, insertYear, deleteYear, type HolidayOverrideRow, type CalendarYearRow } from './repository.js';

/** The working-day calendar with the operator's overrides. */
export async function loadCalendar(db: Executor): Promise<Calendar> {
  const overrides: HolidayOverride[] = (await allOverrides(db)).map((r) => ({ date: r.date, kind: r.kind as HolidayOverride['kind'], note: r.note ?? undefined }));
  return createCalendar(overrides, await coveredYears(db));
}

/**
 * The first of the current and the next year (China time) that the calendar does not cover (the
 * package has no data and no administrator declared it entered), or null. For the dashboard and
 * the administrators' calendar page.
 */
export async function calendarWarning(db: Executor, now: Date = new Date()): Promise<{ year: number } | null> {
  const calendar = await loadCalendar(db);
  const year = Number(todayInChina(now).slice(0, 4));
  for (const y of [year, year + 1]) if (!calendar.covers(y)) return { year: y };
  return null;
}
