// The live statistics of regions for a period, composed from the counts each feature gives over its
// own tables (reports and referrals, ledger items, typical cases, recipients), every one grouped by
// the regions asked for through the region_ancestors closure (DESIGN.md §2), never code prefixes.
import type { Executor } from '../db/executor.js';
import { addDays } from '../clocks/index.js';
import { referralCountsByRegion, reportCountsByRegion } from '../reports/index.js';
import { rectificationCountsByRegion } from '../ledger/index.js';
import { publishedCaseCountsByRegion } from '../cases/index.js';
import { recipientCountsByRegion } from '../disclosure/index.js';
import { emptyCounts, type Statistics } from './statistics.js';

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
 * Live statistics for several regions at once (one grouped count per feature and period column):
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
  const range = { start: startOfDay(period.from), end: startOfDay(addDays(period.to, 1)) };
  const [reports, referrals, rectification, cases, recipients] = await Promise.all([
    reportCountsByRegion(db, regionCodes, range),
    referralCountsByRegion(db, regionCodes, range),
    rectificationCountsByRegion(db, regionCodes, range),
    publishedCaseCountsByRegion(db, regionCodes, period.quarters),
    recipientCountsByRegion(db, regionCodes, period.to),
  ]);
  for (const [code, s] of out) {
    const c = s.counts;
    const r = reports.get(code);
    if (r) Object.assign(c, { received: r.received, accepted: r.accepted, concluded: r.concluded, substantiated: r.substantiated, onTime: r.onTime });
    c.referrals = referrals.get(code) ?? 0;
    c.rectificationTotal = rectification.get(code)?.total ?? 0;
    c.rectificationSignedOff = rectification.get(code)?.signedOff ?? 0;
    c.casesPublished = cases.get(code) ?? 0;
    c.recipients = recipients.get(code)?.households ?? 0;
    c.recipientPersons = recipients.get(code)?.persons ?? 0;
  }
  return out;
}
