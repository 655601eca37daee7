// The backup's SQL (issue 17: only a repository holds SQL). A backup works on a whole database
// file — a copy being prepared, or a restored one being proved — below the features, so these
// statements name tables by their SQL names and tolerate an older schema lacking some of them.
// A copy being prepared is a plain better-sqlite3 connection no server uses, so its functions run
// on the connection itself; a restored database opened as a Db goes through `query` like any other.
import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { closeDatabase as closeConfigured, isPostgres, type Db } from '../db/connection.js';
import { query } from '../db/transaction.js';

/** SQLite's own integrity check: 'ok', or the first problems it found. */
export async function integrityCheck(client: Database.Database): Promise<string> {
  return client.pragma('integrity_check', { simple: true }) as string;
}

export async function tableNames(client: Database.Database): Promise<Set<string>> {
  return new Set((client.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((r) => r.name));
}

/** Deletes every session, overwriting the freed pages, so the copy holds no session id. */
export async function eraseSessions(client: Database.Database): Promise<void> {
  client.pragma('secure_delete = ON');
  client.prepare('delete from sessions').run();
}

export interface SnapshotContents {
  storedNames: { name: string; size: number }[];
  archives: { name: string; sha256: string }[];
  counts: Record<string, number>;
  migrations: number;
}

/** What the manifest lists of a database copy: row counts of `counted`, migrations, evidence files and audit archives. */
export async function snapshotContents(client: Database.Database, tables: Set<string>, counted: readonly string[]): Promise<SnapshotContents> {
  const counts: Record<string, number> = {};
  for (const table of counted) if (tables.has(table)) counts[table] = (client.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
  const migrations = tables.has('__drizzle_migrations') ? (client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n : 0;
  const storedNames = tables.has('evidence_files') ? (client.prepare('select stored_name as name, size from evidence_files order by id').all() as { name: string; size: number }[]) : [];
  // The audit log's monthly archives (issue 15): without them the restored trail does not verify.
  const archives = tables.has('audit_archives') ? (client.prepare('select file_name as name, file_sha256 as sha256 from audit_archives order by id').all() as { name: string; sha256: string }[]) : [];
  return { storedNames, archives, counts, migrations };
}

/** The evidence files a restored database refers to, smallest first (the smallest is decrypted as proof of the key). */
export async function referencedEvidence(db: Db): Promise<{ name: string; sha256: string; size: number }[]> {
  return query(db, (q) => q.all<{ name: string; sha256: string; size: number }>(sql`select stored_name as name, sha256, size from evidence_files order by size, id`));
}

/**
 * The restored database's integrity check. PostgreSQL has no check of a whole database; there
 * pg_restore loaded the dump in one transaction that stops at the first error, so it is whole.
 */
export async function databaseIntegrity(db: Db): Promise<string> {
  if (isPostgres(db)) return 'ok';
  return query(db, (q) => q.$client.pragma('integrity_check', { simple: true }) as string);
}

/** Closes the restored database opened to prove the key (the file, or PostgreSQL's pool). */
export async function closeDatabase(db: Db): Promise<void> {
  await closeConfigured(db);
}
