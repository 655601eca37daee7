// Change stamps: counters that SQLite triggers raise whenever rows a cached staff page is built from
// change (migration 0009). A page stored with the stamps' total is still right while the total is
// the same; the triggers see every writer — routes, the scheduler, the CLI in another process —
// so no code path can forget to invalidate.
//
// Keys: `tree:<unit id>` for every unit a report is handled by, assigned to or reviewed by (before
// and after the change) and every unit above those (units.unit_ancestors); `people` for what staff
// pages show or scope by from users and declarations (names, units, roles, home villages, declared
// relatives); `calendar` for the holiday calendar.
import { table, text, integer } from './schema.js';
import { sql } from 'drizzle-orm';
import { isPostgres, type Db } from './connection.js';
import type { Executor } from './executor.js';
import { query } from './transaction.js';

export const changeStamps = table('change_stamps', {
  key: text('key').primaryKey(),
  n: integer('n').notNull(),
});

/** The triggers of migrations 0009 and 0010. A table rebuild in a later migration drops its triggers: checked at start. */
const STAMP_TRIGGERS: readonly string[] = [
  ...['reports', 'declarants', 'declared_relatives', 'holiday_overrides', 'calendar_years', 'users'].flatMap((table) => ['insert', 'update', 'delete'].map((event) => `${table}_stamp_${event}`)),
];

/** The same triggers on PostgreSQL (migrations-pg/0001): one per table and event set. */
const PG_STAMP_TRIGGERS: readonly string[] = ['reports_stamp', 'users_stamp_update', 'users_stamp_insert_delete', 'declarants_stamp', 'declared_relatives_stamp', 'holiday_overrides_stamp', 'calendar_years_stamp'];

/** Stamp triggers the database lacks (none on a database migrated as shipped). */
export async function missingStampTriggers(db: Db): Promise<string[]> {
  if (isPostgres(db)) {
    const rows = await query(db, (q) => q.all<{ name: string }>(sql`SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal`));
    const present = new Set(rows.map((r) => r.name));
    return PG_STAMP_TRIGGERS.filter((name) => !present.has(name));
  }
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
  if (isPostgres(db)) {
    const list = JSON.parse(keys) as string[];
    const row = await query(db, (q) => q.get<{ n: number }>(sql`SELECT coalesce(sum(n), 0) AS n FROM change_stamps WHERE key = ANY (${sql.param(list)}::text[])`));
    return row?.n ?? 0;
  }
  // Every cached staff page asks this on every reload: a raw statement, which the connection keeps
  // compiled by its text (db/statement-cache.ts), skips building the query through drizzle each time.
  return query(db, (q) => q.$client.prepare(STAMP_TOTAL).pluck().get(keys) as number);
}
