// The health check's one query, kept here so the route holds no SQL (DESIGN.md §6).
import { sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';

/** Throws when the database does not answer a trivial query. */
export function pingDatabase(db: Db): void {
  db.get(sql`select 1`);
}
