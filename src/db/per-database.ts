// Values read once per database connection and then kept: rows written only at start-up (units,
// regions) and statements prepared once. Keyed by the connection object (a test opens many), so a
// closed database takes its values with it.

export interface PerDatabase<K, V> {
  /** The kept value, else `load()`'s, kept unless it is undefined (not known yet: asked again next time). */
  get(db: object, key: K, load: () => V | undefined): V | undefined;
  /** Forgets everything kept for this database (before its rows are written). */
  clear(db: object): void;
}

export function perDatabase<K, V>(): PerDatabase<K, V> {
  const maps = new WeakMap<object, Map<K, V>>();
  return {
    get(db, key, load) {
      let map = maps.get(db);
      if (!map) maps.set(db, (map = new Map()));
      let value = map.get(key);
      if (value === undefined) {
        value = load();
        if (value !== undefined) map.set(key, value);
      }
      return value;
    },
    clear(db) {
      maps.delete(db);
    },
  };
}
