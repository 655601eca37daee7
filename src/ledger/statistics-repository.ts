// Counts of ledger items for reporting's live statistics. Regions are grouped through the regions'
// closure fragment, never code prefixes.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { countWhere, moment } from '../db/dialect.js';
import { query } from '../db/transaction.js';
import { regionAncestry } from '../regions/index.js';

export interface RectificationCounts {
  /** Items entered in the period. */
  total: number;
  /** Of those, the signed off. */
  signedOff: number;
}

/**
 * The ledger items of each of `regionCodes` (anywhere within it) entered in [start, end) (ms), by
 * that region, and how many of them are signed off. A region with none has no entry.
 */
export async function rectificationCountsByRegion(db: Executor, regionCodes: readonly string[], range: { start: number; end: number }): Promise<Map<string, RectificationCounts>> {
  if (regionCodes.length === 0) return new Map();
  // "signedOff" quoted: PostgreSQL folds an unquoted alias to lower case.
  const rows = await query(db, (q) =>
    q.all<{ code: string; total: number; signedOff: number | null }>(sql`
      select ra.ancestor_code as code, count(*) as total, ${countWhere(sql`i.status = 'signed_off'`)} as "signedOff"
      from rectification_items i join ${regionAncestry(regionCodes)} ra on ra.region_code = i.region_code
      where i.created_at >= ${moment(range.start)} and i.created_at < ${moment(range.end)} group by ra.ancestor_code`),
  );
  return new Map(rows.map((r) => [r.code, { total: r.total, signedOff: r.signedOff ?? 0 }]));
}
