import { and, asc, eq, gt, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { query, withTransaction } from '../db/transaction.js';
import { regionAncestors, regions } from './tables.js';
import type { RegionRow } from './load.js';
import { perDatabase } from '../db/per-database.js';
import { qualified } from '../db/qualified.js';
import { FALSE } from '../db/dialect.js';

export type Region = typeof regions.$inferSelect;

/** Children lists by database: regions are written once, on an empty database (installRegions), and pickers and filters on every page ask for them. */
const childrenCache = perDatabase<string, Region[]>();
/** Regions by code, for the same reason: a staff inbox filtered by a region asks for it on every view (issue 22). At most the province's ≈ 13,000 regions. */
const regionCache = perDatabase<string, Region>();

export async function countRegions(db: Executor): Promise<number> {
  return (await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(regions).get()))!.n;
}

export async function insertRegions(db: Db, rows: RegionRow[], pairs: { regionCode: string; ancestorCode: string; depth: number }[]): Promise<void> {
  childrenCache.clear(db);
  regionCache.clear(db);
  await withTransaction(db, (tx) =>
    query(tx, async (q) => {
      for (let i = 0; i < rows.length; i += 500) await q.insert(regions).values(rows.slice(i, i + 500)).run();
      for (let i = 0; i < pairs.length; i += 500) await q.insert(regionAncestors).values(pairs.slice(i, i + 500)).run();
    }),
  );
}

export async function findRegion(db: Executor, code: string): Promise<Region | undefined> {
  // An unknown code is not kept (undefined is asked again): a typed or forged code cannot fill the cache.
  const region = await regionCache.get(db, code, () => query(db, (q) => q.select().from(regions).where(eq(regions.code, code)).get()));
  return region ? { ...region } : undefined;
}

export async function childrenOf(db: Executor, parentCode: string): Promise<Region[]> {
  const children = await childrenCache.get(db, parentCode, async () => {
    const rows = await query(db, (q) => q.select().from(regions).where(eq(regions.parentCode, parentCode)).orderBy(asc(regions.code)).all());
    // An empty answer may come before the regions are installed: not kept.
    return rows.length > 0 ? rows : undefined;
  });
  return children ? [...children] : [];
}

export async function regionsAtLevel(db: Executor, level: string): Promise<Region[]> {
  return query(db, (q) => q.select().from(regions).where(eq(regions.level, level)).orderBy(asc(regions.code)).all());
}

/** The chain from the province down to the region itself. */
export async function ancestorsOf(db: Executor, code: string): Promise<Region[]> {
  const rows = await query(db, (q) =>
    q
      .select({ region: regions })
      .from(regionAncestors)
      .innerJoin(regions, eq(regions.code, regionAncestors.ancestorCode))
      .where(eq(regionAncestors.regionCode, code))
      .orderBy(sql`${regionAncestors.depth} desc`)
      .all(),
  );
  return rows.map((r) => r.region);
}

export async function isWithin(db: Executor, code: string, ancestorCode: string): Promise<boolean> {
  const row = await query(db, (q) =>
    q
      .select({ d: regionAncestors.depth })
      .from(regionAncestors)
      .where(and(eq(regionAncestors.regionCode, code), eq(regionAncestors.ancestorCode, ancestorCode)))
      .get(),
  );
  return row !== undefined;
}

export async function findRegions(db: Executor, codes: string[]): Promise<Region[]> {
  if (codes.length === 0) return [];
  return query(db, (q) => q.select().from(regions).where(inArray(regions.code, codes)).all());
}

/** Every village-level place with its township, county and prefecture, by code (the demo files reports there). */
export async function villagePlaces(db: Executor): Promise<{ village: string; township: string; county: string; prefecture: string; kind: string }[]> {
  return query(db, (q) =>
    q.all<{ village: string; township: string; county: string; prefecture: string; kind: string }>(sql`
      select v.code as village, t.code as township, c.code as county, c.parent_code as prefecture, v.kind as kind
      from regions v join regions t on t.code = v.parent_code join regions c on c.code = t.parent_code
      where v.level = 'village' order by v.code`),
  );
}

/** One ancestor of a region, with the ancestor's name and level (see ancestorsOfMany). */
export interface AncestorRow {
  /** The region asked about. */
  code: string;
  /** One of its ancestors, the region itself included (depth 0). */
  ancestorCode: string;
  name: string;
  level: string;
  /** How many levels the ancestor lies above `code` (0: the region itself). */
  depth: number;
}

