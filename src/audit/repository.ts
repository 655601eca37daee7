import { and, desc, eq, gt, asc } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { auditLog } from './tables.js';
import { GENESIS_MAC, entryMac, type AuditContent, type StoredEntry } from './chain.js';

/** Appends an entry; call inside the transaction of the change it records. */
export function appendEntry(db: Executor, key: Buffer, content: AuditContent): StoredEntry {
  const last = db.select({ id: auditLog.id, mac: auditLog.mac }).from(auditLog).orderBy(desc(auditLog.id)).limit(1).get();
  const id = (last?.id ?? 0) + 1;
  const prevMac = last?.mac ?? GENESIS_MAC;
  const mac = entryMac(key, id, content, prevMac);
  const row = { id, ...content, prevMac, mac };
  db.insert(auditLog).values(row).run();
  return row;
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

