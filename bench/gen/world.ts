// What every part of the generator needs: the open database, the derived keys, the bulk audit and
// search writers, the regions (read from the regions table the real installer filled) and the
// civil-affairs / township-government units of each region.
import type Database from 'better-sqlite3';
import type { Keys } from '../../src/plugins/keys.js';
import { AuditWriter } from './audit.js';
import { SearchWriter } from './search.js';
import { prng, type Random } from './common.js';

export interface Village {
  code: string;
  name: string;
  /** village | community */
  kind: string;
  township: string;
  county: string;
  prefecture: string;
}

export interface World {
  sqlite: Database.Database;
  keys: Keys;
  audit: AuditWriter;
  search: SearchWriter;
  /** "Now" of the generated year: everything happened before it. */
  now: number;
  random: Random;
  villages: Village[];
  townships: { code: string; name: string; county: string }[];
  counties: { code: string; name: string; prefecture: string }[];
  prefectures: { code: string; name: string }[];
  provinceCode: string;
  /** Civil-affairs unit id by region code (province, prefecture, county). */
  civilAffairs: Map<string, number>;
  /** Township-government unit id by township code. */
  townshipGov: Map<string, number>;
}

export function loadWorld(sqlite: Database.Database, keys: Keys, now: number, seed = 20261129): World {
  const villages = sqlite
    .prepare(
      `SELECT v.code AS code, v.name AS name, v.kind AS kind, t.code AS township, c.code AS county, c.parent_code AS prefecture
       FROM regions v JOIN regions t ON t.code = v.parent_code JOIN regions c ON c.code = t.parent_code
       WHERE v.level = 'village' ORDER BY v.code`,
    )
    .all() as Village[];
  const townships = sqlite.prepare(`SELECT code, name, parent_code AS county FROM regions WHERE level = 'township' ORDER BY code`).all() as World['townships'];
  const counties = sqlite.prepare(`SELECT code, name, parent_code AS prefecture FROM regions WHERE level = 'county' ORDER BY code`).all() as World['counties'];
  const prefectures = sqlite.prepare(`SELECT code, name FROM regions WHERE level = 'prefecture' ORDER BY code`).all() as World['prefectures'];
  const province = sqlite.prepare(`SELECT code FROM regions WHERE level = 'province'`).get() as { code: string };
  const civilAffairs = new Map<string, number>();
  const townshipGov = new Map<string, number>();
  for (const u of sqlite.prepare(`SELECT id, kind, region_code AS region FROM units WHERE kind IN ('civil_affairs', 'township_gov')`).all() as { id: number; kind: string; region: string }[]) {
    (u.kind === 'civil_affairs' ? civilAffairs : townshipGov).set(u.region, u.id);
  }
  return {
    sqlite,
    keys,
    audit: new AuditWriter(sqlite, keys['audit-mac']),
    search: new SearchWriter(),
    now,
    random: prng(seed),
    villages,
    townships,
    counties,
    prefectures,
    provinceCode: province.code,
    civilAffairs,
    townshipGov,
  };
}

/** Runs `work` in one transaction (better-sqlite3 transactions are synchronous). */
export function inTransaction<T>(w: World, work: () => T): T {
  return w.sqlite.transaction(work)();
}

/**
 * Bulk loading: drops the secondary indexes of `tables` (as their migrations created them), runs
 * `work`, then creates the same indexes again from the same SQL. Building an index once from
 * sorted data is several times faster than keeping it up to date row by row; the schema ends
 * exactly as before (a unique index that cannot be rebuilt fails the generation).
 */
export function withIndexesDeferred<T>(w: World, tables: readonly string[], work: () => T): T {
  const list = tables.map((t) => `'${t}'`).join(', ');
  const indexes = w.sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${list})`).all() as { name: string; sql: string }[];
  for (const i of indexes) w.sqlite.exec(`DROP INDEX "${i.name}"`);
  const result = work();
  inTransaction(w, () => {
    for (const i of indexes) w.sqlite.exec(i.sql);
  });
  return result;
}
