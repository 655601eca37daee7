// Counts over the rosters for other features: reporting's live statistics (recipients of a region
// on a day) and the spot checks' signals (villages whose roster was not posted lately). Regions are
// grouped and scoped through the regions' closure fragments, never code prefixes.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { regionAncestry, regionWithin } from '../regions/index.js';

export interface RecipientCounts {
  /** Households on the roster. */
  households: number;
  /** Persons in those households. */
  persons: number;
}

/**
 * The recipients on the rosters of the villages of each of `regionCodes` (anywhere within it) at
 * the end of `onDate` (a China date, YYYY-MM-DD), by that region: on the roster since that day or
 * before, not removed by then (a removal without a date counts as removed). A region with none has no entry.
 */
export async function recipientCountsByRegion(db: Executor, regionCodes: readonly string[], onDate: string): Promise<Map<string, RecipientCounts>> {
  if (regionCodes.length === 0) return new Map();
  const rows = await query(db, (q) =>
    q.all<{ code: string; households: number; persons: number | null }>(sql`
      select ra.ancestor_code as code, count(*) as households, sum(p.household_size) as persons
      from recipients p join ${regionAncestry(regionCodes)} ra on ra.region_code = p.village_code
      where p.since_on <= ${onDate} and (p.removed_on is null or p.removed_on > ${onDate}) and not (p.status = 'removed' and p.removed_on is null)
      group by ra.ancestor_code`),
  );
  return new Map(rows.map((r) => [r.code, { households: r.households, persons: r.persons ?? 0 }]));
}

/**
 * Of every township within `scopeCode`, how many villages have active recipients and no posting
 * starting on or after `postedSince` (a stale roster), by township code; townships with none have no entry.
 */
export async function staleVillagesByTownship(db: Executor, scopeCode: string, postedSince: string): Promise<Map<string, number>> {
  const rows = await query(db, (q) =>
    q.all<{ code: string; villages: number }>(sql`
    select rc.township_code as code, count(distinct rc.village_code) as villages
    from recipients rc
    where rc.status = 'active'
      and ${regionWithin(sql`rc.township_code`, scopeCode)}
      and not exists (select 1 from postings p where p.village_code = rc.village_code and p.starts_on >= ${postedSince})
    group by rc.township_code`),
  );
  return new Map(rows.map((r) => [r.code, r.villages]));
}
