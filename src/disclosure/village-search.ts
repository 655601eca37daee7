// Finding a village by name: a prefix or any two characters of it (东安 finds 东安村 and 新东安村).
// Village names go into the CJK full-text index (src/search/fts.ts) as type 'village' (a table of their own), scoped
// by county; townships, counties and cities are few enough (≈1,150) to match with LIKE.
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { regions } from '../regions/index.js';
import { bulkIndexer, countDocuments, removeAllDocuments, searchIds } from '../search/fts.js';
import { queryTerms } from '../search/tokenize.js';

export const VILLAGE_DOC = 'village';
const MAX_HITS = 200;
export const SEARCH_RESULTS = 50;

/**
 * Indexes every village name once (≈11,860 rows, ≈0.2–0.5 s in one transaction).
 * Idempotent: when as many villages are indexed as exist, it does nothing and returns 0.
 */
export function indexVillageNames(db: Db): number {
  const total = db.get<{ n: number }>(sql`SELECT count(*) AS n FROM regions WHERE level = 'village'`)?.n ?? 0;
  const indexed = countDocuments(db, VILLAGE_DOC);
  if (indexed >= total) return 0;
  const rows = db.all<{ code: string; name: string; county: string | null }>(sql`
    SELECT v.code AS code, v.name AS name, t.parent_code AS county
    FROM regions v LEFT JOIN regions t ON t.code = v.parent_code
    WHERE v.level = 'village' ORDER BY v.code`);
  // indexDocument() per village costs ≈1.2 s (a savepoint and three statements each), paid by
  // every fresh database (each test app too). Written in bulk with prepared statements it takes ≈0.2 s.
  const client = db.$client;
  const add = bulkIndexer(client, VILLAGE_DOC);
  client.transaction(() => {
    // A partial index (an interrupted start) is rebuilt from nothing.
    if (indexed > 0) removeAllDocuments(db, VILLAGE_DOC);
    for (const r of rows) add({ id: r.code, scope: r.county, text: r.name });
  })();
  return rows.length;
}

export interface PlaceHit {
  code: string;
  name: string;
  level: string;
  /** 长春市 南关区 南岭街道, for telling apart villages of the same name. */
  within: string;
}

function rank(name: string, query: string): number {
  if (name === query) return 0;
  if (name.startsWith(query)) return 1;
  return 2;
}

/**
 * Villages whose name contains the query's characters next to each other (bigram phrase), or, when
 * none does, all of its characters anywhere (迎岭 → 迎南岭村); names starting with the query first.
 */
export function searchVillages(db: Db, input: string): PlaceHit[] {
  const query = input.normalize('NFKC').replace(/\s+/gu, '').slice(0, 40);
  if (queryTerms(query).length === 0) return [];
  let hits = searchIds(db, { type: VILLAGE_DOC, query, limit: MAX_HITS });
  if (hits.length === 0 && Array.from(query).length > 1) {
    hits = searchIds(db, { type: VILLAGE_DOC, query: Array.from(query).join(' '), limit: MAX_HITS });
  }
  const codes = hits.map((h) => h.id);
  const villages = codes.length ? db.select().from(regions).where(inArray(regions.code, codes)).all() : [];
  villages.sort((a, b) => rank(a.name, query) - rank(b.name, query) || Array.from(a.name).length - Array.from(b.name).length || a.code.localeCompare(b.code));
  const places = searchAreas(db, query);
  const top = villages.slice(0, SEARCH_RESULTS);
  return [...places, ...withChains(db, top.map((v) => ({ code: v.code, name: v.name, level: v.level })))];
}

/** Cities, counties and townships whose name contains the query (南岭 → 南岭街道); ≈1,150 names, read once. */
function searchAreas(db: Db, query: string): PlaceHit[] {
  let names = areaNames.get(db);
  if (!names) {
    names = db.select({ code: regions.code, name: regions.name, level: regions.level }).from(regions).where(inArray(regions.level, ['prefecture', 'county', 'township'])).all();
    areaNames.set(db, names);
  }
  const rows = names.filter((r) => r.name.normalize('NFKC').includes(query));
  rows.sort((a, b) => rank(a.name, query) - rank(b.name, query) || a.code.localeCompare(b.code));
  return withChains(db, rows.slice(0, SEARCH_RESULTS));
}
const areaNames = new WeakMap<Db, { code: string; name: string; level: string }[]>();

function withChains(db: Db, rows: { code: string; name: string; level: string }[]): PlaceHit[] {
  if (rows.length === 0) return [];
  const pairs = db.all<{ code: string; name: string; depth: number; level: string }>(sql`
    SELECT a.region_code AS code, r.name AS name, a.depth AS depth, r.level AS level
    FROM region_ancestors a JOIN regions r ON r.code = a.ancestor_code
    WHERE a.region_code IN (${sql.join(rows.map((r) => sql`${r.code}`), sql`, `)}) AND a.depth > 0 AND r.level <> 'province'
    ORDER BY a.depth DESC`);
  const within = new Map<string, string[]>();
  for (const p of pairs) within.set(p.code, [...(within.get(p.code) ?? []), p.name]);
  return rows.map((r) => ({ ...r, within: (within.get(r.code) ?? []).join(' ') }));
}
