// The province's 统计报表 (issue 24): a month's or a quarter's complaint counts for a unit's region,
// one row per region directly below it (township for a county, county for a city, city for the
// province) and a 合计 row, columns grouped by report category, each with the four counts an office
// keeps (受理、办结、查实、在办). The counts are the reports feature's (through its index); this file
// only decides the period, the rows and the labels. Always Chinese: it is the office's document.
import type { Locale } from '../config.js';
import type { Executor } from '../db/executor.js';
import { addDays } from '../clocks/index.js';
import { translate } from '../i18n/translate.js';
import { childrenOf, findRegion } from '../regions/index.js';
import { CATEGORIES, reportCountsByRegionAndCategory, type ReportCategoryCounts } from '../reports/index.js';
import type { Unit } from '../units/index.js';

/** A calendar month or quarter, China time. */
export interface TablePeriod {
  /** As in the query string: 2026-11 or 2026-Q4. */
  key: string;
  year: number;
  kind: 'month' | 'quarter';
  /** Month 1–12 or quarter 1–4. */
  number: number;
  /** First and last China calendar day. */
  from: string;
  to: string;
}

export const MEASURES = ['received', 'concluded', 'substantiated', 'open'] as const satisfies readonly (keyof ReportCategoryCounts)[];

/** The column groups: all categories together, then each category in the reports' order. */
export const GROUPS = ['all', ...CATEGORIES] as const;
export type Group = (typeof GROUPS)[number];

/** Levels whose unit has a table, and the level of its rows. */
const ROW_LEVEL: Record<string, string> = { province: 'prefecture', prefecture: 'county', county: 'township' };

const CST_OFFSET_MS = 8 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** Milliseconds of the start of a China calendar date. */
function startOfDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) - CST_OFFSET_MS;
}

function lastDayOfMonth(year: number, month: number): string {
  return `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;
}

/**
 * 2026-11 or 2026-Q4 (q in either case). Null for anything else, a year outside 2000–2099, or a
 * period that has not begun on `today` (a table of the future would be all zeros and look filed).
 */
export function parseTablePeriod(value: string | undefined, today: string): TablePeriod | null {
  const m = /^(20\d{2})-(?:(0[1-9]|1[0-2])|[Qq]([1-4]))$/.exec(value ?? '');
  if (!m) return null;
  const year = Number(m[1]);
  const kind = m[2] ? 'month' : 'quarter';
  const number = Number(m[2] ?? m[3]);
  const firstMonth = kind === 'month' ? number : number * 3 - 2;
  const lastMonth = kind === 'month' ? number : number * 3;
  const from = `${year}-${pad(firstMonth)}-01`;
  if (from > today) return null;
  return { key: kind === 'month' ? `${year}-${pad(number)}` : `${year}-Q${number}`, year, kind, number, from, to: lastDayOfMonth(year, lastMonth) };
}

/** The period as the title says it: 2026年11月, 2026年第四季度. */
export function periodLabel(p: TablePeriod): string {
  return p.kind === 'month' ? zh('reporting.tables.month_label', { year: p.year, month: p.number }) : zh('reporting.tables.quarter_label', { year: p.year, quarter: zh(`reporting.tables.quarters.${p.number}`) });
}

/**
 * The period the form proposes: the last complete month (on 7 December, November). The month in
 * progress would be a table of a few days that looks like a whole month's once filed.
 */
export function defaultPeriodKey(today: string): string {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${pad(month - 1)}`;
}

/**
 * The period as the form offers it, in the reader's language (2026년 12월, Q4 2026), marked when
 * `today` falls inside it (not yet over). The XLSX itself stays Chinese (periodLabel).
 */
export function periodChoiceLabel(p: TablePeriod, locale: Locale, today: string): string {
  const t = (key: string, vars?: Record<string, unknown>) => translate(locale, key, vars);
  const label =
    p.kind === 'month'
      ? t('reporting.tables.choice.month', { year: p.year, monthName: t(`reporting.tables.choice.month_names.${p.number}`) })
      : t('reporting.tables.choice.quarter', { year: p.year, quarterName: t(`reporting.tables.choice.quarter_names.${p.number}`) });
  if (today < p.from || today > p.to) return label;
  return label + t(p.kind === 'month' ? 'reporting.tables.choice.in_progress_month' : 'reporting.tables.choice.in_progress_quarter');
}

