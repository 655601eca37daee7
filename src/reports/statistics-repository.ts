// Aggregates of reports and referrals, always with GROUP BY in SQL: the public statistics
// (src/stats), a region's live counts (reporting's submissions) and a township's report signals
// (spot checks). Regions are grouped and scoped through the regions' fragments (the closure), never
// code prefixes.
//
// The public statistics: every query of reports is bounded by the received_at index (through the
// window's id span) and, for one county, by the county index; ratings are counted by when they were
// given, through the rated_at index. Their referral counts run in the same callback as the span
// (nothing lands between them), so they stay here rather than in referrals/.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { chinaDateOf, countWhere, explainPlan, JOIN_IN_ORDER, moment, planLineOf, sqliteIndexHint } from '../db/dialect.js';
import { query } from '../db/transaction.js';
import { regionAncestry, regionWithin } from '../regions/index.js';
import { END_STATES } from './catalog.js';
import { emptyReportMetrics, type InstantRange, type ReportIdSpan, type ReportMetrics, type ReportRegionCounts, type StatsCubeRow, type StatsQueryPlans, type StatsTownshipRow, type StatsWindow } from './statistics.js';

/** Rows of a key with their ratings counted by their own query. */
type Rated = { rated: number; satisfied: number };

/**
 * The states of a case being handled (again): a report in one of them is not 办结, whatever its
 * concluded_at says. A review that reopens a case (复查/复核, issue 19 item 10) sends it back to
 * 'accepted' and clears concluded_at and finding (casework/supervision.ts); this guard also keeps
 * honest the rows reopened before that, which still carry their first conclusion. Concluded again,
 * the case has one concluded_at, the new one, and is counted once, 按期 against the new handling
 * due date (handling_due, restarted at the reopening by the clock engine).
 */
const HANDLING_STATES = ['accepted', 'assigned', 'investigating', 'referred', 'transferred'] as const;

/** A report concluded (办结) as it stands: a conclusion on record and not being handled again. */
function concludedRow(): SQL {
  return sql`r.concluded_at is not null and r.status not in (${sql.join(
    HANDLING_STATES.map((s) => sql`${s}`),
    sql`, `,
  )})`;
}

/** The metric columns over `reports r`, as of the cutoff. Referrals and ratings are counted by their own queries. */
function metricColumns(cutoff: number): SQL {
  // A conclusion's China date, compared with the handling deadline (a China date).
  const concludedOn = chinaDateOf(sql`r.concluded_at`);
  const concluded = sql`${concludedRow()} and r.concluded_at < ${moment(cutoff)}`;
  // Quoted aliases: PostgreSQL folds unquoted names to lower case (onTime would come back as ontime).
  return sql`
    count(*) as received,
    ${countWhere(sql`r.accepted_at is not null and r.accepted_at < ${moment(cutoff)}`)} as accepted,
    ${countWhere(concluded)} as concluded,
    ${countWhere(sql`${concluded} and r.handling_due is not null and ${concludedOn} <= r.handling_due`)} as "onTime",
    ${countWhere(sql`${concluded} and r.finding in ('substantiated', 'partly')`)} as substantiated,
    0 as referrals,
    0 as rated,
    0 as satisfied`;
}

/** The quarter of a row by one of its times (the report's receipt, or its rating). */
function quarterOfRow(quarterStarts: [number, number, number], column: SQL = sql`r.received_at`): SQL {
  const [q2, q3, q4] = quarterStarts;
  return sql`case when ${column} < ${moment(q2)} then 1 when ${column} < ${moment(q3)} then 2 when ${column} < ${moment(q4)} then 3 else 4 end`;
}

/**
 * Ratings given in the window and before the cutoff, whenever the report was received: a rating
 * belongs to the period in which the reporter gave it (rated_at), not to the report's receipt.
 */
function ratingColumns(): SQL {
  return sql`count(*) as rated, ${countWhere(sql`r.rating in ('satisfied', 'basically_satisfied')`)} as satisfied`;
}

