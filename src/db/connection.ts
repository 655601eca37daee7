import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cacheStatements } from './statement-cache.js';

/** The database handle. No schema generic: the relational query API is not used, and src/db knows no feature. */
export type Db = BetterSQLite3Database & { $client: Database.Database };

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

/** Applies every migration not yet applied (drizzle's journal in migrations/meta). */
export function applyMigrations(db: Db, migrationsFolder = MIGRATIONS_DIR): void {
  migrate(db, { migrationsFolder });
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'sunshine.db');
}
