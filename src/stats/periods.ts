// Periods of the public statistics: a year or a quarter (`2026`, `2026Q3`), in China Standard Time.
// Figures are counted up to the end of yesterday (the cutoff), so a page stays the same all day —
// it can be cached — and a report filed today cannot be spotted by watching the numbers move.
import { todayInChina } from '../clocks/index.js';

const CST = 8 * 3600_000;

export interface Period {
  /** `2026` or `2026Q3`. */
  code: string;
  year: number;
  quarter: number | null;
  /** [from, to) in epoch ms; `to` never after the cutoff. */
  from: number;
  to: number;
}

/** Midnight at the start of a China calendar day, as epoch ms. */
export function cstMidnight(year: number, monthIndex: number, day = 1): number {
  return Date.UTC(year, monthIndex, day) - CST;
}

/** The start of today in China: everything before it is counted. */
export function cutoffOf(now = new Date()): number {
  const [y, m, d] = todayInChina(now).split('-').map(Number) as [number, number, number];
  return cstMidnight(y, m - 1, d);
}

/** The date the figures run to (the day before the cutoff), YYYY-MM-DD. */
export function dataDate(cutoff: number): string {
  return todayInChina(new Date(cutoff - 1));
}

export function quarterStart(year: number, quarter: number): number {
  return cstMidnight(year, (quarter - 1) * 3);
}

/** The China calendar year of an instant. */
export function yearOfMs(ms: number): number {
  return Number(todayInChina(new Date(ms)).slice(0, 4));
}

export function makePeriod(year: number, quarter: number | null, cutoff: number): Period {
  const from = quarter ? quarterStart(year, quarter) : cstMidnight(year, 0);
  const end = quarter ? (quarter === 4 ? cstMidnight(year + 1, 0) : quarterStart(year, quarter + 1)) : cstMidnight(year + 1, 0);
  return { code: quarter ? `${year}Q${quarter}` : String(year), year, quarter, from, to: Math.min(end, cutoff) };
}

/** The period asked for, if it is one on offer; else the year the cutoff's eve falls in. */
export function parsePeriod(value: string | undefined, cutoff: number, firstYear: number): Period {
  const last = cutoff - 1;
  const lastYear = yearOfMs(last);
  const m = /^(\d{4})(?:Q([1-4]))?$/.exec(value ?? '');
  if (m) {
    const year = Number(m[1]);
    const quarter = m[2] ? Number(m[2]) : null;
    const started = quarter ? quarterStart(year, quarter) : cstMidnight(year, 0);
    if (year >= firstYear && year <= lastYear && started < cutoff) return makePeriod(year, quarter, cutoff);
  }
  return makePeriod(lastYear, null, cutoff);
}

/** Years from the first report's to the cutoff's, newest first, each with its quarters begun by the cutoff. */
export function periodOptions(firstYear: number, cutoff: number): { code: string; year: number; quarter: number | null }[] {
  const out: { code: string; year: number; quarter: number | null }[] = [];
  const lastYear = yearOfMs(cutoff - 1);
  for (let y = lastYear; y >= Math.min(firstYear, lastYear); y--) {
    out.push({ code: String(y), year: y, quarter: null });
    for (let q = 1; q <= 4; q++) if (quarterStart(y, q) < cutoff) out.push({ code: `${y}Q${q}`, year: y, quarter: q });
  }
  return out;
}

/** The quarters of the period's year begun by the cutoff, for the by-quarter table. */
export function quartersOf(year: number, cutoff: number): number[] {
  return [1, 2, 3, 4].filter((q) => quarterStart(year, q) < cutoff);
}
