// The figures the public statistics count. The reports domain counts them (its
// statistics-repository.ts) and hands them out in these shapes.
import { emptyReportMetrics, type ReportMetrics, type StatsCubeRow, type StatsTownshipRow, type StatsWindow } from '../reports/index.js';

export type Metrics = ReportMetrics;
export type Window = StatsWindow;
export type CubeRow = StatsCubeRow;
export type TownshipRow = StatsTownshipRow;

export const METRIC_KEYS: (keyof Metrics)[] = ['received', 'accepted', 'concluded', 'onTime', 'substantiated', 'referrals', 'rated', 'satisfied'];

export const emptyMetrics = (): Metrics => emptyReportMetrics();

/** Adds `m` into `into`, key by key; returns `into`. */
export function addMetrics(into: Metrics, m: Metrics): Metrics {
  for (const k of METRIC_KEYS) into[k] += m[k];
  return into;
}