/** The months and quarters to offer: this year's and last year's that have begun, newest first. */
export function recentPeriods(today: string): string[] {
  const year = Number(today.slice(0, 4));
  const out: string[] = [];
  for (const y of [year, year - 1]) {
    for (let m = 12; m >= 1; m--) if (`${y}-${pad(m)}-01` <= today) out.push(`${y}-${pad(m)}`);
    for (let q = 4; q >= 1; q--) if (`${y}-${pad(q * 3 - 2)}-01` <= today) out.push(`${y}-Q${q}`);
  }
  return out;
}

/** The level of the rows of this unit's table, or null when the unit has none (not a county, city or province bureau). */
export async function rowLevelOf(db: Executor, unit: Unit): Promise<string | null> {
  if (unit.kind !== 'civil_affairs') return null;
  const level = (await findRegion(db, unit.regionCode))?.level;
  return (level && ROW_LEVEL[level]) || null;
}

export interface TableRow {
  name: string;
  /** Per group, the four measures in MEASURES order. */
  cells: number[][];
}

export interface StatisticalTable {
  title: string;
  unitName: string;
  /** 乡镇（街道）, 县（市、区） or 市（州）: the heading of the first column. */
  rowHeading: string;
  groupLabels: string[];
  measureLabels: string[];
  rows: TableRow[];
  total: TableRow;
  period: TablePeriod;
}

const zh = (key: string, vars?: Record<string, unknown>) => translate('zh-CN', key, vars);

function cellsOf(byCategory: Map<string, ReportCategoryCounts> | undefined): number[][] {
  const all = MEASURES.map((m) => [...(byCategory?.values() ?? [])].reduce((sum, c) => sum + c[m], 0));
  return [all, ...CATEGORIES.map((c) => MEASURES.map((m) => byCategory?.get(c)?.[m] ?? 0))];
}

/**
 * The table of `unit` (which must have a row level) for `period`. The 合计 row is the region's own
 * count, so a report placed at the region itself rather than below it (a county-level place) is in
 * the total; such reports get a row of their own so that the rows still add up to the total.
 */
export async function buildStatisticalTable(db: Executor, unit: Unit, period: TablePeriod): Promise<StatisticalTable> {
  const region = (await findRegion(db, unit.regionCode))!;
  const rowLevel = ROW_LEVEL[region.level]!;
  const children = await childrenOf(db, region.code);
  const range = { start: startOfDay(period.from), end: startOfDay(addDays(period.to, 1)) };
  const counts = await reportCountsByRegionAndCategory(
    db,
    [region.code, ...children.map((c) => c.code)],
    range,
  );
  const byRegion = new Map<string, Map<string, ReportCategoryCounts>>();
  for (const { code, category, ...c } of counts) (byRegion.get(code) ?? byRegion.set(code, new Map()).get(code)!).set(category, c);

  const rows: TableRow[] = children.map((c) => ({ name: c.name, cells: cellsOf(byRegion.get(c.code)) }));
  const total: TableRow = { name: zh('reporting.tables.total'), cells: cellsOf(byRegion.get(region.code)) };
  const unplaced = total.cells.map((group, g) => group.map((n, m) => n - rows.reduce((sum, r) => sum + r.cells[g]![m]!, 0)));
  if (unplaced.some((group) => group.some((n) => n !== 0))) rows.push({ name: zh('reporting.tables.unplaced', { region: region.name }), cells: unplaced });

  return {
    title: zh('reporting.tables.title', { region: region.name, period: periodLabel(period) }),
    unitName: unit.name,
    rowHeading: zh(`reporting.tables.row_heading.${rowLevel}`),
    groupLabels: GROUPS.map((g) => (g === 'all' ? zh('reporting.tables.all_categories') : zh(`report.categories.${g}`))),
    measureLabels: MEASURES.map((m) => zh(`reporting.tables.measures.${m}`)),
    rows,
    total,
    period,
  };
}
