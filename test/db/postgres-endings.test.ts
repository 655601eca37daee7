// The SQLite-style endings on PostgreSQL's builders (src/db/postgres/compat.ts): `.get()` asks the
// server for one row. better-sqlite3's get() stops stepping after the first row; a pg query without
// LIMIT sends every matching row over the wire, so a `.get()` on a large table read all of it.
import { sql } from 'drizzle-orm';
import { integer, pgTable } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openConfiguredDatabase, type Db } from '../../src/db/connection.js';
import { onPostgres } from '../../src/db/engine.js';
import { createEmptyTestDatabase, dropTestDatabase } from '../helpers/pg-databases.js';

const numbers = pgTable('endings_numbers', { n: integer('n').notNull() });

describe.skipIf(!onPostgres)('SQLite-style endings on PostgreSQL', () => {
  let url: string;
  let db: Db;
  let pool: pg.Pool;
  const statements: string[] = [];
  beforeAll(async () => {
    url = await createEmptyTestDatabase();
    db = await openConfiguredDatabase({ databaseUrl: url, dataDir: '' }); // installs the endings
    await db.run(sql`create table endings_numbers (n integer not null)`);
    await db.run(sql`insert into endings_numbers select generate_series(1, 500)`);
    pool = new pg.Pool({ connectionString: url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await closeDatabase(db);
    await dropTestDatabase(url);
  });

  const logged = () => drizzle(pool, { logger: { logQuery: (query: string) => statements.push(query) } });

  it('.get() fetches one row, and leaves a limit already given alone', async () => {
    const pdb = logged();
    statements.length = 0;
    const first = await (pdb.select().from(numbers).orderBy(numbers.n) as unknown as { get(): Promise<{ n: number }> }).get();
    expect(first).toEqual({ n: 1 });
    expect(statements.at(-1)).toMatch(/limit \$1$/i);
    const tenth = await (pdb.select().from(numbers).orderBy(numbers.n).limit(1).offset(9) as unknown as { get(): Promise<{ n: number }> }).get();
    expect(tenth).toEqual({ n: 10 });
    const count = await (pdb.select({ c: sql<number>`count(*)` }).from(numbers) as unknown as { get(): Promise<{ c: number }> }).get();
    expect(count).toEqual({ c: 500 });
  });

  it('.all() after .get() on another builder still returns every row', async () => {
    const pdb = logged();
    const rows = await (pdb.select().from(numbers) as unknown as { all(): Promise<unknown[]> }).all();
    expect(rows).toHaveLength(500);
  });
});
