// Transactions on PostgreSQL (issue 21): write transactions take one lock, so they run one at a time
// across nodes as on SQLite, and a transaction that cannot get it within the wait limit fails, as a
// statement waiting for SQLite's one connection does, instead of holding a pooled client forever.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openConfiguredDatabase, type Db } from '../../src/db/connection.js';
import { onPostgres } from '../../src/db/engine.js';
import { setTransactionWaitLimit, withTransaction } from '../../src/db/transaction.js';
import { createTestDatabase, dropTestDatabase } from '../helpers/pg-databases.js';

describe.skipIf(!onPostgres)('write transactions on PostgreSQL', () => {
  let url: string;
  let a: Db;
  let b: Db;
  beforeAll(async () => {
    url = await createTestDatabase();
    // Two pools on one database: two app nodes.
    a = await openConfiguredDatabase({ databaseUrl: url, dataDir: '' });
    b = await openConfiguredDatabase({ databaseUrl: url, dataDir: '' });
  });
  afterAll(async () => {
    await closeDatabase(a);
    await closeDatabase(b);
    await dropTestDatabase(url);
  });

  it('run one at a time across two pools', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = withTransaction(a, async (tx) => {
      order.push('a begins');
      entered();
      await held;
      await tx.run(sql`select 1`);
      order.push('a ends');
    });
    await inside;
    const second = withTransaction(b, async () => {
      order.push('b begins');
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual(['a begins']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['a begins', 'a ends', 'b begins']);
  });

  it('gives up after the wait limit instead of waiting for ever', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = withTransaction(a, async () => {
      entered();
      await held;
    });
    await inside;
    const previous = setTransactionWaitLimit(200);
    try {
      await expect(withTransaction(b, async () => 'ran')).rejects.toThrow(/lock timeout/i);
    } finally {
      setTransactionWaitLimit(previous);
      release();
      await first;
    }
    // The lock is free again: the next transaction runs.
    expect(await withTransaction(b, async () => 'ran')).toBe('ran');
  });
});
