// The region reads behind the village search (village-search.ts), kept here so the search itself
// holds no SQL (DESIGN.md §6). The regions are read through their index.
import { inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { regions, type Region } from '../regions/index.js';

export async function countVillages(db: Executor): Promise<number> {
  return query(db, (q) => q.get<{ n: number }>(sql`SELECT count(*) AS n FROM regions WHERE level = 'village'`)?.n ?? 0);
}

/** Every village with its county (the township's parent), by code: what the village index holds. */
export async function villagesWithCounty(db: Executor): Promise<{ code: string; name: string; county: string | null }[]> {
  return query(db, (q) =>
    q.all<{ code: string; name: string; county: string | null }>(sql`
    SELECT v.code AS code, v.name AS name, t.parent_code AS county
    FROM regions v LEFT JOIN regions t ON t.code = v.parent_code
    WHERE v.level = 'village' ORDER BY v.code`),
  );
}

export async function regionsByCodes(db: Executor, codes: readonly string[]): Promise<Region[]> {
  if (codes.length === 0) return [];
  return query(db, (q) => q.select().from(regions).where(inArray(regions.code, [...codes])).all());
}

/** Cities, counties and townships (≈1,150 names). */
export async function areaNames(db: Executor): Promise<{ code: string; name: string; level: string }[]> {
  return query(db, (q) => q.select({ code: regions.code, name: regions.name, level: regions.level }).from(regions).where(inArray(regions.level, ['prefecture', 'county', 'township'])).all());
}

/** The ancestors (below the province) of these regions, farthest first. */
export async function ancestorNames(db: Executor, codes: readonly string[]): Promise<{ code: string; name: string; depth: number; level: string }[]> {
  return query(db, (q) =>
    q.all<{ code: string; name: string; depth: number; level: string }>(sql`
    SELECT a.region_code AS code, r.name AS name, a.depth AS depth, r.level AS level
    FROM region_ancestors a JOIN regions r ON r.code = a.ancestor_code
    WHERE a.region_code IN (${sql.join(codes.map((c) => sql`${c}`), sql`, `)}) AND a.depth > 0 AND r.level <> 'province'
    ORDER BY a.depth DESC`),
  );
}
