import { createCalendar, type Calendar, type HolidayOverride } from '../clocks/index.js';
import type { Db } from '../db/connection.js';
import { allOverrides, coveredYears, upsertOverride } from './repository.js';

export { holidayOverrides, calendarYears } from './tables.js';
export { allOverrides, coveredYears, upsertOverride };

/** The working-day calendar with the operator's overrides. */
export function loadCalendar(db: Db): Calendar {
  const overrides: HolidayOverride[] = allOverrides(db).map((r) => ({ date: r.date, kind: r.kind as HolidayOverride['kind'], note: r.note ?? undefined }));
  return createCalendar(overrides, coveredYears(db));
}
