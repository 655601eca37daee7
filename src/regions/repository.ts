import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { query, withTransaction } from '../db/transaction.js';
import { regionAncestors, regions } from './tables.js';
import type { RegionRow } from './load.js';
import { perDatabase } from '../db/per-database.js';

export type Region = typeof regions.$inferSelect;

/** Children lists by database: regions are written once, on an empty database (installRegions), and pickers and filters on every page ask for them. */
const childrenCache = perDatabase<string, Region[]>();

export async function countRegions(db: Executor): Promise<number> {
  return query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(regions).get()!.n);
}

export async function insertRegions(db: Db, rows: RegionRow[], pairs: { regionCode: string; ancestorCode: string; depth: number }[]): Promise<void> {
  childrenCache.clear(db);
  await withTransaction(db, (tx) =>
    query(tx, (q) => {
      for (let i = 0; i < rows.length; i += 500) q.insert(regions).values(rows.slice(i, i + 500)).run();
      for (let i = 0; i < pairs.length; i += 500) q.insert(regionAncestors).values(pairs.slice(i, i + 500)).run();
    }),
  );
}

export async function findRegion(db: Executor, code: string): Promise<Region | undefined> {
  return query(db, (q) => q.select().from(regions).where(eq(regions.code, code)).get());
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
  return query(db, (q) =>
    q
      .select({ region: regions })
      .from(regionAncestors)
      .innerJoin(regions, eq(regions.code, regionAncestors.ancestorCode))
      .where(eq(regionAncestors.regionCode, code))
      .orderBy(sql`${regionAncestors.depth} desc`)
      .all()
      .map((r) => r.region),
  );
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