function ratedIn(w: StatsWindow): SQL {
  return sql`r.rated_at >= ${moment(w.from)} and r.rated_at < ${moment(w.to)} and r.rated_at < ${moment(w.cutoff)} and r.rating is not null`;
}

/** The first and last report id received in the window (an index-only scan of reports_received_idx). */
function spanQuery(w: StatsWindow): SQL {
  return sql`select min(id) as lo, max(id) as hi from reports where received_at >= ${moment(w.from)} and received_at < ${moment(w.to)}`;
}

async function idSpan(q: Db, w: StatsWindow): Promise<ReportIdSpan | null> {
  const row = await q.get<{ lo: number | null; hi: number | null }>(spanQuery(w));
  return row && row.lo !== null && row.hi !== null ? { lo: row.lo, hi: row.hi } : null;
}

/**
 * One year's figures by county, quarter and category (at most 72 × 4 × 16 rows): every table of
 * the province, prefecture and county views is a sum of these.
 *
 * How it stays fast: reports arrive in time order, so the year's reports sit in one stretch of
 * ids. The received_at index gives that stretch (idSpan); the query then reads the stretch in
 * primary-key order, which is several times faster than one index lookup per report (measured:
 * 60,000 of 200,000 reports, ~0.1 s against ~0.5–2 s). NOT INDEXED keeps the planner on that path
 * (it still uses the integer primary key); the received_at test stays, so a report filed out of
 * order inside the stretch is still counted in the right period.
 */
function cubeQuery(w: StatsWindow, quarterStarts: [number, number, number], span: ReportIdSpan): SQL {
  return sql`
    select r.county_code as county, ${quarterOfRow(quarterStarts)} as quarter, r.category as category, ${metricColumns(w.cutoff)}
    from reports r ${sqliteIndexHint('not indexed')}
    where r.id >= ${span.lo} and r.id <= ${span.hi} and r.received_at >= ${moment(w.from)} and r.received_at < ${moment(w.to)}
    group by county, quarter, category`;
}

/** Referrals made before the cutoff, of the window's reports, by the same keys (driven by the small referrals table). */
function referralCubeQuery(w: StatsWindow, quarterStarts: [number, number, number], span: ReportIdSpan): SQL {
  return sql`
    select r.county_code as county, ${quarterOfRow(quarterStarts)} as quarter, r.category as category, count(*) as referrals
    from referrals x ${JOIN_IN_ORDER} reports r on r.id = x.report_id
    where x.report_id >= ${span.lo} and x.report_id <= ${span.hi} and x.referred_at < ${moment(w.cutoff)} and r.received_at >= ${moment(w.from)} and r.received_at < ${moment(w.to)}
    group by county, quarter, category`;
}

/** One county's figures by township: the county index (county_code, id) narrowed to the window's ids. */
function townshipQuery(w: StatsWindow, county: string, span: ReportIdSpan): SQL {
  return sql`
    select r.township_code as township, ${metricColumns(w.cutoff)}
    from reports r ${sqliteIndexHint('indexed by reports_county_idx')}
    where r.county_code = ${county} and r.id >= ${span.lo} and r.id <= ${span.hi} and r.received_at >= ${moment(w.from)} and r.received_at < ${moment(w.to)}
    group by township`;
}

function townshipReferralQuery(w: StatsWindow, county: string, span: ReportIdSpan): SQL {
  return sql`
    select r.township_code as township, count(*) as referrals
    from referrals x ${JOIN_IN_ORDER} reports r on r.id = x.report_id
    where x.report_id >= ${span.lo} and x.report_id <= ${span.hi} and x.referred_at < ${moment(w.cutoff)} and r.county_code = ${county} and r.received_at >= ${moment(w.from)} and r.received_at < ${moment(w.to)}
    group by township`;
}

/** Ratings given in the window, by county, quarter (of the rating) and category. */
function ratingCubeQuery(w: StatsWindow, quarterStarts: [number, number, number]): SQL {
  return sql`
    select r.county_code as county, ${quarterOfRow(quarterStarts, sql`r.rated_at`)} as quarter, r.category as category, ${ratingColumns()}
    from reports r ${sqliteIndexHint('indexed by reports_rated_idx')}
    where ${ratedIn(w)}
    group by county, quarter, category`;
}

