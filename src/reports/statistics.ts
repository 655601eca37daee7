// The shapes of the reports domain's statistics (statistics-repository.ts counts them): the public
// statistics' figures (src/stats) and a region's live counts for reporting's submissions.

/** The public statistics' figures of a set of reports. */
export interface ReportMetrics {
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

export const emptyReportMetrics = (): ReportMetrics => ({ received: 0, accepted: 0, concluded: 0, onTime: 0, substantiated: 0, referrals: 0, rated: 0, satisfied: 0 });

/** A window of receipt times (ms) and the instant the figures are counted as of. */
export interface StatsWindow {
  from: number;
  to: number;
  /** State as of this instant: acceptance, conclusion and referral after it do not count yet. */
  cutoff: number;
}

/** Figures by county, quarter (1–4 of the window's year) and category. */
export type StatsCubeRow = ReportMetrics & { county: string; quarter: number; category: string };
/** Figures of one county by township (null: reports placed at no township). */
export type StatsTownshipRow = ReportMetrics & { township: string | null };

/** The first and last report id received in a window (an index-only scan of reports_received_idx). */
export interface ReportIdSpan {
  lo: number;
  hi: number;
}

export interface StatsQueryPlans {
  /** The window's id span (null when no report was received in it). */
  span: ReportIdSpan | null;
  /** EXPLAIN QUERY PLAN lines of each statement the statistics run. */
  spanPlan: string[];
  cube: string[];
  township: string[];
  ratingCube: string[];
}

/** A period of instants (ms), start inclusive, end exclusive. */
export interface InstantRange {
  start: number;
  end: number;
}

/** Reports' live counts of one region for reporting (received/accepted by receipt, the rest by conclusion). */
export interface ReportRegionCounts {
  received: number;
  accepted: number;
  concluded: number;
  substantiated: number;
  onTime: number;
}
