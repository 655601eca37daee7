// better-sqlite3 compiles a statement on every prepare() and drizzle calls prepare() for every query
// it runs, so a staff page paid for compiling each of its queries anew (≈ 5 % of the server's time
// under the inbox load, bench/findings.md). This keeps the compiled statements of one connection,
// keyed on their SQL text, least recently used dropped first.
import type Database from 'better-sqlite3';

export const STATEMENT_CACHE_SIZE = 500;

export function cacheStatements(sqlite: Database.Database, max = STATEMENT_CACHE_SIZE): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = cache.get(source);
    // A statement still stepping through an iterate() cannot run again until it is done.
    if (hit && !hit.busy) {
      cache.delete(source);
      cache.set(source, hit);
      // Drizzle switches a statement to raw (array) rows for typed selects and uses plain object
      // rows for sql`` queries: hand it back in the default mode, as a fresh statement would be.
      if (hit.reader) hit.pluck(false).expand(false).raw(false);
      return hit;
    }
    const statement = prepare(source);
    if (!hit) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  }) as typeof sqlite.prepare;
}
