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
import { AsyncLocalStorage } from 'node:async_hooks';
import { Mutex } from 'async-mutex';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type Database from 'better-sqlite3';
import type { Db } from './connection.js';
import type { Executor } from './executor.js';

/** A handle valid inside one withTransaction call only. */
export type Tx = Db & { readonly __transaction: unique symbol };

const mutexes = new WeakMap<Database.Database, Mutex>();
const open = new WeakSet<object>();
/**
 * The transaction the current async context belongs to, to catch `db` used where `tx` belongs.
 * Work started inside a transaction and still running after it ended (a timer, a listener, a
 * fire-and-forget send) keeps this context: `open` tells it the transaction is over.
 */
const holding = new AsyncLocalStorage<{ client: Database.Database; open: boolean }>();

/**
 * A statement on `db` (not `tx`) from inside the transaction's own work would wait for the mutex
 * that work holds: a silent hang. Fail at once with the reason instead.
 */
function refuseSelfWait(client: Database.Database, what: string): void {
  const held = holding.getStore();
  if (held?.open && held.client === client) throw new Error(`${what} on the database inside withTransaction: pass the transaction handle (tx) down instead`);
}

function mutexOf(client: Database.Database): Mutex {
  let mutex = mutexes.get(client);
  if (!mutex) {
    mutex = new Mutex();
    mutexes.set(client, mutex);
  }
  return mutex;
}

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Nothing
 * else runs on the connection in between (statements outside wait in `query`). Do not nest: pass
 * `tx` down instead.
 */
export async function withTransaction<T>(db: Db | Tx, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (open.has(db)) throw new Error('withTransaction inside a transaction: pass the transaction down instead');
  const client = db.$client;
  refuseSelfWait(client, 'withTransaction');
  const held = { client, open: true };
  return mutexOf(client).runExclusive(() => holding.run(held, async () => {
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
      held.open = false;
    }
  }));
}

/**
 * Runs statements of a repository function: at once inside a transaction (`db` is its `tx`) or
 * when none is open; otherwise after the open one ends.
 */
export async function query<T>(db: Executor, run: (q: Db) => T): Promise<T> {
  if (open.has(db)) return run(db);
  refuseSelfWait(db.$client, 'A statement');
  const mutex = mutexOf(db.$client);
  if (!mutex.isLocked()) return run(db);
  return mutex.runExclusive(() => run(db));
}
