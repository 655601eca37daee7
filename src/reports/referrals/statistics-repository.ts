// Counts of referrals (移送) for reporting's live statistics. A referral belongs to the region its
// report is placed in; regions are grouped through the regions' closure fragment.
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/executor.js';
import { moment } from '../../db/dialect.js';
import { query } from '../../db/transaction.js';
import { regionAncestry } from '../../regions/index.js';
import type { InstantRange } from '../statistics.js';

/**
 * Misconduct parts referred in `range`, of reports placed in each of `regionCodes` (anywhere within
 * it), by that region. A region with none has no entry.
 */
export async function referralCountsByRegion(db: Executor, regionCodes: readonly string[], range: InstantRange): Promise<Map<string, number>> {
  if (regionCodes.length === 0) return new Map();
  const rows = await query(db, (q) =>
    q.all<{ code: string; referrals: number }>(sql`
      select ra.ancestor_code as code, count(*) as referrals
      from referrals f join reports r on r.id = f.report_id join ${regionAncestry(regionCodes)} ra on ra.region_code = r.place_code
      where f.referred_at >= ${moment(range.start)} and f.referred_at < ${moment(range.end)} group by ra.ancestor_code`),
  );
  return new Map(rows.map((r) => [r.code, r.referrals]));
}
