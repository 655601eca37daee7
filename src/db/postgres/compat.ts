// The repositories are written against drizzle's SQLite API (src/db/schema.ts says why): a query
// builder ends in .get() (first row), .all() (rows), .run() (a write, {changes}) or .values() (rows
// as arrays), and raw statements go through db.get/all/run/values(sql`…`). PostgreSQL's builders
// end in a plain `await`. This gives drizzle's pg builders and databases the same four endings,
// each returning a promise — the repositories already await every `query(db, …)` — so one set of
// repositories runs on both engines. Installed once, when the first PostgreSQL database is opened.
import type { SQL } from 'drizzle-orm';
import { PgDatabase, PgDeleteBase, PgInsertBase, PgSelectBase, PgUpdateBase } from 'drizzle-orm/pg-core';
import type { QueryResult } from 'pg';

interface Executable {
  execute(): Promise<unknown>;
}

interface SelectConfig {
  limit?: unknown;
  setOperators: { limit?: unknown }[];
}

/** What a write reports, shaped like better-sqlite3's RunResult (only `changes` is read). */
export interface WriteResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return ((result as QueryResult | undefined)?.rows ?? []) as Record<string, unknown>[];
}

function writeResult(result: unknown): WriteResult {
  const changes = Array.isArray(result) ? result.length : ((result as QueryResult | undefined)?.rowCount ?? 0);
  return { changes, lastInsertRowid: 0 };
}

const builderEndings = {
  get(this: Executable) {
    return this.execute().then((r) => rowsOf(r)[0]);
  },
  all(this: Executable) {
    return this.execute().then(rowsOf);
  },
  run(this: Executable) {
    return this.execute().then(writeResult);
  },
  values(this: Executable) {
    return this.execute().then((r) => rowsOf(r).map((row) => Object.values(row)));
  },
};

interface RawExecutor {
  execute(query: SQL): Promise<QueryResult>;
}

const rawEndings = {
  get(this: RawExecutor, query: SQL) {
    return this.execute(query).then((r) => r.rows[0]);
  },
  all(this: RawExecutor, query: SQL) {
    return this.execute(query).then((r) => r.rows);
  },
  run(this: RawExecutor, query: SQL) {
    return this.execute(query).then(writeResult);
  },
  values(this: RawExecutor, query: SQL) {
    return this.execute(query).then((r) => r.rows.map((row) => Object.values(row as object)));
  },
};

/**
 * A select's `.get()` asks the server for one row: better-sqlite3 stops after the first row, but
 * PostgreSQL sends every matching row unless told otherwise. A limit already given is kept.
 */
function selectFirst(this: Executable & { config: SelectConfig; limit(n: number): unknown }) {
  const limited = this.config.setOperators.length > 0 ? this.config.setOperators.at(-1)!.limit : this.config.limit;
  if (limited === undefined) this.limit(1);
  return builderEndings.get.call(this);
}

let installed = false;

export function installSqliteEndings(): void {
  if (installed) return;
  installed = true;
  for (const builder of [PgSelectBase, PgInsertBase, PgUpdateBase, PgDeleteBase]) {
    for (const [name, fn] of Object.entries(builderEndings)) {
      Object.defineProperty(builder.prototype, name, { value: fn, configurable: true, writable: true });
    }
  }
  Object.defineProperty(PgSelectBase.prototype, 'get', { value: selectFirst, configurable: true, writable: true });
  for (const [name, fn] of Object.entries(rawEndings)) {
    Object.defineProperty(PgDatabase.prototype, name, { value: fn, configurable: true, writable: true });
  }
}
