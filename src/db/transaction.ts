// Async transactions on the one shared SQLite connection (issue 17). better-sqlite3 refuses a
// transaction function that returns a promise, and a hand-made BEGIN … await … COMMIT would let
// other requests' statements land inside the open transaction (read its uncommitted rows, or be
// rolled back with it). So a process-wide mutex per connection is held from BEGIN to COMMIT or
// ROLLBACK, and every statement outside that transaction waits for it:
//
//   await withTransaction(db, async (tx) => { await repo.insertX(tx, …); await repo.updateY(tx, …); });
//   const row = await query(db, (q) => q.select().from(t).where(…).get());   // in a repository
//
// Inside the transaction, repositories get `tx` and run at once; outside, `query` runs at once when
// no transaction is open (no await in between, so nothing can open one meanwhile) and otherwise
// waits for it to end. A repository function whose statements depend on each other's results passes
// an async callback; on SQLite that callback holds the connection for its whole run, so no other
// request's transaction opens between its statements.
//
// On PostgreSQL (issue 21) a transaction gets a pooled client of its own (drizzle's transaction),
// and takes a lock that keeps write transactions one at a time across every node, as on SQLite;
// statements outside a transaction run on other clients of the pool: no mutex, the same calls.
import { Mutex, withTimeout, E_TIMEOUT } from 'async-mutex';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type Database from 'better-sqlite3';
import { isPostgres, type Db } from './connection.js';
import type { Executor } from './executor.js';
import { transactionWaitLimit } from './wait-limit.js';

export { setTransactionWaitLimit } from './wait-limit.js';

/** A handle valid inside one withTransaction call only. */
export type Tx = Db & { readonly __transaction: unique symbol };

const mutexes = new WeakMap<Database.Database, Mutex>();
const open = new WeakSet<object>();

function mutexOf(client: Database.Database): Mutex {
  let mutex = mutexes.get(client);
  if (!mutex) {
    mutex = new Mutex();
    mutexes.set(client, mutex);
  }
  return mutex;
}

/** Runs `fn` holding the connection's mutex, waiting at most the limit for it. */
async function exclusive<T>(client: Database.Database, what: string, fn: () => T | Promise<T>): Promise<T> {
  const limit = transactionWaitLimit();
  try {
    return await withTimeout(mutexOf(client), limit).runExclusive(fn);
  } catch (err) {
    if (err !== E_TIMEOUT) throw err;
    throw new Error(`${what} waited ${limit} ms for the open transaction to end. If it runs inside withTransaction on db, pass the transaction handle (tx) down instead; otherwise a transaction is stuck.`);
  }
}

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Nothing
 * else runs on the connection in between (statements outside wait in `query`). Do not nest: pass
 * `tx` down instead.
 */
export async function withTransaction<T>(db: Db | Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (open.has(db)) throw new Error('withTransaction inside a transaction: pass the transaction down instead');
  if (isPostgres(db)) return withPostgresTransaction(db, work);
  const client = db.$client;
  return exclusive(client, 'withTransaction', async () => {
    const tx = drizzle(client) as unknown as Tx;
    open.add(tx);
    try {
      client.exec('BEGIN IMMEDIATE');
      const result = await work(tx);
      client.exec('COMMIT');
      return result;
    } catch (err) {
      if (client.inTransaction) client.exec('ROLLBACK');
      throw err;
    } finally {
      open.delete(tx);
    }
  });
}

interface PgTransactional {
  transaction<T>(work: (tx: unknown) => Promise<T>): Promise<T>;
}

/**
 * Every write transaction on PostgreSQL first takes this lock, so that, as on SQLite, one runs at a
 * time across all nodes: the repositories were written for SQLite's serialized transactions (read a
 * head or a maximum, then write after it; check, then claim), and PostgreSQL's READ COMMITTED would
 * let two nodes interleave them. Statements outside a transaction — every page read — run in
 * parallel on the pool.
 */
const WRITE_LOCK = 7_221_020;

async function withPostgresTransaction<T>(db: Db | Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  return (db as unknown as PgTransactional).transaction(async (pgTx) => {
    const tx = pgTx as Tx;
    const execute = (tx as unknown as { execute(q: unknown): Promise<unknown> }).execute.bind(tx);
    // Bounded like the SQLite mutex: a transaction that cannot get the lock (or a row lock) within
    // the limit fails instead of holding a pooled client and every writer behind it; a client left
    // idle inside a transaction is ended by the server.
    const limit = transactionWaitLimit();
    await execute(sql`select set_config('lock_timeout', ${`${limit}ms`}, true), set_config('idle_in_transaction_session_timeout', ${`${limit * 4}ms`}, true)`);
    try {
      await execute(sql`select pg_advisory_xact_lock(${WRITE_LOCK})`);
    } catch (err) {
      // 55P03 lock_not_available: lock_timeout ran out.
      if ((err as { cause?: { code?: string } }).cause?.code === '55P03') throw new Error(`withTransaction waited ${limit} ms for the write lock (lock timeout): another node's transaction is stuck, or this one's work used db where its tx belongs.`, { cause: err });
      throw err;
    }
    open.add(tx);
    try {
      return await work(tx);
    } finally {
      open.delete(tx);
    }
  });
}

/**
 * Runs statements of a repository function: at once inside a transaction (`db` is its `tx`) or
 * when none is open; otherwise after the open one ends. An async `run` (statements that await one
 * another) holds the SQLite connection until it is done.
 */
export async function query<T>(db: Executor, run: (q: Db) => T | Promise<T>): Promise<T> {
  if (open.has(db) || isPostgres(db)) return run(db);
  if (run.constructor.name === 'AsyncFunction') return exclusive(db.$client, 'A statement', () => run(db));
  if (!mutexOf(db.$client).isLocked()) return run(db);
  return exclusive(db.$client, 'A statement', () => run(db));
}

/**
 * Runs `work` whose statements depend on the last row written (the audit chain: read the head, append
 * after it) so that no other writer comes in between. PostgreSQL: inside a transaction — the caller's,
 * or one opened for it — which holds the write lock every transaction takes. SQLite: a transaction
 * already excludes every other writer, and a statement outside one holds the connection (an async
 * `query` callback), so `work` runs as it is.
 */
export async function asOneWriter<T>(db: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  if (!isPostgres(db) || open.has(db)) return work(db);
  return withTransaction(db, (tx) => work(tx));
}
