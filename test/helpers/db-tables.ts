// The tables of a test app's database, listed from the engine's own catalogue (issue 21): tests that
// walk every table (nothing stored anywhere, nothing changed anywhere) run on both engines.
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/db/connection.js';
import { onPostgres } from '../../src/db/engine.js';

/** Every table, sorted by name: sqlite_master's tables on SQLite, the current schema's on PostgreSQL. */
export async function tableNames(db: Db): Promise<string[]> {
  const rows = onPostgres
    ? await db.all<{ name: string }>(sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`)
    : await db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table' order by name`);
  return rows.map((r) => r.name);
}
