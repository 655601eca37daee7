import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { cacheStatements } from '../../src/db/statement-cache.js';
import { onPostgres } from '../../src/db/engine.js';

function db(max?: number) {
  const sqlite = new Database(':memory:');
  cacheStatements(sqlite, max);
  sqlite.exec('create table t (id integer primary key, name text); insert into t (name) values (\'a\'), (\'b\'), (\'c\');');
  return sqlite;
}

// About better-sqlite3's compiled statements on an SQLite connection.
describe.skipIf(onPostgres)('statement cache', () => {
  it('hands back the compiled statement for the same SQL text', () => {
    const sqlite = db();
    const sql = 'select id, name from t where id = ?';
    expect(sqlite.prepare(sql)).toBe(sqlite.prepare(sql));
    expect(sqlite.prepare(sql)).not.toBe(sqlite.prepare('select id from t where id = ?'));
  });

  it('resets the row mode a previous user set, so rows come back as objects again', () => {
    const sqlite = db();
    const sql = 'select id, name from t order by id';
    expect(sqlite.prepare(sql).raw().all()).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(sqlite.prepare(sql).all()).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }]);
    expect(sqlite.prepare('select name from t where id = 2').pluck().get()).toBe('b');
    expect(sqlite.prepare('select name from t where id = 2').get()).toEqual({ name: 'b' });
  });

  it('gives a new statement while the cached one is still iterating', () => {
    const sqlite = db();
    const sql = 'select id from t order by id';
    const seen: number[] = [];
    for (const row of sqlite.prepare(sql).iterate() as Iterable<{ id: number }>) {
      seen.push(row.id, (sqlite.prepare(sql).all() as { id: number }[]).length);
    }
    expect(seen).toEqual([1, 3, 2, 3, 3, 3]);
  });

  it('keeps writes working and drops the least recently used beyond its size', () => {
    const sqlite = db(2);
    const insert = 'insert into t (name) values (?)';
    sqlite.prepare(insert).run('d');
    sqlite.prepare(insert).run('e');
    expect((sqlite.prepare('select count(*) as n from t').get() as { n: number }).n).toBe(5);
    const first = sqlite.prepare('select 1');
    sqlite.prepare('select 2');
    sqlite.prepare('select 3');
    expect(sqlite.prepare('select 1')).not.toBe(first);
  });
});
