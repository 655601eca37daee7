import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR, openDatabase } from '../../src/db/connection.js';
import { CREATE_SEARCH_INDEX_SQL, indexDocument, matchesSearch, removeDocument, searchIds, SEARCH_DOC_TYPES } from '../../src/search/index.js';
import { indexTokens } from '../../src/search/tokenize.js';
import { onPostgres } from '../../src/db/engine.js';
import { tempDir } from '../helpers/app.js';

interface Journal { entries: { idx: number; tag: string }[] }
const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as Journal;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A migrations folder holding only the first `count` migrations, as a past release shipped it. */
function migrationsUpTo(count: number): string {
  const dir = tempDir('sunshine-migrations-');
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'meta'));
  const entries = journal.entries.slice(0, count);
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

/** Tables a migration drops on purpose: 0007 replaces the shared FTS5 table (and its shadow tables) by one per type. */
const DROPPED = new Set(['search_index', ...['config', 'content', 'data', 'docsize', 'idx'].map((s) => `search_index_${s}`)]);

/** A new database file in a temporary folder (removed after the test). */
function scratchFile(): string {
  const dir = tempDir();
  dirs.push(dir);
  return path.join(dir, 'x.db');
}

/** A new database file with the migrations before the one whose tag starts with `prefix` applied. */
async function databaseBefore(prefix: string): Promise<string> {
  const file = scratchFile();
  const before = journal.entries.findIndex((e) => e.tag.startsWith(prefix));
  expect(before).toBeGreaterThan(0);
  const db = openDatabase(file);
  await applyMigrations(db, migrationsUpTo(before));
  db.$client.close();
  return file;
}

function tables(db: ReturnType<typeof openDatabase>): string[] {
  return db.$client.prepare("select name from sqlite_master where type='table' order by name").all().map((r) => (r as { name: string }).name);
}

