// The health check's one query, kept here so the route holds no SQL (DESIGN.md §6).
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';

/** Throws when the database does not answer a trivial query. */
export async function pingDatabase(db: Executor): Promise<void> {
  await query(db, (q) => q.get(sql`select 1`));
}