/** Ratings given in the window in one county, by township. */
function townshipRatingQuery(w: StatsWindow, county: string): SQL {
  return sql`
    select r.township_code as township, ${ratingColumns()}
    from reports r ${sqliteIndexHint('indexed by reports_rated_idx')}
    where ${ratedIn(w)} and r.county_code = ${county}
    group by township`;
}

type CubeKey = { county: string; quarter: number; category: string };
type TownshipKey = { township: string | null };

/**
 * Completes the report rows with the referrals and ratings counted by the same key. A rating may
 * fall in a quarter, year or township in which no report was received: it gets a row of its own.
 */
function withReferralsAndRatings<K extends object>(rows: (ReportMetrics & K)[], referrals: (K & { referrals: number })[], ratings: (K & Rated)[], keyOf: (r: K) => string): (ReportMetrics & K)[] {
  const byKey = new Map(rows.map((r) => [keyOf(r), r]));
  for (const ref of referrals) {
    const row = byKey.get(keyOf(ref));
    if (row) row.referrals = ref.referrals;
  }
  for (const r of ratings) {
    const row = byKey.get(keyOf(r));
    if (row) {
      row.rated = r.rated;
      row.satisfied = r.satisfied;
    } else {
      const added = { ...emptyReportMetrics(), ...r };
      rows.push(added);
      byKey.set(keyOf(r), added);
    }
  }
  return rows;
}

export async function statsCube(db: Executor, w: StatsWindow, quarterStarts: [number, number, number]): Promise<StatsCubeRow[]> {
  // The span and the three counts in one go: nothing lands between them.
  const [rows, referrals, ratings] = await query(db, async (q) => {
    const span = await idSpan(q, w);
    return [
      span ? await q.all<StatsCubeRow>(cubeQuery(w, quarterStarts, span)) : [],
      span ? await q.all<CubeKey & { referrals: number }>(referralCubeQuery(w, quarterStarts, span)) : [],
      await q.all<CubeKey & Rated>(ratingCubeQuery(w, quarterStarts)),
    ] as const;
  });
  return withReferralsAndRatings<CubeKey>(rows, referrals, ratings, (r) => `${r.county}|${r.quarter}|${r.category}`);
}

export async function statsByTownship(db: Executor, w: StatsWindow, county: string): Promise<StatsTownshipRow[]> {
  const [rows, referrals, ratings] = await query(db, async (q) => {
    const span = await idSpan(q, w);
    return [
      span ? await q.all<StatsTownshipRow>(townshipQuery(w, county, span)) : [],
      span ? await q.all<TownshipKey & { referrals: number }>(townshipReferralQuery(w, county, span)) : [],
      await q.all<TownshipKey & Rated>(townshipRatingQuery(w, county)),
    ] as const;
  });
  return withReferralsAndRatings<TownshipKey>(rows, referrals, ratings, (r) => String(r.township));
}

/** Reports received before the cutoff (an index-only count): the memo of a day's cube is keyed on it. */
export async function reportsReceivedBefore(db: Executor, cutoff: number): Promise<number> {
  return (await query(db, (q) => q.get<{ n: number }>(sql`select count(*) as n from reports where received_at < ${moment(cutoff)}`)))!.n;
}

/** The year of the first report (the received_at index answers it at once). */
export async function firstReportReceivedAt(db: Executor): Promise<number | null> {
  return (await query(db, (q) => q.get<{ m: number | null }>(sql`select min(received_at) as m from reports`)))?.m ?? null;
}

