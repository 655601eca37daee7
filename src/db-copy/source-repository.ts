// The copy's reads of the SQLite portal (issue 21): a read-only connection of its own holding one
// read transaction, so every table is read in the same state even if a server still writes; rows
// come a batch at a time in rowid order (never a whole table in memory). Names tables by their SQL
// names, below the features, as the backup does.
import Database from 'better-sqlite3';

export type Source = Database.Database;

/** Opens the file read-only and starts the read transaction every later read shares. */
export async function openSource(file: string): Promise<Source> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.exec('BEGIN');
  // The snapshot is taken at the first read, which this is.
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  return db;
}

export async function closeSource(db: Source): Promise<void> {
  if (db.inTransaction) db.exec('COMMIT');
  db.close();
}

export interface SourceTable {
  columns: string[];
  /** A virtual table (the FTS5 search tables), whose rowid is the row's key. */
  virtual: boolean;
}

/** Every table of the file (virtual tables included, SQLite's own excluded) with its visible columns. */
export async function sourceTables(db: Source): Promise<Map<string, SourceTable>> {
  const rows = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").all() as { name: string; sql: string | null }[];
  const out = new Map<string, SourceTable>();
  for (const { name, sql } of rows) {
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all(name) as { name: string }[]).map((c) => c.name);
    out.set(name, { columns, virtual: /^CREATE VIRTUAL TABLE/i.test(sql ?? '') });
  }
  return out;
}

export async function migrationsApplied(db: Source): Promise<number> {
  const has = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = '__drizzle_migrations'").get() as { n: number };
  return has.n ? (db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
}

export async function rowCount(db: Source, table: string): Promise<number> {
  return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
}

/**
 * The next batch of `columns` after rowid `after`, each row as an array in column order, with its
 * rowid first. A column named `rowid` reads the row's rowid (an FTS5 table's id).
 */
export async function rowsAfter(db: Source, table: string, columns: readonly string[], after: number, limit: number): Promise<unknown[][]> {
  const list = columns.map((c) => (c === 'rowid' ? 'rowid' : `"${c}"`)).join(', ');
  return db.prepare(`SELECT rowid, ${list} FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ?`).raw(true).all(after, limit) as unknown[][];
}

/** Stored names and sizes of the evidence files the portal refers to. */
export async function evidenceFiles(db: Source): Promise<{ name: string; size: number }[]> {
  return db.prepare('SELECT stored_name AS name, size FROM evidence_files ORDER BY id').all() as { name: string; size: number }[];
}

/** The live audit entries after `afterId`, raw rows under the table's SQL names. */
export async function auditEntriesAfter(db: Source, afterId: number, limit: number): Promise<Record<string, unknown>[]> {
  return db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as Record<string, unknown>[];
}

/** The MAC the live chain continues: the last archive's last entry's (null: none, the genesis MAC). */
export async function lastArchiveEnd(db: Source): Promise<string | null> {
  const row = db.prepare('SELECT last_mac FROM audit_archives ORDER BY last_id DESC, id DESC LIMIT 1').get() as { last_mac: string } | undefined;
  return row?.last_mac ?? null;
}
