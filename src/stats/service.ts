// The public statistics (issue 6): received, accepted, concluded, on-time rate, substantiated rate,
// referrals and satisfaction — by region (province → prefectures → counties → townships), by
// quarter and by category, for a year or a quarter, counted up to the end of yesterday.
import type { Db } from '../db/connection.js';
import type { Locale } from '../config.js';
import { translate } from '../i18n/translate.js';
import { CATEGORIES, firstReportReceivedAt, reportsReceivedBefore, statsByTownship, statsCube } from '../reports/index.js';
import { childrenOf, findRegion, regionsAtLevel, type Region } from '../regions/index.js';
import { barChart, type Bar } from './chart.js';
import { cutoffOf, dataDate, parsePeriod, periodOptions, quarterStart, quartersOf, yearOfMs, type Period } from './periods.js';
import { addMetrics, emptyMetrics, type CubeRow, type Metrics } from './metrics.js';
import { HIDDEN_TEXT, SMALL_TEXT, rateShown, suppressColumn, type Hidden } from './suppression.js';

export const COLUMNS = ['received', 'accepted', 'concluded', 'on_time_rate', 'substantiated_rate', 'referrals', 'rated', 'satisfaction_rate'] as const;
const COUNT_KEYS = ['received', 'accepted', 'concluded', 'referrals', 'rated'] as const;

export interface Cell {
  text: string;
  /** The number behind the text, null when hidden or not applicable (charts draw no bar). */
  value: number | null;
  hidden: boolean;
}

export interface Row {
  name: string;
  href: string | null;
  cells: Cell[];
}

function pct(n: number, d: number): string {
  return `${((100 * n) / d).toFixed(1)}%`;
}

/** The cells of a row; `hidden` per count column and `suppress` for rates at township level. */
function cellsOf(m: Metrics, hidden: Partial<Record<(typeof COUNT_KEYS)[number], Hidden>> = {}, suppress = false): Cell[] {
  const count = (k: (typeof COUNT_KEYS)[number]): Cell => {
    const h = hidden[k];
    if (h) return { text: h === 'small' ? SMALL_TEXT : HIDDEN_TEXT, value: null, hidden: true };
    return { text: String(m[k]), value: m[k], hidden: false };
  };
  const rate = (n: number, d: number): Cell => {
    if (rateShown(n, d, suppress)) return { text: pct(n, d), value: (100 * n) / d, hidden: false };
    return suppress ? { text: HIDDEN_TEXT, value: null, hidden: true } : { text: '—', value: null, hidden: false };
  };
  return [count('received'), count('accepted'), count('concluded'), rate(m.onTime, m.concluded), rate(m.substantiated, m.concluded), count('referrals'), count('rated'), rate(m.satisfied, m.rated)];
}

export interface StatsQuery {
  period?: string;
  region?: string;
}

/**
 * A day's cubes, per year; a cube is recomputed when reports before the cutoff change in number
 * (backdated imports). Requests that ask for a cube being computed wait for that computation rather
 * than start their own, and `warm()` computes the default page's cube before anyone asks (at start
 * and after each China midnight, routes.ts): the first visitor of /stats never waits for the ≈ 0.5 s
 * aggregation over a year of reports at provincial scale (issue 22).
 */