/** The query plans of the span, cube, county-by-township and rating statements for a window: for the index test. */
export async function statsQueryPlans(db: Executor, w: StatsWindow, quarterStarts: [number, number, number], county: string): Promise<StatsQueryPlans> {
  return query(db, async (q) => {
    const planOf = async (statement: SQL) => (await q.all<Record<string, unknown>>(explainPlan(statement))).map(planLineOf);
    const span = await idSpan(q, w);
    // The plan does not depend on the bounds' values: an empty window is planned over an empty span.
    const bounds = span ?? { lo: 0, hi: 0 };
    return {
      span,
      spanPlan: await planOf(spanQuery(w)),
      cube: await planOf(cubeQuery(w, quarterStarts, bounds)),
      township: await planOf(townshipQuery(w, county, bounds)),
      ratingCube: await planOf(ratingCubeQuery(w, quarterStarts)),
    };
  });
}

// --- A region's live counts (reporting's submissions) and a township's signals (spot checks) ---

/**
 * Reports placed in each of `regionCodes` (anywhere within it), by that region: received and, of
 * those, accepted, among the reports received in `range`; concluded, and of those substantiated
 * (属实 or 部分属实) and concluded on time (the China day of the conclusion on or before the legal
 * handling deadline, handling_due), among the reports concluded in `range` and not reopened since
 * (concludedRow). A region with none has no entry.
 */
export async function reportCountsByRegion(db: Executor, regionCodes: readonly string[], range: InstantRange): Promise<Map<string, ReportRegionCounts>> {
  const out = new Map<string, ReportRegionCounts>();
  if (regionCodes.length === 0) return out;
  const reportsIn = sql`from reports r join ${regionAncestry(regionCodes)} ra on ra.region_code = r.place_code`;
  // Both counts in one go: the receipts and the conclusions of the same moment.
  const [received, concluded] = await query(db, async (q) => [
    await q.all<{ code: string; received: number; accepted: number | null }>(sql`
      select ra.ancestor_code as code, count(*) as received, ${countWhere(sql`r.accepted_at is not null`)} as accepted
      ${reportsIn} where r.received_at >= ${moment(range.start)} and r.received_at < ${moment(range.end)} group by ra.ancestor_code`),
    await q.all<{ code: string; concluded: number; substantiated: number | null; onTime: number | null }>(sql`
      select ra.ancestor_code as code, count(*) as concluded,
        ${countWhere(sql`r.finding in ('substantiated', 'partly')`)} as substantiated,
        ${countWhere(sql`r.handling_due is not null and ${chinaDateOf(sql`r.concluded_at`)} <= r.handling_due`)} as "onTime"
      ${reportsIn} where r.concluded_at >= ${moment(range.start)} and r.concluded_at < ${moment(range.end)} and ${concludedRow()} group by ra.ancestor_code`),
  ] as const);
  const entry = (code: string) => out.get(code) ?? out.set(code, { received: 0, accepted: 0, concluded: 0, substantiated: 0, onTime: 0 }).get(code)!;
  for (const r of received) Object.assign(entry(r.code), { received: r.received, accepted: r.accepted ?? 0 });
  for (const r of concluded) Object.assign(entry(r.code), { concluded: r.concluded, substantiated: r.substantiated ?? 0, onTime: r.onTime ?? 0 });
  return out;
}

/** A township's report signals for the spot-check draw (see townshipReportSignals). */
export interface TownshipReportSignals {
  /** Reports received since the window's start, merged ones left out. */
  reports: number;
  /** Reports whose running clock is past due (due_on before today) and that have not ended. */
  overdue: number;
  /** Of `reports`, those found substantiated or partly substantiated. */
  substantiated: number;
}

/** The report signals of every township within `scopeCode` that has reports, by township code. */
export async function townshipReportSignals(db: Executor, scopeCode: string, w: { today: string; reportsSince: number }): Promise<Map<string, TownshipReportSignals>> {
  const ended = sql.join(
    END_STATES.map((s) => sql`${s}`),
    sql`, `,
  );
  const rows = await query(db, (q) =>
    q.all<{ code: string } & TownshipReportSignals>(sql`
    select rp.township_code as code,
      sum(case when rp.received_at >= ${moment(w.reportsSince)} and rp.status <> 'merged' then 1 else 0 end) as reports,
      sum(case when rp.due_on is not null and rp.due_on < ${w.today} and rp.status not in (${ended}) then 1 else 0 end) as overdue,
      sum(case when rp.received_at >= ${moment(w.reportsSince)} and rp.status <> 'merged' and rp.finding in ('substantiated', 'partly') then 1 else 0 end) as substantiated
    from reports rp
    where ${regionWithin(sql`rp.township_code`, scopeCode)}
    group by rp.township_code`),
  );
  return new Map(rows.map(({ code, ...signals }) => [code, signals]));
}

