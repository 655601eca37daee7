import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cacheStatements } from './statement-cache.js';
import { onPostgres } from './engine.js';
import type { PgDb } from './postgres/connection.js';

// The PostgreSQL engine (node-postgres and drizzle's pg session, ≈ 15 MB resident) is loaded only by a
// process that opens a PostgreSQL database; one on the SQLite file never needs it. Loaded when first
// asked for, not by a top-level await: drizzle-kit reads the table modules as CommonJS, which has none.
const postgresEngine = () => import('./postgres/connection.js');

/**
 * The database handle. No schema generic: the relational query API is not used, and src/db knows no
 * feature. Typed as SQLite's on both engines: on PostgreSQL it is drizzle's pg database with the same
 * query endings (src/db/schema.ts, src/db/postgres/compat.ts); code that needs the engine's own
 * client asks `isPostgres(db)` first.
 */
export type Db = BetterSQLite3Database & { $client: Database.Database };

/** Whether this handle is a PostgreSQL database (or transaction) rather than the SQLite file. */
export function isPostgres(db: object): boolean {
  return onPostgres && !('$client' in db && db.$client instanceof Database);
}

/** Where the data lives: DATABASE_URL when set (PostgreSQL), else DATA_DIR/sunshine.db. */
export interface DatabaseTarget {
  databaseUrl: string | null;
  dataDir: string;
}

/** Opens the configured database: PostgreSQL when a URL is given, else the SQLite file in the data dir. */
export async function openConfiguredDatabase(target: DatabaseTarget): Promise<Db> {
  if (target.databaseUrl) {
    if (!onPostgres) throw new Error('DATABASE_URL was set after start-up: the table definitions were built for SQLite');
    return (await postgresEngine()).openPostgres(target.databaseUrl) as unknown as Db;
  }
  if (onPostgres) throw new Error('This process was started with DATABASE_URL; it cannot open an SQLite file');
  return openDatabase(databaseFile(target.dataDir));
}

/** Closes the connection (SQLite) or the pool (PostgreSQL). */
export async function closeDatabase(db: Db): Promise<void> {
  if (isPostgres(db)) await (await postgresEngine()).closePostgres(db as unknown as PgDb);
  else db.$client.close();
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Opens (creating if needed) the SQLite database. WAL for concurrent readers, foreign keys on,
 * a busy timeout for the CLI tools that share the file, and synchronous=FULL so that a report whose
 * query code was shown survives a power cut (issue 2).
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // Deleted rows (an erased identity, a forgotten query code) are overwritten in the file, not left in free pages (issue 15).
  sqlite.pragma('secure_delete = ON');
  cacheStatements(sqlite);
  return drizzle(sqlite) as Db;
}

/**
 * Applies every migration not yet applied (drizzle's journal in migrations/meta, or migrations-pg/meta
 * on PostgreSQL, where several nodes starting together take turns under an advisory lock).
 */
export async function applyMigrations(db: Db, migrationsFolder?: string): Promise<void> {
  if (isPostgres(db)) return (await postgresEngine()).migratePostgres(db as unknown as PgDb, migrationsFolder);
  migrate(db, { migrationsFolder: migrationsFolder ?? MIGRATIONS_DIR });
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'sunshine.db');
}

/** Any fixed number: the lock nodes take while they prepare a database at start. */
export const STARTUP_LOCK = 7_221_023;

/**
 * Runs the start-up preparation of a database (migrations, reference data) so that several nodes
 * starting together on one PostgreSQL database take turns; on SQLite there is one process.
 */
export async function preparingAlone<T>(db: Db, work: () => Promise<T>): Promise<T> {
  return isPostgres(db) ? (await postgresEngine()).whileLocked(db as unknown as PgDb, STARTUP_LOCK, work) : work();
}
