// Values read once per database connection and then kept: rows written only at start-up (units,
// regions) and statements prepared once. Keyed by the connection (a test opens many), so a closed
// database takes its values with it, and a withTransaction handle (a new drizzle object on the
// same connection) shares them with the database it came from.
import type { Executor } from './executor.js';

export interface PerDatabase<K, V> {
  /** The kept value, else `load()`'s, kept unless it is undefined (not known yet: asked again next time). */
  get(db: Executor | object, key: K, load: () => V | undefined | Promise<V | undefined>): Promise<V | undefined>;
  /** Forgets everything kept for this database (before its rows are written). */
  clear(db: Executor | object): void;
}

/**
 * The better-sqlite3 connection behind a handle: `$client` of a database or a withTransaction
 * handle (a new drizzle object on the same connection, which so shares the cache). Anything else
 * (a test's plain object) is its own key.
 */
export function connectionOf(db: object): object {
  if ('$client' in db && typeof db.$client === 'object' && db.$client) return db.$client;
  return db;
}

export function perDatabase<K, V>(): PerDatabase<K, V> {
  const maps = new WeakMap<object, Map<K, V>>();
  return {
    async get(db, key, load) {
      const connection = connectionOf(db);
      let map = maps.get(connection);
      if (!map) maps.set(connection, (map = new Map()));
      const kept = map.get(key);
      if (kept !== undefined) return kept;
      const value = await load();
      // Kept only if the database was not cleared while it loaded (its rows may have changed since).
      if (value !== undefined && maps.get(connection) === map) map.set(key, value);
      return value;
    },
    clear(db) {
      maps.delete(connectionOf(db));
    },
  };
}
