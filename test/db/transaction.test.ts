// Issue 17: async transactions on the one SQLite connection. Two transactions started together, one
// rolling back: neither sees the other's writes, the rolled-back one keeps none, and a statement
// from outside never lands inside an open transaction.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connection.js';
import { query, setTransactionWaitLimit, withTransaction } from '../../src/db/transaction.js';
import { onPostgres } from '../../src/db/engine.js';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-tx-'));
  db = openDatabase(path.join(dir, 't.db'));
  db.$client.exec('create table notes (id integer primary key, owner text not null)');
});
afterEach(() => {
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tick = () => new Promise((r) => setTimeout(r, 5));
const owners = (q: Db) => q.all<{ owner: string }>(sql`select owner from notes order by id`).map((r) => r.owner);
const insert = (q: Db, owner: string) => q.run(sql`insert into notes (owner) values (${owner})`);

// About the one SQLite connection's mutex; PostgreSQL gives each transaction a pooled client.
describe.skipIf(onPostgres)('withTransaction and query', () => {
  it('runs two interleaved transactions one after the other; the rolled-back one keeps nothing', async () => {
    const seen: Record<string, string[]> = {};
    const a = withTransaction(db, async (tx) => {
      await query(tx, (q) => insert(q, 'a1'));
      await tick(); // lets the event loop run the other transaction's start, which must wait
      seen.a = await query(tx, owners);
      await query(tx, (q) => insert(q, 'a2'));
      throw new Error('a fails');
    });
    const b = withTransaction(db, async (tx) => {
      seen.bBefore = await query(tx, owners);
      await query(tx, (q) => insert(q, 'b1'));
      await tick();
      seen.b = await query(tx, owners);
    });
    await expect(a).rejects.toThrow('a fails');
    await b;
    expect(seen.a).toEqual(['a1']);
    expect(seen.bBefore).toEqual([]);
    expect(seen.b).toEqual(['b1']);
    expect(await query(db, owners)).toEqual(['b1']);
  });

  it('makes a statement from outside wait until the open transaction ends', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = withTransaction(db, async (t) => {
      await query(t, (q) => insert(q, 'inside'));
      order.push('inside written');
      await gate;
      order.push('committing');
    });
    await tick();
    const outside = query(db, (q) => {
      order.push('outside runs');
      insert(q, 'outside');
      return owners(q);
    });
    await tick();
    expect(order).toEqual(['inside written']);
    release();
    expect(await outside).toEqual(['inside', 'outside']);
    await tx;
    expect(order).toEqual(['inside written', 'committing', 'outside runs']);
    // A rollback after an outside statement waited keeps the outside write: it was never inside.
    const failing = withTransaction(db, async (t) => {
      await query(t, (q) => insert(q, 'doomed'));
      await tick();
      throw new Error('no');
    });
    const after = query(db, (q) => insert(q, 'kept'));
    await expect(failing).rejects.toThrow('no');
    await after;
    expect(await query(db, owners)).toEqual(['inside', 'outside', 'kept']);
  });

  it('refuses a transaction opened inside another', async () => {
    await expect(withTransaction(db, async (tx) => withTransaction(tx, async () => 1))).rejects.toThrow(/pass the transaction down/);
    expect(db.$client.inTransaction).toBe(false);
  });

  it('fails after the wait limit, instead of hanging, when the work of a transaction uses db where tx belongs', async () => {
    const previous = setTransactionWaitLimit(100);
    onTestFinished(() => { setTransactionWaitLimit(previous); });
    await expect(withTransaction(db, async (tx) => {
      await query(tx, (q) => insert(q, 'inside'));
      return query(db, owners);
    })).rejects.toThrow(/waited 100 ms .*pass the transaction handle/);
    await expect(withTransaction(db, async () => withTransaction(db, async () => 1))).rejects.toThrow(/withTransaction waited 100 ms .*pass the transaction handle/);
    // The failed transactions rolled back, and the connection is free for the next caller.
    expect(db.$client.inTransaction).toBe(false);
    expect(await query(db, owners)).toEqual([]);
  });

  it('lets work started inside a transaction use db once the transaction has ended', async () => {
    let later!: Promise<string[]>;
    await withTransaction(db, async (tx) => {
      await query(tx, (q) => insert(q, 'committed'));
      // A fire-and-forget step (a mail, a listener) that runs after the commit, in the same async context.
      later = tick().then(() => query(db, owners));
    });
    expect(await later).toEqual(['committed']);
    await withTransaction(db, async () => {
      later = tick().then(() => withTransaction(db, async (tx) => query(tx, owners)));
    });
    expect(await later).toEqual(['committed']);
  });
});
