import Database from 'better-sqlite3';
import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openConfiguredDatabase, openDatabase, type Db } from '../../src/db/connection.js';
import { createTestDatabase, dropTestDatabase } from '../helpers/pg-databases.js';
import { withTransaction } from '../../src/db/transaction.js';
import {
  CREATE_SEARCH_INDEX_SQL,
  indexDocument,
  matchesSearch,
  matchExpression,
  recentMatchFloor,
  removeAllDocuments,
  removeDocument,
  searchIds,
  searchTable,
  SEARCH_DOC_TYPES,
  type SearchDocType,
  type SearchHit,
} from '../../src/search/index.js';
import { onPostgres } from '../../src/db/engine.js';

let db: Db;
let pgUrl: string | null = null;
beforeEach(async () => {
  if (onPostgres) {
    // The PostgreSQL engine's index (search/postgres-repository.ts) on a database of its own; the
    // template's village names are removed so that each test starts from an empty index.
    pgUrl = await createTestDatabase();
    db = await openConfiguredDatabase({ databaseUrl: pgUrl, dataDir: '' });
    for (const type of SEARCH_DOC_TYPES) await removeAllDocuments(db, type);
    await db.run(sql`create table notes (id integer primary key, code text not null, county text not null)`);
    return;
  }
  db = openDatabase(':memory:');
  db.$client.exec(CREATE_SEARCH_INDEX_SQL);
  db.$client.exec('create table notes (id integer primary key, code text not null, county text not null)');
});
afterEach(async () => {
  await closeDatabase(db);
  if (pgUrl) await dropTestDatabase(pgUrl);
  pgUrl = null;
});

/** Rows in one of the index's tables, through drizzle (both engines). */
async function rowsIn(table: string): Promise<number> {
  return (await db.get<{ n: number }>(sql`select count(*) as n from ${sql.identifier(table)}`))!.n;
}

const ids = async (query: string, extra: { type?: SearchDocType; scope?: string | string[]; limit?: number } = {}) =>
  (await searchIds(db, { type: extra.type ?? 'report', query, scope: extra.scope, limit: extra.limit ?? 100 }))
    .map((h) => h.id)
    .sort();

async function put(id: number, text: string, scope: string | null = null, type: SearchDocType = 'report') {
  await indexDocument(db, { type, id, scope, text });
}

