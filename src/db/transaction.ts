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
// waits for it to end. The PostgreSQL engine will give `tx` a client of its own; the calls stay.
import { Mutex, withTimeout, E_TIMEOUT } from 'async-mutex';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type Database from 'better-sqlite3';
import type { Db } from './connection.js';
import type { Executor } from './executor.js';

/** A handle valid inside one withTransaction call only. */
export type Tx = Db & { readonly __transaction: unique symbol };

const mutexes = new WeakMap<Database.Database, Mutex>();
const open = new WeakSet<object>();

/**
 * How long a statement or transaction waits for the open transaction to end before it gives up,
 * like SQLite's own busy_timeout. Transactions here last milliseconds, so a long wait almost always
 * means the work of a transaction used `db` where its `tx` belongs and is now waiting for itself;
 * the error says so instead of hanging the request. (An AsyncLocalStorage check caught that at once,
 * but cost every statement about 10 % on the staff pages; see bench/results-issue17.md.)
 */
let waitLimitMs = Number(process.env.SUNSHINE_TRANSACTION_WAIT_MS) || 15_000;

/** For tests: a short limit, so a self-wait fails in milliseconds. Returns the previous limit. */
export function setTransactionWaitLimit(ms: number): number {
  const previous = waitLimitMs;
  waitLimitMs = ms;
  return previous;
}

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
  const limit = waitLimitMs;
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

/**
 * Runs statements of a repository function: at once inside a transaction (`db` is its `tx`) or
 * when none is open; otherwise after the open one ends.
 */
export async function query<T>(db: Executor, run: (q: Db) => T): Promise<T> {
  if (open.has(db)) return run(db);
  if (!mutexOf(db.$client).isLocked()) return run(db);
  return exclusive(db.$client, 'A statement', () => run(db));
}
