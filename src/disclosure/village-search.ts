// Finding a village by name: a prefix or any two characters of it (东安 finds 东安村 and 新东安村).
// Village names go into the CJK full-text index (src/search/repository.ts) as type 'village' (a table of their own), scoped
// by county; townships, counties and cities are few enough (≈1,150) to match with LIKE.
import type { Db } from '../db/connection.js';
import { withTransaction } from '../db/transaction.js';
import { ancestorsOfMany, countRegionsAtLevel, findRegions, regionsAtLevels, villagesWithCounty } from '../regions/index.js';
import { countDocuments, indexNewDocuments, queryTerms, searchIds } from '../search/index.js';

export const VILLAGE_DOC = 'village' as const;
const MAX_HITS = 200;
export const SEARCH_RESULTS = 50;

/**
 * Indexes every village name once (≈11,860 rows, ≈0.2–0.5 s in one transaction).
 * Idempotent: when as many villages are indexed as exist, it does nothing and returns 0.
 */
export async function indexVillageNames(db: Db): Promise<number> {
  const total = await countRegionsAtLevel(db, 'village');
  const indexed = await countDocuments(db, VILLAGE_DOC);
  if (indexed >= total) return 0;
  const rows = await villagesWithCounty(db);
  // In bulk, in one transaction (≈0.2 s rather than ≈1.2 s); a partial index (an interrupted start) is rebuilt from nothing.
  const docs = rows.map((r) => ({ id: r.code, scope: r.county, text: r.name }));
  // Counted again inside the transaction: another node starting on the same PostgreSQL database may
  // have indexed them meanwhile (write transactions there run one at a time).
  const done = await withTransaction(db, async (tx) => {
    const now = await countDocuments(tx, VILLAGE_DOC);
    if (now >= total) return false;
    await indexNewDocuments(tx, VILLAGE_DOC, docs, { replaceAll: now > 0 });
    return true;
  });
  return done ? rows.length : 0;
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
export async function searchVillages(db: Db, input: string): Promise<PlaceHit[]> {
  const query = input.normalize('NFKC').replace(/\s+/gu, '').slice(0, 40);
  if (queryTerms(query).length === 0) return [];
  let hits = await searchIds(db, { type: VILLAGE_DOC, query, limit: MAX_HITS });
  if (hits.length === 0 && Array.from(query).length > 1) {
    hits = await searchIds(db, { type: VILLAGE_DOC, query: Array.from(query).join(' '), limit: MAX_HITS });
  }
  const codes = hits.map((h) => h.id);
  const villages = await findRegions(db, codes);
  villages.sort((a, b) => rank(a.name, query) - rank(b.name, query) || Array.from(a.name).length - Array.from(b.name).length || a.code.localeCompare(b.code));
  const places = await searchAreas(db, query);
  const top = villages.slice(0, SEARCH_RESULTS);
  return [...places, ...(await withChains(db, top.map((v) => ({ code: v.code, name: v.name, level: v.level }))))];
}

/** Cities, counties and townships whose name contains the query (南岭 → 南岭街道); ≈1,150 names, read once. */
async function searchAreas(db: Db, query: string): Promise<PlaceHit[]> {
  let names = areaNames.get(db);
  if (!names) {
    names = (await regionsAtLevels(db, ['prefecture', 'county', 'township'])).map((r) => ({ code: r.code, name: r.name, level: r.level }));
    areaNames.set(db, names);
  }
  const rows = names.filter((r) => r.name.normalize('NFKC').includes(query));
  rows.sort((a, b) => rank(a.name, query) - rank(b.name, query) || a.code.localeCompare(b.code));
  return withChains(db, rows.slice(0, SEARCH_RESULTS));
}
const areaNames = new WeakMap<Db, { code: string; name: string; level: string }[]>();

async function withChains(db: Db, rows: { code: string; name: string; level: string }[]): Promise<PlaceHit[]> {
  if (rows.length === 0) return [];
  // Each place's ancestors below the province, farthest first.
  const pairs = (await ancestorsOfMany(db, rows.map((r) => r.code))).filter((p) => p.depth > 0 && p.level !== 'province');
  const within = new Map<string, string[]>();
  for (const p of pairs) within.set(p.code, [...(within.get(p.code) ?? []), p.name]);
  return rows.map((r) => ({ ...r, within: (within.get(r.code) ?? []).join(' ') }));
}

/** The site search's village part (src/site-search): the best matches, each with its township's name. */
export async function searchVillagesWithTownship(db: Db, query: string, limit: number): Promise<{ code: string; name: string; township: string | null }[]> {
  const codes = (await searchIds(db, { type: VILLAGE_DOC, query, limit })).map((h) => h.id);
  const villages = await findRegions(db, codes);
  const parents = new Map((await findRegions(db, [...new Set(villages.map((v) => v.parentCode).filter((c): c is string => c !== null))])).map((r) => [r.code, r.name]));
  return villages.map((v) => ({ code: v.code, name: v.name, township: (v.parentCode && parents.get(v.parentCode)) ?? null }));
}