// About the SQLite schema's own migrations (migrations/), applied to SQLite files.
describe.skipIf(onPostgres)('migrations', () => {
  it('apply from empty', async () => {
    const db = openDatabase(scratchFile());
    await applyMigrations(db);
    expect(tables(db)).toEqual(expect.arrayContaining(['regions', 'region_ancestors', 'units', '__drizzle_migrations']));
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.$client.close();
  });

  it('apply step by step, each upgrading the database the previous ones made', async () => {
    const file = scratchFile();
    let previous: string[] = [];
    for (let step = 1; step <= journal.entries.length; step++) {
      const db = openDatabase(file);
      await applyMigrations(db, migrationsUpTo(step));
      const now = tables(db);
      expect(now).toEqual(expect.arrayContaining(previous.filter((t) => !DROPPED.has(t))));
      const applied = db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
      expect(applied.n).toBe(step);
      previous = now;
      db.$client.close();
    }
    // And the full set on top of that is a no-op.
    const db = openDatabase(file);
    await applyMigrations(db);
    expect(tables(db)).toEqual(previous);
    db.$client.close();
  });

  it('0007 moves the documents of the shared search index into one table per type', async () => {
    const file = await databaseBefore('0007_');
    let db = openDatabase(file);
    // Indexed as the shared-table code did: a key row, the FTS row under the key's id.
    const addKey = db.$client.prepare<[string, string], { id: number }>('INSERT INTO search_index_keys (doc_type, doc_id) VALUES (?, ?) RETURNING id');
    const add = db.$client.prepare('INSERT INTO search_index (rowid, doc_type, doc_id, scope, body) VALUES (?, ?, ?, ?, ?)');
    const old = (type: string, id: string, text: string, scope: string | null = null) => add.run(addKey.get(type, id)!.id, type, id, scope, indexTokens(text));
    old('report', '1', '申请低保两次都没批', 'ca:220102');
    old('report', '2', '村干部优亲厚友，低保', 'ca:220103');
    old('case', '1', '典型案例：村干部违规办理低保');
    old('case', '2', '危房改造补贴被冒领');
    old('policy', '5', '农村低保申请条件');
    old('village', '220102001001', '东安村', '220102');
    old('obsolete', '9', '低保');
    db.$client.close();

    db = openDatabase(file);
    await applyMigrations(db);
    const ids = async (type: (typeof SEARCH_DOC_TYPES)[number], query: string, scope?: string) => (await searchIds(db, { type, query, scope, limit: 10 })).map((h) => h.id).sort();
    expect(await ids('report', '低保')).toEqual(['1', '2']);
    expect(await ids('report', '低保', 'ca:220103')).toEqual(['2']);
    expect(await ids('case', '低保')).toEqual(['1']);
    expect(await ids('case', '冒领')).toEqual(['2']);
    expect(await ids('policy', '低保')).toEqual(['5']);
    expect(await ids('village', '东安')).toEqual(['220102001001']);
    expect(await ids('case', '优亲厚友')).toEqual([]); // a report's text is not in the cases' table
    expect(db.$client.prepare("SELECT count(*) AS n FROM search_index_keys WHERE doc_type = 'obsolete'").get()).toEqual({ n: 0 });
    expect(tables(db).filter((t) => DROPPED.has(t))).toEqual([]);

    // The keys still drive re-indexing and removal: no second row, no leftover.
    await indexDocument(db, { type: 'case', id: 1, text: '典型案例：挪用临时救助' });
    expect(await ids('case', '低保')).toEqual([]);
    expect(await ids('case', '临时救助')).toEqual(['1']);
    expect(db.$client.prepare('SELECT count(*) AS n FROM search_index_case').get()).toEqual({ n: 2 });
    expect(await removeDocument(db, 'report', 2)).toBe(true);
    expect(await ids('report', '低保')).toEqual(['1']);
    await indexDocument(db, { type: 'report', id: 3, text: '低保' });
    expect(await ids('report', '低保')).toEqual(['1', '3']);
    // Reports keep no key row since 0032 (their rowid is the report id): the case, policy and village keys.
    expect(db.$client.prepare('SELECT count(*) AS n FROM search_index_keys').get()).toEqual({ n: 4 });
    // Copied ids still compare equal to integer columns.
    db.$client.exec('CREATE TEMP TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2)');
    expect(db.all(sql`SELECT id FROM t WHERE ${matchesSearch(sql`t.id`, { type: 'case', query: '冒领' })}`)).toEqual([{ id: 2 }]);

    // The migrated tables are exactly the ones fts.ts creates on a fresh schema (quoting aside: 0032 renamed the report table's).
    const fresh = openDatabase(':memory:');
    fresh.$client.exec(CREATE_SEARCH_INDEX_SQL);
    const schema = (d: typeof db) =>
      d.$client.prepare("SELECT name, sql FROM sqlite_master WHERE name LIKE 'search_index%' AND sql IS NOT NULL ORDER BY name").all()
        .map((r) => { const { name, sql } = r as { name: string; sql: string }; return `${name}: ${sql.replace(/\s+/g, ' ').replace(/["']/g, '')}`; });
    expect(schema(db)).toEqual(schema(fresh));
    fresh.$client.close();
    db.$client.close();
  });

  it('0032 keeps each report\'s document under the report\'s id: no key row, a match is the id, re-indexing and removal by it', async () => {
    const file = await databaseBefore('0032_');
    let db = openDatabase(file);
    // Indexed as before: a key row each (reports' and a case's keys interleaved), the FTS row under the key's id.
    const addKey = db.$client.prepare<[string, string], { id: number }>('INSERT INTO search_index_keys (doc_type, doc_id) VALUES (?, ?) RETURNING id');
    const old = (type: string, id: string, text: string, scope: string | null = null) => db.$client.prepare(`INSERT INTO search_index_${type} (rowid, doc_id, scope, body) VALUES (?, ?, ?, ?)`).run(addKey.get(type, id)!.id, id, scope, indexTokens(text));
    old('case', '1', '典型案例：村干部违规办理低保');
    old('report', '7', '申请低保两次都没批', 'ca:220102');
    old('report', '3', '村干部优亲厚友，低保');
    old('report', '12', '危房改造补贴被冒领');
    db.$client.close();

    db = openDatabase(file);
    await applyMigrations(db);
    expect(db.$client.prepare("SELECT rowid, doc_id, scope FROM search_index_report ORDER BY rowid").all()).toEqual([
      { rowid: 3, doc_id: '3', scope: null },
      { rowid: 7, doc_id: '7', scope: 'ca:220102' },
      { rowid: 12, doc_id: '12', scope: null },
    ]);
    expect(db.$client.prepare("SELECT doc_type, doc_id FROM search_index_keys ORDER BY id").all()).toEqual([{ doc_type: 'case', doc_id: '1' }]);
    const ids = async (query: string) => (await searchIds(db, { type: 'report', query, limit: 10 })).map((h) => h.id).sort();
    expect(await ids('低保')).toEqual(['3', '7']);
    db.$client.exec('CREATE TEMP TABLE r (id INTEGER PRIMARY KEY); INSERT INTO r VALUES (3), (7), (12), (13)');
    expect(db.all(sql`SELECT id FROM r WHERE ${matchesSearch(sql`r.id`, { type: 'report', query: '冒领' })}`)).toEqual([{ id: 12 }]);
    // Re-indexed in place under its id, removed by it, a new one under its own id; the case keeps its key.
    await indexDocument(db, { type: 'report', id: 7, text: '申请临时救助' });
    await indexDocument(db, { type: 'report', id: 13, text: '低保金被挪用' });
    expect(await removeDocument(db, 'report', 3)).toBe(true);
    expect(await removeDocument(db, 'report', 3)).toBe(false);
    expect(await ids('低保')).toEqual(['13']);
    expect(await ids('临时救助')).toEqual(['7']);
    expect(db.$client.prepare('SELECT count(*) AS n FROM search_index_report').get()).toEqual({ n: 3 });
    expect(await searchIds(db, { type: 'case', query: '低保', limit: 10 })).toEqual([expect.objectContaining({ id: '1' })]);
    expect(db.$client.prepare('SELECT count(*) AS n FROM search_index_keys').get()).toEqual({ n: 1 });
    db.$client.close();
  });

  it('0008 gives ratings already made the time of their rating event, else the report\'s last change', async () => {
    const file = await databaseBefore('0008_');
    let db = openDatabase(file);
    const report = db.$client.prepare(`INSERT INTO reports (case_no, receipt_digest, channel, category, place_code, county_code, description, handling_unit_id, status, received_at, updated_at, rating)
      VALUES (?, ?, 'online', 'favouritism', '220102001001', '220102', '测试', 1, 'closed', 1000, ?, ?) RETURNING id`);
    const event = db.$client.prepare("INSERT INTO report_events (report_id, at, type, actor_type, visible_to_reporter) VALUES (?, ?, ?, 'reporter', 1)");
    const withEvent = (report.get('A', 'a', 9000, 'satisfied') as { id: number }).id;
    event.run(withEvent, 5000, 'rated');
    event.run(withEvent, 7000, 'review_requested');
    const withoutEvent = (report.get('B', 'b', 8000, 'dissatisfied') as { id: number }).id;
    const unrated = (report.get('C', 'c', 6000, null) as { id: number }).id;
    db.$client.close();

    db = openDatabase(file);
    await applyMigrations(db);
    const ratedAt = (id: number) => (db.$client.prepare('SELECT rated_at AS r FROM reports WHERE id = ?').get(id) as { r: number | null }).r;
    expect(ratedAt(withEvent)).toBe(5000);
    expect(ratedAt(withoutEvent)).toBe(8000);
    expect(ratedAt(unrated)).toBeNull();
    expect(db.$client.prepare('SELECT locale FROM users').all()).toEqual([]);
    db.$client.close();
  });

  it('0009 lists the units already installed with every unit above them, and counts report writes from then on', async () => {
    const file = await databaseBefore('0009_');
    let db = openDatabase(file);
    const unit = db.$client.prepare("INSERT INTO units (key, kind, region_code, name, supervisor_id, email) VALUES (?, 'civil_affairs', ?, ?, ?, '') RETURNING id");
    const province = (unit.get('ca:220000', '220000', '省', null) as { id: number }).id;
    const city = (unit.get('ca:220100', '220100', '市', province) as { id: number }).id;
    const county = (unit.get('ca:220102', '220102', '区', city) as { id: number }).id;
    db.$client.close();

    db = openDatabase(file);
    await applyMigrations(db);
    const above = (id: number) => db.$client.prepare('SELECT ancestor_id FROM unit_ancestors WHERE unit_id = ? ORDER BY ancestor_id').pluck().all(id);
    expect(above(county)).toEqual([province, city, county].sort((a, b) => a - b));
    expect(above(province)).toEqual([province]);
    db.$client.prepare(`INSERT INTO reports (case_no, receipt_digest, channel, category, place_code, county_code, description, handling_unit_id, status, received_at, updated_at)
      VALUES ('A', 'a', 'online', 'favouritism', '220102001001', '220102', '测试', ?, 'received', 1, 1)`).run(county);
    expect(db.$client.prepare("SELECT key FROM change_stamps WHERE n = 1 ORDER BY key").pluck().all()).toEqual([province, city, county].map((id) => `tree:${id}`).sort());
    db.$client.close();
  });
});
