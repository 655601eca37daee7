import { and, desc, eq, gt, gte, lte, asc, count, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { auditArchives, auditLog } from './tables.js';
import { GENESIS_MAC, entryMac, type AuditContent, type StoredEntry } from './chain.js';

export type ArchiveRow = typeof auditArchives.$inferSelect;
export type NewArchiveRow = typeof auditArchives.$inferInsert;

/**
 * Appends an entry; call inside the transaction of the change it records. When every live entry
 * has been archived, the chain continues from the last archive (its last id and MAC).
 */
export function appendEntry(db: Executor, key: Buffer, content: AuditContent): StoredEntry {
  const last = db.select({ id: auditLog.id, mac: auditLog.mac }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get() ?? archiveTail(db);
  const id = (last?.id ?? 0) + 1;
  const prevMac = last?.mac ?? GENESIS_MAC;
  const mac = entryMac(key, id, content, prevMac);
  const row = { id, ...content, terminal: content.terminal ?? null, prevMac, mac };
  db.insert(auditLog).values(row).run();
  return row;
}

function archiveTail(db: Executor): { id: number; mac: string } | undefined {
  const a = lastArchive(db);
  return a ? { id: a.lastId, mac: a.lastMac } : undefined;
}

/** Entries in id order, a page at a time (keyset), for verification of long chains. */
export function entriesAfter(db: Executor, afterId: number, limit: number): StoredEntry[] {
  return db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(limit).all();
}

export function entriesFor(db: Executor, objectType: string, objectId: string): StoredEntry[] {
  return db.select().from(auditLog).where(and(eq(auditLog.objectType, objectType), eq(auditLog.objectId, objectId))).orderBy(asc(auditLog.id)).all();
}

export function latestEntry(db: Executor): StoredEntry | undefined {
  return db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1).get();
}

export function firstLiveEntry(db: Executor): StoredEntry | undefined {
  return db.select().from(auditLog).orderBy(asc(auditLog.id)).limit(1).get();
}

/** Archives in chain order (each continues the one before). */
export function listArchives(db: Executor): ArchiveRow[] {
  return db.select().from(auditArchives).orderBy(asc(auditArchives.firstId), asc(auditArchives.id)).all();
}

export function lastArchive(db: Executor): ArchiveRow | undefined {
  return db.select().from(auditArchives).orderBy(desc(auditArchives.lastId), desc(auditArchives.id)).limit(1).get();
}

export function findArchive(db: Executor, id: number): ArchiveRow | undefined {
  return db.select().from(auditArchives).where(eq(auditArchives.id, id)).get();
}

/**
 * Records an archive and deletes exactly the entries it holds, in the caller's transaction.
 * Refuses (throws, so the transaction rolls back) when any entry in the range is at or after
 * `youngestAllowed` or when the range does not hold exactly the archived count.
 */
export function commitArchive(tx: Executor, row: NewArchiveRow, youngestAllowed: number): ArchiveRow {
  const range = and(gte(auditLog.id, row.firstId), lte(auditLog.id, row.lastId));
  const young = tx.select({ n: count() }).from(auditLog).where(and(range, gte(auditLog.at, youngestAllowed))).get()?.n ?? 0;
  if (young > 0) throw new Error(`audit archive ${row.month}: ${young} entries are younger than the online period`);
  const inserted = tx.insert(auditArchives).values(row).returning().get();
  const deleted = tx.delete(auditLog).where(range).run().changes;
  if (deleted !== row.entryCount) throw new Error(`audit archive ${row.month}: expected ${row.entryCount} entries, found ${deleted}`);
  return inserted;
}

export function entryById(db: Executor, id: number): StoredEntry | undefined {
  return db.select().from(auditLog).where(eq(auditLog.id, id)).get();
}

/** Entries in the audit log, 0 when the database is new and has no tables yet (an operator command asks before migrating). */
export function auditEntryCount(db: Executor): number {
  const table = db.get<{ n: number }>(sql`select count(*) as n from sqlite_master where type = 'table' and name = 'audit_log'`)!.n;
  return table ? db.get<{ n: number }>(sql`select count(*) as n from audit_log`)!.n : 0;
}
