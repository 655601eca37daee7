// The statistics a submission carries (counted by live-statistics.ts for a unit's region and
// a task's period). Roll-ups add counts; rates are always recomputed from the summed counts, never
// averaged.
import { translate } from '../i18n/translate.js';
import type { Locale } from '../config.js';

export const COUNT_KEYS = [
  'received',
  'accepted',
  'concluded',
  'substantiated',
  'onTime',
  'referrals',
  'rectificationTotal',
  'rectificationSignedOff',
  'casesPublished',
  'recipients',
  'recipientPersons',
] as const;
export type CountKey = (typeof COUNT_KEYS)[number];
export type Counts = Record<CountKey, number>;

/** Each rate's numerator and denominator; a rate with a zero denominator is "—", not 0 %. */
export const RATES = [
  { key: 'acceptanceRate', num: 'accepted', den: 'received' },
  { key: 'substantiatedRate', num: 'substantiated', den: 'concluded' },
  { key: 'onTimeRate', num: 'onTime', den: 'concluded' },
  { key: 'signOffRate', num: 'rectificationSignedOff', den: 'rectificationTotal' },
] as const satisfies readonly { key: string; num: CountKey; den: CountKey }[];
export type RateKey = (typeof RATES)[number]['key'];

export interface Statistics {
  version: 1;
  /** The period covered, China calendar dates, both inclusive. */
  from: string;
  to: string;
  counts: Counts;
  /** How many units' figures were added up (1 for a county's own). */
  units: number;
}

export function emptyCounts(): Counts {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Counts;
}

/** Adds counts key by key. */
export function sumCounts(list: Counts[]): Counts {
  const total = emptyCounts();
  for (const c of list) for (const k of COUNT_KEYS) total[k] += c[k];
  return total;
}

/** Sums statistics of units below into one roll-up for the same period. */
export function rollUp(list: Statistics[], period: { from: string; to: string }): Statistics {
  return { version: 1, from: period.from, to: period.to, counts: sumCounts(list.map((s) => s.counts)), units: list.reduce((n, s) => n + s.units, 0) };
}

/** A rate from counts (0…1), or null when its denominator is zero. */
export function rate(counts: Counts, key: RateKey): number | null {
  const r = RATES.find((x) => x.key === key)!;
  const den = counts[r.den];
  return den === 0 ? null : counts[r.num] / den;
}

export function formatRate(value: number | null): string {
  return value === null ? '—' : `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

/** Frozen statistics as stored; null for anything unreadable. Missing counts read as 0. */
export function parseStatistics(json: string | null): Statistics | null {
  if (!json) return null;
  try {
    const raw = JSON.parse(json) as Partial<Statistics> & { counts?: Partial<Counts> };
    if (typeof raw !== 'object' || raw === null || typeof raw.from !== 'string' || typeof raw.to !== 'string') return null;
    const counts = emptyCounts();
    for (const k of COUNT_KEYS) {
      const v = raw.counts?.[k];
      if (typeof v === 'number' && Number.isFinite(v)) counts[k] = v;
    }
    return { version: 1, from: raw.from, to: raw.to, counts, units: typeof raw.units === 'number' ? raw.units : 1 };
  } catch {
    return null;
  }
}

/** The rows shown in tables and documents, counts and rates interleaved where they belong. */
const ROW_ORDER: (CountKey | RateKey)[] = [
  'received',
  'accepted',
  'acceptanceRate',
  'concluded',
  'substantiated',
  'substantiatedRate',
  'onTime',
  'onTimeRate',
  'referrals',
  'rectificationTotal',
  'rectificationSignedOff',
  'signOffRate',
  'casesPublished',
  'recipients',
  'recipientPersons',
];

export interface StatRow {
  key: string;
  label: string;
  value: string;
  isRate: boolean;
}

export function statRows(stats: Statistics, locale: Locale): StatRow[] {
  return ROW_ORDER.map((key) => {
    const isRate = RATES.some((r) => r.key === key);
    const value = isRate ? formatRate(rate(stats.counts, key as RateKey)) : String(stats.counts[key as CountKey]);
    return { key, label: translate(locale, `reporting.stats.${key}`), value, isRate };
  });
}

/** The columns of roll-up tables: the main counts and the rates. */
export const ROLLUP_COLUMNS: (CountKey | RateKey)[] = ['received', 'accepted', 'concluded', 'substantiated', 'substantiatedRate', 'onTime', 'onTimeRate', 'referrals', 'rectificationTotal', 'rectificationSignedOff', 'signOffRate', 'casesPublished', 'recipients'];

export function rollupCells(stats: Statistics): string[] {
  return ROLLUP_COLUMNS.map((key) => (RATES.some((r) => r.key === key) ? formatRate(rate(stats.counts, key as RateKey)) : String(stats.counts[key as CountKey])));
}
