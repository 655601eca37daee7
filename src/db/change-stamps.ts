// Change stamps: counters that SQLite triggers raise whenever rows a cached staff page is built from
// change (migration 0009). A page stored with the stamps' total is still right while the total is
// the same; the triggers see every writer — routes, the scheduler, the CLI in another process —
// so no code path can forget to invalidate.
//
// Keys: `tree:<unit id>` for every unit a report is handled by, assigned to or reviewed by (before
// and after the change) and every unit above those (units.unit_ancestors); `people` for what staff
// pages show or scope by from users and declarations (names, units, roles, home villages, declared
// relatives); `calendar` for the holiday calendar.
import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import type { Db } from './connection.js';
import type { Executor } from './executor.js';
import { query } from './transaction.js';

export const changeStamps = sqliteTable('change_stamps', {
  key: text('key').primaryKey(),
  n: integer('n').notNull(),
});

/** The triggers of migrations 0009 and 0010. A table rebuild in a later migration drops its triggers: checked at start. */
const STAMP_TRIGGERS: readonly string[] = [
  ...['reports', 'declarants', 'declared_relatives', 'holiday_overrides', 'calendar_years', 'users'].flatMap((table) => ['insert', 'update', 'delete'].map((event) => `${table}_stamp_${event}`)),
];

/** Stamp triggers the database lacks (none on a database migrated as shipped). */
export function missingStampTriggers(db: Db): string[] {
  const present = new Set(db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]);
  return STAMP_TRIGGERS.filter((name) => !present.has(name));
}

/**
 * The total of the counters under `keys` (a JSON array of keys, absent keys count 0). Counters only
 * grow, so the total changes whenever any of them does. Read through `query`: never inside another
 * request's open transaction, whose uncommitted writes a direct read would count (issue 17).
 */
const STAMP_TOTAL = 'SELECT total(n) AS n FROM change_stamps WHERE key IN (SELECT value FROM json_each(?))';

export async function stampTotal(db: Executor, keys: string): Promise<number> {
  // Every cached staff page asks this on every reload: a raw statement, which the connection keeps
  // compiled by its text (db/statement-cache.ts), skips building the query through drizzle each time.
  return query(db, (q) => q.$client.prepare(STAMP_TOTAL).pluck().get(keys) as number);
}
