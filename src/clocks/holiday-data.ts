// The State Council's holiday arrangements (放假调休安排) as shipped by chinese-days.
//
// We read the package's data table, not its functions:
// - its isWorkday() answers Mon–Fri for a year it has no data for (isWorkday('2027-01-01') is true),
//   so it cannot tell "a working day" from "no data";
// - its functions read dates with the process's local time zone: under TZ=America/New_York,
//   getDayDetail('2026-02-24') reports 2026-02-23. A table keyed by 'YYYY-MM-DD' has no time zone;
// - the package is CommonJS without named ESM exports, so `import { isWorkday }` fails in Node.
// The table is what its functions use (generated from the same arrangement), and
// test/clocks/holiday-data.test.ts checks that the two agree.
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { IsoDate } from './dates.js';

interface HolidayTable {
  /** Days off, including the weekend days inside a holiday block. */
  holidays: Record<IsoDate, string>;
  /** Weekend days that are working days (调休上班). */
  workdays: Record<IsoDate, string>;
}

const table: HolidayTable = data;

const yearsWithData: ReadonlySet<number> = new Set(Object.keys(table.holidays).map((d) => Number(d.slice(0, 4))));

/** Whether chinese-days has the arrangement for a year (any holiday at all: every year has 元旦 and 春节). */
export function packageCoversYear(year: number): boolean {
  return yearsWithData.has(year);
}

/** The package's answer for a date: 'holiday', 'workday' (make-up), or undefined (an ordinary day). */
export function packageDayKind(date: IsoDate): { kind: 'holiday' | 'workday'; name: string } | undefined {
  const workday = table.workdays[date];
  if (workday !== undefined) return { kind: 'workday', name: holidayName(workday) };
  const holiday = table.holidays[date];
  if (holiday !== undefined) return { kind: 'holiday', name: holidayName(holiday) };
  return undefined;
}

/** Entries look like "Spring Festival,春节,4": keep the Chinese name. */
function holidayName(entry: string): string {
  return entry.split(',')[1] ?? entry;
}

/** The years the package covers, ascending (for the administrators' calendar page). */
export function packageYears(): number[] {
  return [...yearsWithData].sort((a, b) => a - b);
}