/**
 * Every ancestor (the region itself included) of each of `codes`, with its name and level, by code
 * then farthest ancestor first: one query per 500 codes. E.g. "县 乡镇 村" labels for many villages:
 * keep the rows of levels county, township and village.
 */
export async function ancestorsOfMany(db: Executor, codes: readonly string[]): Promise<AncestorRow[]> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return [];
  return query(db, async (q) => {
    const out: AncestorRow[] = [];
    for (let i = 0; i < unique.length; i += 500) {
      out.push(
        ...(await q
          .select({ code: regionAncestors.regionCode, ancestorCode: regionAncestors.ancestorCode, name: regions.name, level: regions.level, depth: regionAncestors.depth })
          .from(regionAncestors)
          .innerJoin(regions, eq(regions.code, regionAncestors.ancestorCode))
          .where(inArray(regionAncestors.regionCode, unique.slice(i, i + 500)))
          .orderBy(asc(regionAncestors.regionCode), sql`${regionAncestors.depth} desc`)
          .all()),
      );
    }
    return out;
  });
}

/**
 * The regions within `code` (the region itself included unless `strict`), optionally only those
 * at `levels`, by code. E.g. the townships of a county: `regionsWithin(db, county, { levels: ['township'] })`.
 */
export async function regionsWithin(db: Executor, code: string, opts: { levels?: readonly string[]; strict?: boolean } = {}): Promise<Region[]> {
  if (opts.levels && opts.levels.length === 0) return [];
  const rows = await query(db, (q) =>
    q
      .select({ region: regions })
      .from(regionAncestors)
      .innerJoin(regions, eq(regions.code, regionAncestors.regionCode))
      .where(and(eq(regionAncestors.ancestorCode, code), opts.strict ? gt(regionAncestors.depth, 0) : undefined, opts.levels ? inArray(regions.level, [...opts.levels]) : undefined))
      .orderBy(asc(regions.code))
      .all(),
  );
  return rows.map((r) => r.region);
}

/** The regions at any of `levels`, by code (e.g. every prefecture, county and township). */
export async function regionsAtLevels(db: Executor, levels: readonly string[]): Promise<Region[]> {
  if (levels.length === 0) return [];
  return query(db, (q) => q.select().from(regions).where(inArray(regions.level, [...levels])).orderBy(asc(regions.code)).all());
}

/** How many regions there are at `level` (e.g. 'village'). */
export async function countRegionsAtLevel(db: Executor, level: string): Promise<number> {
  return (await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(regions).where(eq(regions.level, level)).get()))!.n;
}

/** Every village with its name and its county (its township's parent; null without a township), by code. */
export async function villagesWithCounty(db: Executor): Promise<{ code: string; name: string; county: string | null }[]> {
  return query(db, (q) =>
    q.all<{ code: string; name: string; county: string | null }>(sql`
      select v.code as code, v.name as name, t.parent_code as county
      from regions v left join regions t on t.code = v.parent_code
      where v.level = 'village' order by v.code`),
  );
}

/** Which of `codes` lie within (or are) one of `ancestorCodes`: one closure query per 500 codes. */
export async function codesWithinAny(db: Executor, codes: readonly string[], ancestorCodes: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(codes)];
  if (ancestorCodes.length === 0 || unique.length === 0) return new Set();
  return query(db, async (q) => {
    const found = new Set<string>();
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await q
        .selectDistinct({ code: regionAncestors.regionCode })
        .from(regionAncestors)
        .where(and(inArray(regionAncestors.regionCode, unique.slice(i, i + 500)), inArray(regionAncestors.ancestorCode, [...ancestorCodes])))
        .all();
      for (const r of rows) found.add(r.code);
    }
    return found;
  });
}

// --- Conditions and values for other features' repositories ----------------------------------
// The regions' tables are private (issue 17): another feature's repository that needs a region's
// name or "within this region" keeps its one statement and puts one of these fragments in it, over
// a column of its own table (a drizzle column, or sql`alias.column` in a raw statement). They are
// built, not run, so not async. The table names inside are aliased (region_of, ancestry_of …) so
// that a caller's own tables never shadow them. A NULL column gives NULL (a value) or no match (a
// condition, see each).

/**
 * Condition: the region in `column` lies within (or is) `ancestorCode`.
 * `q.select().from(items).where(regionWithin(items.regionCode, countyCode))`;
 * raw: sql`… where ${regionWithin(sql`i.region_code`, code)}`. NULL: no match.
 */
