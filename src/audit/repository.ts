import { and, desc, eq, gt, gte, lt, lte, asc, count, inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { query } from '../db/transaction.js';
import type { Executor } from '../db/executor.js';
import { auditArchives, auditLog } from './tables.js';
import type { StoredEntry } from './chain.js';
import { tableCount } from '../db/dialect.js';

export type ArchiveRow = typeof auditArchives.$inferSelect;
export type NewArchiveRow = typeof auditArchives.$inferInsert;

/** The entry the next one follows: the newest live entry, else the last archive's last (null: none yet). */
export interface ChainHead {
  id: number;
  mac: string;
}

/**
 * Appends the rows `build` makes after the chain head (the audit entry, with the signed link before
 * it when the MAC profile switches there); call inside the transaction of the change it records.
 * When every live entry has been archived, the chain continues from the last archive (its last id
 * and MAC). Reading the head and inserting run in one async callback, which holds the SQLite
 * connection throughout (src/db/transaction.ts), so no other entry can slip in between.
 */
export async function appendAfterHead(db: Executor, build: (head: ChainHead | null) => StoredEntry[]): Promise<StoredEntry[]> {
  return query(db, async (q) => {
    const last = (await q.select({ id: auditLog.id, mac: auditLog.mac }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get()) ?? (await archiveTail(q));
    const rows = build(last ? { id: Number(last.id), mac: last.mac } : null);
    for (const row of rows) await q.insert(auditLog).values({ ...row, terminal: row.terminal ?? null }).run();
    return rows;
  });
}

async function archiveTail(q: Db): Promise<{ id: number; mac: string } | undefined> {
  const a = await lastArchiveOf(q);
  return a ? { id: a.lastId, mac: a.lastMac } : undefined;
}

async function lastArchiveOf(q: Db): Promise<ArchiveRow | undefined> {
  return q.select().from(auditArchives).orderBy(desc(auditArchives.lastId), desc(auditArchives.id)).limit(1).get();
}

/** Entries in id order, a page at a time (keyset), for verification of long chains. */
export async function entriesAfter(db: Executor, afterId: number, limit: number): Promise<StoredEntry[]> {
  return query(db, (q) => q.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(limit).all());
}

export async function entriesFor(db: Executor, objectType: string, objectId: string): Promise<StoredEntry[]> {
  return query(db, (q) => q.select().from(auditLog).where(and(eq(auditLog.objectType, objectType), eq(auditLog.objectId, objectId))).orderBy(asc(auditLog.id)).all());
}

export async function latestEntry(db: Executor): Promise<StoredEntry | undefined> {
  return query(db, (q) => q.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1).get());
}

export async function firstLiveEntry(db: Executor): Promise<StoredEntry | undefined> {
  return query(db, (q) => q.select().from(auditLog).orderBy(asc(auditLog.id)).limit(1).get());
}

/** Archives in chain order (each continues the one before). */
export async function listArchives(db: Executor): Promise<ArchiveRow[]> {
  return query(db, (q) => q.select().from(auditArchives).orderBy(asc(auditArchives.firstId), asc(auditArchives.id)).all());
}

export async function lastArchive(db: Executor): Promise<ArchiveRow | undefined> {
  return query(db, (q) => lastArchiveOf(q));
}

export async function findArchive(db: Executor, id: number): Promise<ArchiveRow | undefined> {
  return query(db, (q) => q.select().from(auditArchives).where(eq(auditArchives.id, id)).get());
}

/**
 * Records an archive and deletes exactly the entries it holds, in the caller's transaction.
 * Refuses (throws, so the transaction rolls back) when any entry in the range is at or after
 * `youngestAllowed` or when the range does not hold exactly the archived count.
 */
export async function commitArchive(tx: Executor, row: NewArchiveRow, youngestAllowed: number): Promise<ArchiveRow> {
  return query(tx, async (q) => {
    const range = and(gte(auditLog.id, row.firstId), lte(auditLog.id, row.lastId));
    const young = (await q.select({ n: count() }).from(auditLog).where(and(range, gte(auditLog.at, youngestAllowed))).get())?.n ?? 0;
    if (young > 0) throw new Error(`audit archive ${row.month}: ${young} entries are younger than the online period`);
    const inserted = await q.insert(auditArchives).values(row).returning().get();
    const deleted = (await q.delete(auditLog).where(range).run()).changes;
    if (deleted !== row.entryCount) throw new Error(`audit archive ${row.month}: expected ${row.entryCount} entries, found ${deleted}`);
    return inserted;
  });
}

export async function entryById(db: Executor, id: number): Promise<StoredEntry | undefined> {
  return query(db, (q) => q.select().from(auditLog).where(eq(auditLog.id, id)).get());
}

export interface AuditFilter {
  /**
   * Only staff entries whose actor the condition accepts, given the actor id column (null: every
   * entry). The users feature builds it (users' userInUnits), so this file needs no users table.
   */
  staffActorWhere: ((actorId: SQLWrapper) => SQL) | null;
  actorIds?: number[];
  actorType?: 'staff' | 'system' | 'reporter';
  actionPrefix?: string;
  objectType?: string;
  objectId?: string;
  fromMs?: number;
  toMs?: number;
  beforeId?: number;
  limit: number;
}

/** The administrators' view of the log: newest first, keyset paging on id (id < beforeId). */
export async function auditPage(db: Executor, f: AuditFilter): Promise<{ rows: StoredEntry[]; more: boolean }> {
  const conditions: (SQL | undefined)[] = [];
  if (f.staffActorWhere) conditions.push(eq(auditLog.actorType, 'staff'), f.staffActorWhere(auditLog.actorId));
  if (f.actorIds) {
    if (f.actorIds.length === 0) return { rows: [], more: false };
    conditions.push(eq(auditLog.actorType, 'staff'), inArray(auditLog.actorId, f.actorIds));
  }
  if (f.actorType) conditions.push(eq(auditLog.actorType, f.actorType));
  if (f.actionPrefix) conditions.push(sql`${auditLog.action} like ${`${escapeLike(f.actionPrefix)}%`} escape '\\'`);
  if (f.objectType) conditions.push(eq(auditLog.objectType, f.objectType));
  if (f.objectId) conditions.push(eq(auditLog.objectId, f.objectId));
  if (f.fromMs !== undefined) conditions.push(gte(auditLog.at, f.fromMs));
  if (f.toMs !== undefined) conditions.push(lt(auditLog.at, f.toMs));
  if (f.beforeId) conditions.push(lt(auditLog.id, f.beforeId));
  const rows = await query(db, (q) =>
    q
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.id))
      .limit(f.limit + 1)
      .all(),
  );
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Entries in the audit log, 0 when the database is new and has no tables yet (an operator command asks before migrating). */
export async function auditEntryCount(db: Executor): Promise<number> {
  return query(db, async (q) => {
    const table = (await q.get<{ n: number }>(tableCount('audit_log')))!.n;
    return table ? (await q.get<{ n: number }>(sql`select count(*) as n from audit_log`))!.n : 0;
  });
}
