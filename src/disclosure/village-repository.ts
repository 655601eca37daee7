// The region reads and the bulk index write behind the village search (village-search.ts), kept
// here so the search itself holds no SQL (DESIGN.md §6). The regions are read through their index.
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { regions, type Region } from '../regions/index.js';
import { bulkIndexer, removeAllDocuments } from '../search/index.js';

export function countVillages(db: Db): number {
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM regions WHERE level = 'village'`)?.n ?? 0;
}

/** Every village with its county (the township's parent), by code: what the village index holds. */
export function villagesWithCounty(db: Db): { code: string; name: string; county: string | null }[] {
  return db.all<{ code: string; name: string; county: string | null }>(sql`
    SELECT v.code AS code, v.name AS name, t.parent_code AS county
    FROM regions v LEFT JOIN regions t ON t.code = v.parent_code
    WHERE v.level = 'village' ORDER BY v.code`);
}

/**
 * Writes the village documents in one transaction with prepared statements: indexDocument() per
 * village costs ≈1.2 s (a savepoint and three statements each), paid by every fresh database (each
 * test app too); in bulk it takes ≈0.2 s. With `rebuild`, a partial index is emptied first.
 */
export function writeVillageIndex(db: Db, type: 'village', rows: readonly { code: string; name: string; county: string | null }[], rebuild: boolean): void {
  const client = db.$client;
  const add = bulkIndexer(client, type);
  client.transaction(() => {
    if (rebuild) removeAllDocuments(db, type);
    for (const r of rows) add({ id: r.code, scope: r.county, text: r.name });
  })();
}

export function regionsByCodes(db: Db, codes: readonly string[]): Region[] {
  return codes.length ? db.select().from(regions).where(inArray(regions.code, [...codes])).all() : [];
}

/** Cities, counties and townships (≈1,150 names). */
export function areaNames(db: Db): { code: string; name: string; level: string }[] {
  return db.select({ code: regions.code, name: regions.name, level: regions.level }).from(regions).where(inArray(regions.level, ['prefecture', 'county', 'township'])).all();
}

/** The ancestors (below the province) of these regions, farthest first. */
export function ancestorNames(db: Db, codes: readonly string[]): { code: string; name: string; depth: number; level: string }[] {
  return db.all<{ code: string; name: string; depth: number; level: string }>(sql`
    SELECT a.region_code AS code, r.name AS name, a.depth AS depth, r.level AS level
    FROM region_ancestors a JOIN regions r ON r.code = a.ancestor_code
    WHERE a.region_code IN (${sql.join(codes.map((c) => sql`${c}`), sql`, `)}) AND a.depth > 0 AND r.level <> 'province'
    ORDER BY a.depth DESC`);
}