// The index of the engine the suite runs on: FTS5 (search/sqlite-repository.ts) on an SQLite database
// in memory, or tsvector (search/postgres-repository.ts) on a PostgreSQL database — the same results.
describe('searchIds', () => {
  it('finds a two-character word inside a sentence', async () => {
    await put(1, '申请低保两次都没批');
    await put(2, '村干部优亲厚友');
    expect(await ids('低保')).toEqual(['1']);
    expect(await ids('没批')).toEqual(['1']);
    expect(await ids('低保两次')).toEqual(['1']);
  });

  it('matches a longer word as a phrase, not its pieces far apart', async () => {
    await put(1, '他家是低保户，却有两套房');
    await put(2, '低保被取消了，全户没有收入');
    await put(3, '低保 户口');
    expect(await ids('低保户')).toEqual(['1']);
    expect(await ids('低保')).toEqual(['1', '2', '3']);
    // A bigram of two runs split by punctuation or a space is not adjacent text.
    await put(4, '保，户');
    await put(5, '低保，保户');
    expect(await ids('保户')).toEqual(['1', '5']);
    expect(await ids('低保户')).toEqual(['1']);
  });

  it('finds a single character, and ANDs the terms of a query', async () => {
    await put(1, '申请低保两次都没批');
    await put(2, '危房改造补贴被冒领');
    await put(3, '低收入');
    expect(await ids('低')).toEqual(['1', '3']);
    expect(await ids('补')).toEqual(['2']);
    expect(await ids('低 批')).toEqual(['1']);
    expect(await ids('低保 冒领')).toEqual([]);
  });

  it('matches Latin words case-insensitively and by prefix, mixed with Chinese', async () => {
    await put(1, '村会计在 WeChat 群里说 Subsidy list 已公示');
    await put(2, 'web 端无法提交');
    expect(await ids('wechat')).toEqual(['1']);
    expect(await ids('WECH')).toEqual(['1']);
    expect(await ids('we')).toEqual(['1', '2']);
    expect(await ids('subsidy 公示')).toEqual(['1']);
    expect(await ids('Subsidy公示')).toEqual(['1']);
    expect(await ids('chat')).toEqual([]); // prefix, not infix
  });

  it('treats full-width letters and digits as their ASCII forms', async () => {
    await put(1, '2024年3月发放的１２００元没有到账，ＪＬ２０２６-000123');
    await put(2, '去年发放的钱');
    expect(await ids('1200')).toEqual(['1']);
    expect(await ids('１２００元')).toEqual(['1']);
    expect(await ids('２０２４年')).toEqual(['1']);
    expect(await ids('jl2026-000123')).toEqual(['1']);
    expect(await ids('ｊｌ')).toEqual(['1']);
  });

  it('finds Korean and Japanese text', async () => {
    await put(1, '서울특별시 보조금');
    await put(2, 'ひらがなとカタカナ');
    expect(await ids('보조금')).toEqual(['1']);
    expect(await ids('特別')).toEqual([]);
    expect(await ids('カタカナ')).toEqual(['2']);
    expect(await ids('ｶﾀｶﾅ')).toEqual(['2']);
  });

  it('replaces a document when it is indexed again, and removes it', async () => {
    await put(1, '低保');
    await put(1, '危房');
    expect(await ids('低保')).toEqual([]);
    expect(await ids('危房')).toEqual(['1']);
    expect(await rowsIn('search_index_report')).toBe(1);
    expect(await removeDocument(db, 'report', 1)).toBe(true);
    expect(await removeDocument(db, 'report', 1)).toBe(false);
    expect(await ids('危房')).toEqual([]);
    expect(await rowsIn('search_index_report')).toBe(0);
  });

  it('keeps document types apart', async () => {
    await put(1, '低保政策', null, 'report');
    await put(1, '低保政策解读', null, 'policy');
    await put(2, '低保', null, 'policy');
    expect(await ids('低保', { type: 'report' })).toEqual(['1']);
    expect(await ids('低保', { type: 'policy' })).toEqual(['1', '2']);
    await removeDocument(db, 'policy', 1);
    expect(await ids('低保', { type: 'report' })).toEqual(['1']);
    await removeAllDocuments(db, 'policy');
    expect(await ids('低保', { type: 'policy' })).toEqual([]);
    expect(await ids('低保', { type: 'report' })).toEqual(['1']);
  });

  it('keeps each type in its own table', async () => {
    await put(1, '低保', null, 'report');
    await put(1, '低保', null, 'case');
    await put(2, '低保', null, 'village');
    const counts = [];
    for (const type of SEARCH_DOC_TYPES) counts.push(await rowsIn(searchTable(type)));
    expect(counts).toEqual(SEARCH_DOC_TYPES.map((t) => (t === 'policy' ? 0 : 1)));
    expect(searchTable('case')).toBe('search_index_case');
  });

  it('refuses a document type outside the fixed list', async () => {
    for (const type of ['', 'ledger', 'report; drop table x', 'keys', 'constructor', '__proto__', 'toString'] as unknown as SearchDocType[]) {
      expect(() => searchTable(type), String(type)).toThrow(RangeError);
      await expect(searchIds(db, { type, query: '低保', limit: 10 }), String(type)).rejects.toThrow(RangeError);
      expect(() => matchesSearch(notes.id, { type, query: '低保' }), String(type)).toThrow(RangeError);
      await expect(indexDocument(db, { type, id: 1, text: '低保' }), String(type)).rejects.toThrow(RangeError);
      await expect(removeDocument(db, type, 1), String(type)).rejects.toThrow(RangeError);
    }
    expect(await rowsIn('search_index_keys')).toBe(0);
  });

  it('filters by scope', async () => {
    await put(1, '低保', '220102');
    await put(2, '低保', '220103');
    await put(3, '低保', null);
    expect(await ids('低保', { scope: '220102' })).toEqual(['1']);
    expect(await ids('低保', { scope: ['220102', '220103'] })).toEqual(['1', '2']);
    expect(await ids('低保', { scope: [] })).toEqual([]);
    expect(await ids('低保')).toEqual(['1', '2', '3']);
  });

  it('pages by (rank, id) without losing ties', async () => {
    for (let i = 1; i <= 25; i++) await put(i, i % 2 ? '低保' : '低保 低保 低保 其他内容');
    const seen: string[] = [];
    let after: SearchHit | undefined;
    for (;;) {
      const page = await searchIds(db, { type: 'report', query: '低保', limit: 10, after });
      if (page.length === 0) break;
      seen.push(...page.map((h) => h.id));
      after = page.at(-1);
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('finds nothing for an empty query and a zero limit', async () => {
    await put(1, '低保');
    expect(await ids('')).toEqual([]);
    expect(await ids('   ，。')).toEqual([]);
    expect(await ids('低保', { limit: 0 })).toEqual([]);
  });
});

// The SQLite engine's FTS5 index (search/sqlite-repository.ts), on an SQLite database in memory.
describe.skipIf(onPostgres)('hostile queries', () => {
  const hostile = [
    '"', '""', '"低保', '*', '低保*', '**', 'NEAR(', 'NEAR(低保 户, 2)', 'OR', 'a OR b', '低保 OR 危房', 'NOT 低保',
    '-', '-低保', '^', '^低保', '(', ')', '(低保', 'body:低保', 'doc_type:report', '{body}: x', '+', "'", ';', '\\',
    '\u0000', '\uD800', '*'.repeat(10_000), '低保'.repeat(50_000), 'a '.repeat(50_000), '"'.repeat(100_000),
  ];

  it('never throw and never match everything', async () => {
    await put(1, '申请低保两次都没批');
    await put(2, '危房改造 near or not and');
    await put(3, 'x');
    for (const q of hostile) {
      const expr = matchExpression(q);
      expect(expr === null || /^"[^"]+"\*?( AND "[^"]+"\*?)*$/u.test(expr), q.slice(0, 20)).toBe(true);
      const found = await ids(q);
      expect(found.length, q.slice(0, 20)).toBeLessThan(3);
      expect(() => db.select().from(notes).where(matchesSearch(notes.id, { type: 'report', query: q })).all()).not.toThrow();
    }
    expect(await ids('-低保')).toEqual(['1']); // the minus is not NOT
    expect(await ids('低保 OR 危房')).toEqual([]); // OR is a word to find, not an operator
    expect(await ids('NEAR(')).toEqual(['2']);
  });
});

const notes = sqliteTable('notes', {
  id: integer('id').primaryKey(),
  code: text('code').notNull(),
  county: text('county').notNull(),
});

// The SQLite engine's FTS5 index (search/sqlite-repository.ts), on an SQLite database in memory.
describe.skipIf(onPostgres)('matchesSearch', () => {
  beforeEach(async () => {
    db.insert(notes).values([{ id: 1, code: 'v1', county: 'a' }, { id: 2, code: 'v2', county: 'b' }, { id: 3, code: 'v3', county: 'a' }]).run();
    await put(1, '低保户');
    await put(2, '低保');
    await put(3, '危房');
    for (const n of [1, 2, 3]) await indexDocument(db, { type: 'village', id: `v${n}`, text: n === 3 ? '低保' : '村' });
  });

  it('works as a condition on integer and text ids inside a drizzle query', async () => {
    const rows = db.select({ id: notes.id }).from(notes)
      .where(and(eq(notes.county, 'a'), matchesSearch(notes.id, { type: 'report', query: '低保' }))).all();
    expect(rows).toEqual([{ id: 1 }]);
    const villages = db.select({ code: notes.code }).from(notes)
      .where(matchesSearch(notes.code, { type: 'village', query: '低保' })).all();
    expect(villages).toEqual([{ code: 'v3' }]);
    expect(db.select().from(notes).where(matchesSearch(notes.id, { type: 'report', query: '。' })).all()).toEqual([]);
  });

  it('among the newest matches, keeps those indexed after the key was read (up to as many again)', async () => {
    db.insert(notes).values([4, 5, 6, 7, 8].map((id) => ({ id, code: `v${id}`, county: 'a' }))).run();
    await put(4, '低保');
    const since = { since: { key: (await recentMatchFloor(db, { type: 'report', query: '低保' }, 2))!, among: 2 } };
    const newest = () => db.select({ id: notes.id }).from(notes).where(matchesSearch(notes.id, { type: 'report', query: '低保' }, since)).orderBy(notes.id).all().map((r) => r.id);
    expect(newest()).toEqual([2, 4]);
    // Filed between the key and the page's statement: a LIMIT of `among` alone would drop report 2.
    await put(5, '又一个低保');
    await put(6, '低保问题');
    expect(newest()).toEqual([2, 4, 5, 6]);
    expect(db.select({ id: notes.id }).from(notes).where(matchesSearch(notes.id, { type: 'report', query: '低保' }, { since: { key: since.since.key, among: 1000 } })).orderBy(notes.id).all().map((r) => r.id)).toEqual([2, 4, 5, 6]);
  });

  it('looks rows up by primary key from the FTS hits', async () => {
    const q = db.select().from(notes).where(matchesSearch(notes.id, { type: 'report', query: '低保' })).toSQL();
    const plan = db.$client.prepare(`explain query plan ${q.sql}`).all(...q.params).map((r) => (r as { detail: string }).detail);
    expect(plan.join('\n')).toMatch(/SEARCH notes USING INTEGER PRIMARY KEY/);
    expect(plan.join('\n')).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
  });
});

// The SQLite engine's FTS5 index (search/sqlite-repository.ts), on an SQLite database in memory.
describe.skipIf(onPostgres)('at scale', () => {
  it('searches 10,000 documents through the full-text index', async () => {
    const words = ['低保', '危房改造', '医疗救助', '特困供养', '临时救助', '残疾人补贴', '村干部', '优亲厚友', '冒领', '克扣'];
    const villages = ['东风村', '向阳村', '红旗村', '胜利村', '新民村'];
    const t0 = performance.now();
    await withTransaction(db, async (tx) => {
      for (let i = 1; i <= 10_000; i++) {
        const text = `${villages[i % 5]}${words[i % 10]}问题，反映人编号 A${i}，${words[(i * 7) % 10]}多年未解决。`;
        await indexDocument(tx, { type: 'report', id: i, scope: `c${i % 20}`, text });
      }
    });
    const t1 = performance.now();
    const hits = await searchIds(db, { type: 'report', query: '危房改造', limit: 1000 });
    const scoped = await searchIds(db, { type: 'report', query: '胜利村 冒领', scope: 'c8', limit: 50 });
    const none = await searchIds(db, { type: 'report', query: '向阳村 冒领', limit: 50 });
    const prefix = await searchIds(db, { type: 'report', query: 'a999', limit: 50 });
    const t2 = performance.now();
    console.log(`search: indexed 10,000 documents in ${(t1 - t0).toFixed(0)} ms; 3 searches in ${(t2 - t1).toFixed(1)} ms`);
    expect(hits.length).toBe(1000);
    expect(scoped.length).toBe(50);
    expect(none).toEqual([]);
    expect(prefix.map((h) => h.id).sort()).toEqual(['999', '9990', '9991', '9992', '9993', '9994', '9995', '9996', '9997', '9998', '9999']);
    const plan = db.all<{ detail: string }>(sql`explain query plan
      select doc_id from search_index_report where search_index_report match ${matchExpression('危房改造')}`);
    expect(plan.map((r) => r.detail).join('\n')).toMatch(/SCAN search_index_report VIRTUAL TABLE INDEX \d+:M/);
  });
});

// The SQLite engine's FTS5 index (search/sqlite-repository.ts), on an SQLite database in memory.
describe.skipIf(onPostgres)('a public search next to many reports', () => {
  beforeEach(async () => {
    await withTransaction(db, async (tx) => {
      for (let i = 1; i <= 3000; i++) await indexDocument(tx, { type: 'report', id: i, scope: 'ca:220102', text: `申请低保两次都没批，举报线索${i}` });
      await indexDocument(tx, { type: 'case', id: 1, text: '典型案例：村干部违规办理低保' });
      await indexDocument(tx, { type: 'case', id: 2, text: '危房改造补贴被冒领' });
      await indexDocument(tx, { type: 'policy', id: 1, text: '农村低保申请条件' });
    });
    db.insert(notes).values([{ id: 1, code: 'c1', county: 'a' }, { id: 2, code: 'c2', county: 'a' }, { id: 3, code: 'c3', county: 'a' }]).run();
  });

  /** The tables a statement reads, from its query plan. */
  function tablesRead(q: { sql: string; params: unknown[] }): string[] {
    const plan = db.$client.prepare(`explain query plan ${q.sql}`).all(...q.params) as { detail: string }[];
    return [...new Set(plan.flatMap((r) => [...r.detail.matchAll(/\b(?:SCAN|SEARCH) (\w+)/g)].map((m) => m[1]!)))].sort();
  }

  it('finds only cases, through the cases\' table alone', async () => {
    expect(await ids('低保', { type: 'case' })).toEqual(['1']);
    expect(await ids('举报线索', { type: 'case' })).toEqual([]);
    expect(await ids('举报线索', { type: 'report', limit: 1000 })).toHaveLength(1000);
    const inQuery = db.select({ id: notes.id }).from(notes).where(matchesSearch(notes.id, { type: 'case', query: '低保' }));
    expect(inQuery.all()).toEqual([{ id: 1 }]);
    // The key table is read by rowid for the matches' ids; the reports' index never.
    expect(tablesRead(inQuery.toSQL())).toEqual(['notes', 'search_index_case', 'search_index_keys']);
    const direct = db.$client.prepare(`select doc_id from ${searchTable('case')} where ${searchTable('case')} match ?`);
    expect(tablesRead({ sql: direct.source, params: [matchExpression('低保')] })).toEqual(['search_index_case']);
  });

  it('does not depend on the reports\' rows at all', async () => {
    // With one shared table the case search read every report matching 低保 to test its type.
    // Now the reports' index can be taken away and the public searches give the same answers.
    const before = { cases: await ids('低保', { type: 'case' }), policies: await ids('低保', { type: 'policy' }) };
    db.$client.exec(`drop table ${searchTable('report')}`);
    await expect(ids('低保')).rejects.toThrow(/no such table/);
    expect({ cases: await ids('低保', { type: 'case' }), policies: await ids('低保', { type: 'policy' }) }).toEqual(before);
    expect(db.select({ id: notes.id }).from(notes).where(matchesSearch(notes.id, { type: 'case', query: '低保' })).all()).toEqual([{ id: 1 }]);
    expect(before).toEqual({ cases: ['1'], policies: ['1'] });
  });
});

// The SQLite engine's FTS5 index (search/sqlite-repository.ts), on an SQLite database in memory.
describe.skipIf(onPostgres)('CREATE_SEARCH_INDEX_SQL', () => {
  it('runs on a plain better-sqlite3 database wrapped by drizzle', async () => {
    const plain = drizzle(new Database(':memory:'));
    plain.$client.exec(CREATE_SEARCH_INDEX_SQL);
    await indexDocument(plain as unknown as Db, { type: 'report', id: 7, text: '申请低保两次都没批' });
    expect((await searchIds(plain as unknown as Db, { type: 'report', query: '低保', limit: 10 })).map((h) => h.id)).toEqual(['7']);
    plain.$client.close();
  });
});