export function regionWithin(column: SQLWrapper, ancestorCode: string): SQL {
  return sql`${qualified(column)} in (select within_.region_code from region_ancestors within_ where within_.ancestor_code = ${ancestorCode})`;
}

/**
 * Condition: the region in `column` lies within (or is) one of `ancestorCodes` (no codes: false).
 * `where(or(regionWithinAny(declarants.homeVillageCode, scope.regionCodes), …))`. NULL: false.
 */
export function regionWithinAny(column: SQLWrapper, ancestorCodes: readonly string[]): SQL {
  if (ancestorCodes.length === 0) return FALSE;
  return sql`exists (select 1 from region_ancestors within_ where within_.region_code = ${qualified(column)} and within_.ancestor_code in (${sql.join(
    ancestorCodes.map((c) => sql`${c}`),
    sql`, `,
  )}))`;
}

/**
 * Condition: the region in `column` is `regionCode` or one of its ancestors (the reverse of
 * regionWithin): the hotlines that serve a place, `where(regionEncloses(hotlines.regionCode, place))`.
 */
export function regionEncloses(column: SQLWrapper, regionCode: string): SQL {
  return sql`${qualified(column)} in (select encloses_.ancestor_code from region_ancestors encloses_ where encloses_.region_code = ${regionCode})`;
}

/**
 * Value: how many levels the region in `column` lies above `regionCode` (0: it is `regionCode`),
 * or NULL where it does not enclose it. Nearest first: `orderBy(asc(regionDepthAbove(hotlines.regionCode, place)))`.
 */
export function regionDepthAbove(column: SQLWrapper, regionCode: string): SQL<number | null> {
  return sql<number | null>`(select depth_.depth from region_ancestors depth_ where depth_.region_code = ${regionCode} and depth_.ancestor_code = ${qualified(column)})`;
}

/** Value: the name of the region in `column` (NULL if none). `select({ item: items, regionName: regionNameOf(items.regionCode) })`. */
export function regionNameOf(column: SQLWrapper): SQL<string | null> {
  return sql<string | null>`(select region_of.name from regions region_of where region_of.code = ${qualified(column)})`;
}

/** Value: the level (province … village) of the region in `column`. `where(eq(regionLevelOf(units.regionCode), 'county'))`. */
export function regionLevelOf(column: SQLWrapper): SQL<string | null> {
  return sql<string | null>`(select region_of.level from regions region_of where region_of.code = ${qualified(column)})`;
}

/**
 * Value: the parent code of the region in `column` (a village's township, a township's county).
 * `select({ target: spotCheckTargets, countyCode: regionParentOf(spotCheckTargets.townshipCode) })`;
 * raw: sql`… where ${regionParentOf(sql`d.home_village_code`)} = ${townshipCode}`.
 */
export function regionParentOf(column: SQLWrapper): SQL<string | null> {
  return sql<string | null>`(select region_of.parent_code from regions region_of where region_of.code = ${qualified(column)})`;
}

/**
 * Value: the ancestor at `level` of the region in `column` (itself if it is at that level), or NULL.
 * The prefecture of a ledger item: `regionAncestorAtLevel(sql`i.region_code`, 'prefecture')`.
 */
export function regionAncestorAtLevel(column: SQLWrapper, level: string): SQL<string | null> {
  return sql<string | null>`(select ancestor_at_.ancestor_code from region_ancestors ancestor_at_ join regions level_of_ on level_of_.code = ancestor_at_.ancestor_code
    where ancestor_at_.region_code = ${qualified(column)} and level_of_.level = ${level})`;
}

/**
 * A derived table for grouping by region: one row (region_code, ancestor_code, depth) for each region
 * within one of `ancestorCodes` and that ancestor. Join it under an alias of yours and group by its
 * ancestor_code: counts per region of what lies in it,
 *   sql`select ra.ancestor_code as code, count(*) as n from reports r
 *       join ${regionAncestry(codes)} ra on ra.region_code = r.place_code group by ra.ancestor_code`
 * No codes: no rows.
 */
export function regionAncestry(ancestorCodes: readonly string[]): SQL {
  if (ancestorCodes.length === 0) return sql`(select region_code, ancestor_code, depth from region_ancestors where ${FALSE})`;
  return sql`(select region_code, ancestor_code, depth from region_ancestors where ancestor_code in (${sql.join(
    ancestorCodes.map((c) => sql`${c}`),
    sql`, `,
  )}))`;
}
