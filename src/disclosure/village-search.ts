// Finding a village by name: a prefix or any two characters of it (东安 finds 东安村 and 新东安村).
// Village names go into the CJK full-text index (src/search/repository.ts) as type 'village' (a table of their own), scoped
// by county; townships, counties and cities are few enough (≈1,150) to match with LIKE.
import type { Db } from '../db/connection.js';
import { countDocuments, queryTerms, searchIds } from '../search/index.js';
import { ancestorNames, areaNames as readAreaNames, countVillages, regionsByCodes, villagesWithCounty, writeVillageIndex } from './village-repository.js';

export const VILLAGE_DOC = 'village';
const MAX_HITS = 200;
export const SEARCH_RESULTS = 50;

/**
 * Indexes every village name once (≈11,860 rows, ≈0.2–0.5 s in one transaction).
 * Idempotent: when as many villages are indexed as exist, it does nothing and returns 0.
 */
export function indexVillageNames(db: Db): number {
  const total = countVillages(db);
  const indexed = countDocuments(db, VILLAGE_DOC);
  if (indexed >= total) return 0;
  const rows = villagesWithCounty(db);
  // In bulk (≈0.2 s rather than ≈1.2 s); a partial index (an interrupted start) is rebuilt from nothing.
  writeVillageIndex(db, VILLAGE_DOC, rows, indexed > 0);
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
  const villages = regionsByCodes(db, codes);
  villages.sort((a, b) => rank(a.name, query) - rank(b.name, query) || Array.from(a.name).length - Array.from(b.name).length || a.code.localeCompare(b.code));
  const places = searchAreas(db, query);
  const top = villages.slice(0, SEARCH_RESULTS);
  return [...places, ...withChains(db, top.map((v) => ({ code: v.code, name: v.name, level: v.level })))];
}

/** Cities, counties and townships whose name contains the query (南岭 → 南岭街道); ≈1,150 names, read once. */
function searchAreas(db: Db, query: string): PlaceHit[] {
  let names = areaNames.get(db);
  if (!names) {
    names = readAreaNames(db);
    areaNames.set(db, names);
  }
  const rows = names.filter((r) => r.name.normalize('NFKC').includes(query));
  rows.sort((a, b) => rank(a.name, query) - rank(b.name, query) || a.code.localeCompare(b.code));
  return withChains(db, rows.slice(0, SEARCH_RESULTS));
}
const areaNames = new WeakMap<Db, { code: string; name: string; level: string }[]>();

function withChains(db: Db, rows: { code: string; name: string; level: string }[]): PlaceHit[] {
  if (rows.length === 0) return [];
  const pairs = ancestorNames(db, rows.map((r) => r.code));
  const within = new Map<string, string[]>();
  for (const p of pairs) within.set(p.code, [...(within.get(p.code) ?? []), p.name]);
  return rows.map((r) => ({ ...r, within: (within.get(r.code) ?? []).join(' ') }));
}
