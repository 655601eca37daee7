// Counts of typical cases for reporting's live statistics. Regions are grouped through the regions'
// closure fragment, never code prefixes.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { regionAncestry } from '../regions/index.js';

/**
 * Typical cases published with one of `quarters` (2026Q1 …) of each of `regionCodes` (anywhere
 * within it), by that region. A region with none has no entry; no quarters, no counts.
 */
export async function publishedCaseCountsByRegion(db: Executor, regionCodes: readonly string[], quarters: readonly string[]): Promise<Map<string, number>> {
  if (regionCodes.length === 0 || quarters.length === 0) return new Map();
  const rows = await query(db, (q) =>
    q.all<{ code: string; published: number }>(sql`
      select ra.ancestor_code as code, count(*) as published
      from typical_cases c join ${regionAncestry(regionCodes)} ra on ra.region_code = c.region_code
      where c.status = 'published' and c.quarter in (${sql.join(
        quarters.map((x) => sql`${x}`),
        sql`, `,
      )}) group by ra.ancestor_code`),
  );
  return new Map(rows.map((r) => [r.code, r.published]));
}
