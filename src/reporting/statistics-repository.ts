// Counts the statistics of regions for a period, straight from the feature tables. Scope follows
// the region_ancestors closure (DESIGN.md §2), never code prefixes.
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { addDays } from '../clocks/index.js';
import { COUNT_KEYS, emptyCounts, type CountKey, type Statistics } from './statistics.js';

const CST_OFFSET_MS = 8 * 3600_000;

/** Milliseconds of the start of a China calendar date. */
function startOfDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) - CST_OFFSET_MS;
}

interface Period {
  from: string;
  to: string;
  /** The quarter labels of typical cases in the period (2026Q1 …). */
  quarters: string[];
}

/**
 * Live statistics for several regions at once (one grouped query per table and period column;
 * figures over the same rows are counted by the same query).
 * - received: reports placed in the region and received in the period; accepted: of those, the accepted;
 * - concluded: concluded in the period; substantiated: of those, found 属实 or 部分属实; on time: of those,
 *   concluded on or before the legal handling deadline (handlingDue);
 * - referrals: misconduct parts referred (移送) in the period, of reports placed in the region;
 * - rectification: ledger items of the region entered in the period, and of those the signed off;
 * - typical cases published with a quarter in the period;
 * - recipients (households and persons) on the rosters of the region's villages at the period's end.
 */
export async function liveStatistics(db: Executor, regionCodes: string[], period: Period): Promise<Map<string, Statistics>> {
  const out = new Map<string, Statistics>();
  for (const code of regionCodes) out.set(code, { version: 1, from: period.from, to: period.to, counts: emptyCounts(), units: 1 });
  if (regionCodes.length === 0) return out;
  const start = startOfDay(period.from);
  const end = startOfDay(addDays(period.to, 1));
  const within = sql`ra.ancestor_code in (${sql.join(
    regionCodes.map((c) => sql`${c}`),
    sql`, `,
  )})`;

  // Phase 2: these read other features' tables (reports, referrals, rectification_items, typical_cases,
  // recipients, region_ancestors); the counts belong together, so they run in one `query`.
  const statements: SQL[] = [];
  /** Queues a query grouped by region (`code`) whose other columns are named after counts. */
  const add = (statement: SQL) => statements.push(statement);
  const reportsIn = sql`from reports r join region_ancestors ra on ra.region_code = r.place_code where ${within}`;
  add(sql`select ra.ancestor_code as code, count(*) as received, sum(r.accepted_at is not null) as accepted
      ${reportsIn} and r.received_at >= ${start} and r.received_at < ${end} group by ra.ancestor_code`);
  // On time: the concluding day in China time against the legal deadline (a YYYY-MM-DD date).
  add(sql`select ra.ancestor_code as code, count(*) as concluded,
        sum(r.finding in ('substantiated', 'partly')) as substantiated,
        sum(r.handling_due is not null and date(r.concluded_at / 1000 + 28800, 'unixepoch') <= r.handling_due) as onTime
      ${reportsIn} and r.concluded_at >= ${start} and r.concluded_at < ${end} group by ra.ancestor_code`);
  add(sql`select ra.ancestor_code as code, count(*) as referrals from referrals f join reports r on r.id = f.report_id join region_ancestors ra on ra.region_code = r.place_code
      where ${within} and f.referred_at >= ${start} and f.referred_at < ${end} group by ra.ancestor_code`);
  add(sql`select ra.ancestor_code as code, count(*) as rectificationTotal, sum(i.status = 'signed_off') as rectificationSignedOff
      from rectification_items i join region_ancestors ra on ra.region_code = i.region_code
      where ${within} and i.created_at >= ${start} and i.created_at < ${end} group by ra.ancestor_code`);
  if (period.quarters.length > 0) {
    add(sql`select ra.ancestor_code as code, count(*) as casesPublished from typical_cases c join region_ancestors ra on ra.region_code = c.region_code
        where ${within} and c.status = 'published' and c.quarter in (${sql.join(
          period.quarters.map((q) => sql`${q}`),
          sql`, `,
        )}) group by ra.ancestor_code`);
  }
  add(sql`select ra.ancestor_code as code, count(*) as recipients, sum(p.household_size) as recipientPersons
      from recipients p join region_ancestors ra on ra.region_code = p.village_code
      where ${within} and p.since_on <= ${period.to} and (p.removed_on is null or p.removed_on > ${period.to}) and not (p.status = 'removed' and p.removed_on is null)
      group by ra.ancestor_code`);
  const results = await query(db, (q) => statements.map((statement) => q.all<{ code: string } & Partial<Record<CountKey, number | null>>>(statement)));
  for (const rows of results) {
    for (const row of rows) {
      const s = out.get(row.code);
      if (!s) continue;
      for (const key of COUNT_KEYS) if (key in row) s.counts[key] = row[key] ?? 0;
    }
  }
  return out;
}