// --- The province's 统计报表 (reporting's statistical tables, issue 24) ---

/** One region's counts in one category for the 统计报表: what an office counts in a month or quarter. */
export interface ReportCategoryCounts {
  /** 受理: reports placed in the region and received in the range. */
  received: number;
  /** 办结: concluded in the range and not being handled again (concludedRow). */
  concluded: number;
  /** 查实: of `concluded`, found 属实 or 部分属实. */
  substantiated: number;
  /** 在办: accepted before the range's end and not concluded by then, nor ended otherwise. */
  open: number;
}

export interface ReportCategoryCountRow extends ReportCategoryCounts {
  code: string;
  category: string;
}

/**
 * The 统计报表's counts of reports placed in each of `regionCodes` (anywhere within it, through the
 * closure), by region and category; a region and category with none has no row.
 *
 * 在办 is the state at the range's end as far as the rows still tell it: accepted before the end,
 * with no conclusion before the end that still stands, and not rejected, merged or withdrawn (those
 * end a report without a conclusion and carry no time of their own, so a report withdrawn after the
 * end is no longer counted as open at it). A report reopened since (复查/复核) is open again.
 */
export async function reportCountsByRegionAndCategory(db: Executor, regionCodes: readonly string[], range: InstantRange): Promise<ReportCategoryCountRow[]> {
  if (regionCodes.length === 0) return [];
  const reportsIn = sql`from reports r join ${regionAncestry(regionCodes)} ra on ra.region_code = r.place_code`;
  const endedWithout = sql.join(
    (['rejected', 'merged', 'withdrawn'] as const).map((s) => sql`${s}`),
    sql`, `,
  );
  const concludedByEnd = sql`${concludedRow()} and r.concluded_at < ${moment(range.end)}`;
  // The three counts in one go: receipts, conclusions and open cases of the same moment.
  const [received, concluded, open] = await query(db, async (q) => [
    await q.all<{ code: string; category: string; n: number }>(sql`
      select ra.ancestor_code as code, r.category as category, count(*) as n
      ${reportsIn} where r.received_at >= ${moment(range.start)} and r.received_at < ${moment(range.end)}
      group by ra.ancestor_code, r.category`),
    await q.all<{ code: string; category: string; n: number; substantiated: number | null }>(sql`
      select ra.ancestor_code as code, r.category as category, count(*) as n,
        ${countWhere(sql`r.finding in ('substantiated', 'partly')`)} as substantiated
      ${reportsIn} where r.concluded_at >= ${moment(range.start)} and r.concluded_at < ${moment(range.end)} and ${concludedRow()}
      group by ra.ancestor_code, r.category`),
    await q.all<{ code: string; category: string; n: number }>(sql`
      select ra.ancestor_code as code, r.category as category, count(*) as n
      ${reportsIn} where r.accepted_at is not null and r.accepted_at < ${moment(range.end)}
        and r.status not in (${endedWithout}) and not (${concludedByEnd})
      group by ra.ancestor_code, r.category`),
  ] as const);
  const rows = new Map<string, ReportCategoryCountRow>();
  const row = (code: string, category: string) => {
    const key = `${code}|${category}`;
    return rows.get(key) ?? rows.set(key, { code, category, received: 0, concluded: 0, substantiated: 0, open: 0 }).get(key)!;
  };
  for (const r of received) row(r.code, r.category).received = r.n;
  for (const r of concluded) Object.assign(row(r.code, r.category), { concluded: r.n, substantiated: r.substantiated ?? 0 });
  for (const r of open) row(r.code, r.category).open = r.n;
  return [...rows.values()];
}
