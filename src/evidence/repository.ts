import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { evidenceFiles } from './tables.js';

export type EvidenceFile = typeof evidenceFiles.$inferSelect;
export type NewEvidenceFile = typeof evidenceFiles.$inferInsert;

export function insertEvidence(db: Executor, rows: NewEvidenceFile[]): void {
  if (rows.length) db.insert(evidenceFiles).values(rows).run();
}

export function evidenceOf(db: Executor, ownerType: string, ownerId: number): EvidenceFile[] {
  return db.select().from(evidenceFiles).where(and(eq(evidenceFiles.ownerType, ownerType), eq(evidenceFiles.ownerId, ownerId))).orderBy(asc(evidenceFiles.id)).all();
}

export function findEvidence(db: Executor, id: number): EvidenceFile | undefined {
  return db.select().from(evidenceFiles).where(eq(evidenceFiles.id, id)).get();
}

export function allStoredNames(db: Executor): Set<string> {
  return new Set(db.select({ n: evidenceFiles.storedName }).from(evidenceFiles).all().map((r) => r.n));
}

export function evidenceCount(db: Executor, ownerType: string, ownerId: number): { count: number; bytes: number } {
  return db
    .select({ count: sql<number>`count(*)`, bytes: sql<number>`coalesce(sum(${evidenceFiles.size}), 0)` })
    .from(evidenceFiles)
    .where(and(eq(evidenceFiles.ownerType, ownerType), eq(evidenceFiles.ownerId, ownerId)))
    .get()!;
}

// Retention (issue 15, src/retention): files whose owner's period has passed are erased; the row stays.

/** Owners of `ownerType` that still have a file not erased (few: most old reports are erased already). */
export function ownersWithLiveFiles(db: Executor, ownerType: string): number[] {
  return db.selectDistinct({ id: evidenceFiles.ownerId }).from(evidenceFiles).where(and(eq(evidenceFiles.ownerType, ownerType), isNull(evidenceFiles.erasedAt))).all().map((r) => r.id);
}

/** The files of one owner not yet erased. */
export function liveEvidenceOf(db: Executor, ownerType: string, ownerId: number): EvidenceFile[] {
  return db.select().from(evidenceFiles).where(and(eq(evidenceFiles.ownerType, ownerType), eq(evidenceFiles.ownerId, ownerId), isNull(evidenceFiles.erasedAt))).orderBy(asc(evidenceFiles.id)).all();
}

/** Marks a file erased (its ciphertext already shredded); the row and its sha256 stay as the record. */
export function markEvidenceErased(db: Executor, id: number, now: number): void {
  db.update(evidenceFiles).set({ erasedAt: now }).where(and(eq(evidenceFiles.id, id), isNull(evidenceFiles.erasedAt))).run();
}
