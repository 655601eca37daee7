// Change stamps: counters that SQLite triggers raise whenever rows a cached staff page is built from
// change (migration 0009). A page stored with the stamps' total is still right while the total is
// the same; the triggers see every writer — routes, the scheduler, the CLI in another process —
// so no code path can forget to invalidate.
//
// Keys: `tree:<unit id>` for every unit a report is handled by, assigned to or reviewed by (before
// and after the change) and every unit above those (units.unit_ancestors); `people` for what staff pages show or scope by from users and declarations
// (names, units, roles, home villages, declared relatives); `calendar` for the holiday calendar.
import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';
import type { Db } from './connection.js';
import { perDatabase } from './per-database.js';

export const changeStamps = sqliteTable('change_stamps', {
  key: text('key').primaryKey(),
  n: integer('n').notNull(),
});

const statements = perDatabase<'sum', { get(keys: string): unknown }>();

/**
 * The total of the counters under `keys` (a JSON array of keys, absent keys count 0). Counters only
 * grow, so the total changes whenever any of them does.
 */
export function stampTotal(db: Db, keys: string): number {
  const sum = statements.get(db, 'sum', () => db.$client.prepare('SELECT total(n) AS n FROM change_stamps WHERE key IN (SELECT value FROM json_each(?))').pluck())!;
  return sum.get(keys) as number;
}