export function createStats(db: Db) {
  const memo = new Map<string, Promise<CubeRow[]>>();
  /** How many cubes were computed (for tests: a warmed or shared cube is not computed again). */
  let computed = 0;

  async function yearCube(year: number, cutoff: number): Promise<CubeRow[]> {
    const stamp = `${cutoff}|${await reportsReceivedBefore(db, cutoff)}`;
    const key = `${year}|${stamp}`;
    const hit = memo.get(key);
    if (hit) return hit;
    computed++;
    const pending = statsCube(db, { from: quarterStart(year, 1), to: Math.min(quarterStart(year + 1, 1), cutoff), cutoff }, [quarterStart(year, 2), quarterStart(year, 3), quarterStart(year, 4)]);
    // Keep only today's cubes (a few years at most).
    for (const k of [...memo.keys()]) if (!k.endsWith(`|${stamp}`)) memo.delete(k);
    memo.set(key, pending);
    // A failed computation is not kept: the next request tries again.
    pending.catch(() => {
      if (memo.get(key) === pending) memo.delete(key);
    });
    return pending;
  }

  /** Computes the cube the default page (/stats, the last year with data) shows, as of `now`. */
  async function warm(now = new Date()): Promise<void> {
    const cutoff = cutoffOf(now);
    await yearCube(yearOfMs(cutoff - 1), cutoff);
  }

  async function build(locale: Locale, q: StatsQuery, now = new Date()) {
    const t = (key: string, params: Record<string, unknown> = {}) => translate(locale, key, params);
    const cutoff = cutoffOf(now);
    const first = await firstReportReceivedAt(db);
    const firstYear = first !== null ? yearOfMs(first) : yearOfMs(cutoff - 1);
    const period = parsePeriod(q.period, cutoff, firstYear);
    const prefectures = await regionsAtLevel(db, 'prefecture');
    const counties = await regionsAtLevel(db, 'county');
    let region: Region | undefined;
    if (q.region && /^\d{6}$/.test(q.region)) {
      const found = await findRegion(db, q.region);
      if (found && (found.level === 'prefecture' || found.level === 'county')) region = found;
    }
    const prefectureOf = new Map(counties.map((c) => [c.code, c.parentCode ?? '']));
    const regionCounties = region?.level === 'county' ? new Set([region.code]) : region ? new Set(counties.filter((c) => c.parentCode === region.code).map((c) => c.code)) : null;
    const rows = (await yearCube(period.year, cutoff)).filter((r) => !regionCounties || regionCounties.has(r.county));
    const inPeriod = rows.filter((r) => period.quarter === null || r.quarter === period.quarter);
    const link = (code: string) => `/stats?${new URLSearchParams({ period: period.code, region: code }).toString()}`;

    // By region: the children of the chosen region.
    const total = inPeriod.reduce((acc, r) => addMetrics(acc, r), emptyMetrics());
    let regionRows: Row[];
    let suppressed = false;
    if (region?.level === 'county') {
      suppressed = true;
      const townships = await childrenOf(db, region.code);
      const found = new Map((await statsByTownship(db, { from: period.from, to: period.to, cutoff }, region.code)).map((r) => [r.township, r as Metrics]));
      const list: { name: string; m: Metrics }[] = townships.map((tw) => ({ name: tw.name, m: found.get(tw.code) ?? emptyMetrics() }));
      const known = new Set(townships.map((tw) => tw.code));
      const rest = emptyMetrics();
      let restSeen = false;
      for (const [code, m] of found) if (code === null || !known.has(code)) (addMetrics(rest, m), (restSeen = true));
      if (restSeen) list.push({ name: t('stats.township_unknown'), m: rest });
      const hiddenBy = Object.fromEntries(COUNT_KEYS.map((k) => [k, suppressColumn(list.map((x) => x.m[k]))])) as Record<(typeof COUNT_KEYS)[number], Hidden[]>;
      regionRows = list.map((x, i) => ({ name: x.name, href: null, cells: cellsOf(x.m, Object.fromEntries(COUNT_KEYS.map((k) => [k, hiddenBy[k][i] ?? null])), true) }));
    } else {
      const children = region ? counties.filter((c) => c.parentCode === region.code) : prefectures;
      const keyOf = (county: string) => (region ? county : (prefectureOf.get(county) ?? ''));
      const sums = new Map<string, Metrics>();
      for (const r of inPeriod) addMetrics(sums.get(keyOf(r.county)) ?? sums.set(keyOf(r.county), emptyMetrics()).get(keyOf(r.county))!, r);
      regionRows = children.map((c) => ({ name: c.name, href: link(c.code), cells: cellsOf(sums.get(c.code) ?? emptyMetrics()) }));
    }

    // By quarter: the quarters of the period's year, for the chosen region.
    const quarterRows: Row[] = quartersOf(period.year, cutoff).map((qn) => {
      const m = rows.filter((r) => r.quarter === qn).reduce((acc, r) => addMetrics(acc, r), emptyMetrics());
      return { name: t('stats.quarter_label', { year: period.year, name: t(`stats.q.${qn}`) }), href: period.quarter === qn ? null : `/stats?${new URLSearchParams({ period: `${period.year}Q${qn}`, ...(region ? { region: region.code } : {}) }).toString()}`, cells: cellsOf(m) };
    });

    // By category, for the period and region; categories with no report and no rating are left out.
    const byCat = new Map<string, Metrics>();
    for (const r of inPeriod) addMetrics(byCat.get(r.category) ?? byCat.set(r.category, emptyMetrics()).get(r.category)!, r);
    const categoryRows: Row[] = [...CATEGORIES, ...[...byCat.keys()].filter((c) => !(CATEGORIES as readonly string[]).includes(c))]
      .filter((c) => (byCat.get(c)?.received ?? 0) > 0 || (byCat.get(c)?.rated ?? 0) > 0)
      .map((c) => ({ name: t(`report.categories.${c}`) || c, href: null, cells: cellsOf(byCat.get(c)!) }));

    const periodLabel = period.quarter ? t('stats.quarter_label', { year: period.year, name: t(`stats.q.${period.quarter}`) }) : t('stats.year_label', { year: period.year });
    const regionName = region?.name ?? t('stats.province');
    const bars = (list: Row[]): Bar[] => list.map((r) => ({ label: r.name, value: r.cells[0]!.value, text: r.cells[0]!.text }));
    const parent = region?.level === 'county' ? prefectures.find((p) => p.code === region!.parentCode) : undefined;
    const focusPrefecture = region?.level === 'prefecture' ? region.code : parent?.code;
    return {
      period,
      periodLabel,
      dataDate: dataDate(cutoff),
      region: region ? { code: region.code, name: region.name, level: region.level } : null,
      regionName,
      parent: parent ? { code: parent.code, name: parent.name, href: link(parent.code) } : null,
      provinceHref: `/stats?${new URLSearchParams({ period: period.code }).toString()}`,
      childLevel: region?.level === 'county' ? 'township' : region ? 'county' : 'prefecture',
      suppressed,
      columns: COLUMNS,
      regionRows,
      totalRow: { name: t('stats.total'), href: null, cells: cellsOf(total) } as Row,
      quarterRows,
      categoryRows,
      charts: {
        region: barChart('chart-region', t('stats.chart_region', { region: regionName, period: periodLabel }), t('stats.chart_desc'), bars(regionRows)),
        quarter: barChart('chart-quarter', t('stats.chart_quarter', { region: regionName, year: period.year }), t('stats.chart_desc'), bars(quarterRows)),
        category: barChart('chart-category', t('stats.chart_category', { region: regionName, period: periodLabel }), t('stats.chart_desc'), bars(categoryRows)),
      },
      periodOptions: periodOptions(firstYear, cutoff).map((o) => ({ code: o.code, label: o.quarter ? t('stats.quarter_label', { year: o.year, name: t(`stats.q.${o.quarter}`) }) : t('stats.year_label', { year: o.year }), selected: o.code === period.code })),
      regionOptions: prefectures.map((p) => ({
        code: p.code,
        name: p.name,
        selected: p.code === region?.code,
        counties: p.code === focusPrefecture ? counties.filter((c) => c.parentCode === p.code).map((c) => ({ code: c.code, name: c.name, selected: c.code === region?.code })) : [],
      })),
      csvHref: `/stats.csv?${new URLSearchParams({ period: period.code, ...(region ? { region: region.code } : {}) }).toString()}`,
    };
  }

  return {
    build,
    warm,
    get computed() {
      return computed;
    },
  };
}

export type StatsContext = Awaited<ReturnType<ReturnType<typeof createStats>['build']>>;
export type { Period };
