// The figures the public statistics count, and the shapes the repository returns them in.

export interface Metrics {
  received: number;
  accepted: number;
  concluded: number;
  /** Concluded by the legal handling deadline (handling_due, extensions included). */
  onTime: number;
  /** Finding substantiated or partly substantiated. */
  substantiated: number;
  referrals: number;
  rated: number;
  /** Rated satisfied or basically satisfied. */
  satisfied: number;
}

export const METRIC_KEYS: (keyof Metrics)[] = ['received', 'accepted', 'concluded', 'onTime', 'substantiated', 'referrals', 'rated', 'satisfied'];

export const emptyMetrics = (): Metrics => ({ received: 0, accepted: 0, concluded: 0, onTime: 0, substantiated: 0, referrals: 0, rated: 0, satisfied: 0 });

/** Adds `m` into `into`, key by key; returns `into`. */
export function addMetrics(into: Metrics, m: Metrics): Metrics {
  for (const k of METRIC_KEYS) into[k] += m[k];
  return into;
}

export interface Window {
  from: number;
  to: number;
  /** State as of this instant: acceptance, conclusion and referral after it do not count yet. */
  cutoff: number;
}

export type CubeRow = Metrics & { county: string; quarter: number; category: string };
export type TownshipRow = Metrics & { township: string | null };

/** The first and last report id received in the window (an index-only scan of reports_received_idx). */
export interface IdSpan {
  lo: number;
  hi: number;
}

/** Rows of a key with their referrals or ratings counted by their own queries. */
export type Rated = { rated: number; satisfied: number };
