// migrations-pg/0011 (issue 22): a report's search document moves under the report's own id, as
// migrations/0032 does on SQLite (test/db/migrations.test.ts). Documents indexed the old way (a key
// row each, the table row under the key's id, reports' and cases' keys interleaved) are found by
// their report ids afterwards; the cases keep their keys.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../src/db/engine.js';
import { closePostgres, migratePostgres, openPostgres, PG_MIGRATIONS_DIR } from '../../src/db/postgres/connection.js';
import { indexDocument, matchesSearch, removeDocument, searchIds } from '../../src/search/index.js';
import { indexTokens } from '../../src/search/tokenize.js';
import type { Db } from '../../src/db/connection.js';
import { tempDir } from '../helpers/app.js';
import { createEmptyTestDatabase, dropTestDatabase } from '../helpers/pg-databases.js';

const journal = JSON.parse(fs.readFileSync(path.join(PG_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };

/** A migrations folder holding the migrations before the one whose tag starts with `prefix`. */
function migrationsBefore(prefix: string): string {
  const dir = tempDir('sunshine-pg-migrations-');
  fs.mkdirSync(path.join(dir, 'meta'));
  const entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag.startsWith(prefix)));
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) fs.copyFileSync(path.join(PG_MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

describe.skipIf(!onPostgres)('migrations-pg 0011', () => {
  let url = '';
  afterAll(async () => {
    if (url) await dropTestDatabase(url);
  });

  it("keeps each report's document under the report's id: no key row, a match is the id, re-indexing and removal by it", async () => {
    url = await createEmptyTestDatabase();
    let db = openPostgres(url);
    await migratePostgres(db, migrationsBefore('0011_'));
    await closePostgres(db);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const old = async (type: string, id: string, text: string, scope: string | null = null) => {
      const key = (await client.query('INSERT INTO search_index_keys (doc_type, doc_id) VALUES ($1, $2) RETURNING id', [type, id])).rows[0].id as number;
      await client.query(`INSERT INTO search_index_${type} (id, doc_id, scope, body) VALUES ($1, $2, $3, to_tsvector('simple', $4))`, [key, id, scope, indexTokens(text)]);
    };
    await old('case', '1', '典型案例：村干部违规办理低保');
    await old('report', '7', '申请低保两次都没批', 'ca:220102');
    await old('report', '3', '村干部优亲厚友，低保');
    await old('report', '1', '危房改造补贴被冒领');
    await client.end();

    db = openPostgres(url);
    try {
      await migratePostgres(db);
      const q = db as unknown as Db;
      expect(await q.all(sql`SELECT id, doc_id, scope FROM search_index_report ORDER BY id`)).toEqual([
        { id: 1, doc_id: '1', scope: null },
        { id: 3, doc_id: '3', scope: null },
        { id: 7, doc_id: '7', scope: 'ca:220102' },
      ]);
      expect(await q.all(sql`SELECT doc_type, doc_id FROM search_index_keys ORDER BY id`)).toEqual([{ doc_type: 'case', doc_id: '1' }]);
      const ids = async (query: string) => (await searchIds(q, { type: 'report', query, limit: 10 })).map((h) => h.id).sort();
      expect(await ids('低保')).toEqual(['3', '7']);
      expect(await q.all(sql`WITH r(id) AS (VALUES (1), (3), (7), (8)) SELECT id FROM r WHERE ${matchesSearch(sql`r.id`, { type: 'report', query: '冒领' })}`)).toEqual([{ id: 1 }]);
      await indexDocument(q, { type: 'report', id: 7, text: '申请临时救助' });
      await indexDocument(q, { type: 'report', id: 8, text: '低保金被挪用' });
      expect(await removeDocument(q, 'report', 3)).toBe(true);
      expect(await removeDocument(q, 'report', 3)).toBe(false);
      expect(await ids('低保')).toEqual(['8']);
      expect(await ids('临时救助')).toEqual(['7']);
      expect((await searchIds(q, { type: 'case', query: '低保', limit: 10 })).map((h) => h.id)).toEqual(['1']);
    } finally {
      await closePostgres(db);
    }
  }, 120_000);
});
