import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { evidenceFiles } from './tables.js';

export type EvidenceFile = typeof evidenceFiles.$inferSelect;
export type NewEvidenceFile = typeof evidenceFiles.$inferInsert;

export async function insertEvidence(db: Executor, rows: NewEvidenceFile[]): Promise<void> {
  if (rows.length) await query(db, (q) => q.insert(evidenceFiles).values(rows).run());
}

export async function evidenceOf(db: Executor, ownerType: string, ownerId: number): Promise<EvidenceFile[]> {
  return query(db, (q) => q.select().from(evidenceFiles).where(and(eq(evidenceFiles.ownerType, ownerType), eq(evidenceFiles.ownerId, ownerId))).orderBy(asc(evidenceFiles.id)).all());
}

export async function findEvidence(db: Executor, id: number): Promise<EvidenceFile | undefined> {
  return query(db, (q) => q.select().from(evidenceFiles).where(eq(evidenceFiles.id, id)).get());
}

export async function allStoredNames(db: Executor): Promise<Set<string>> {
  const rows = await query(db, (q) => q.select({ n: evidenceFiles.storedName }).from(evidenceFiles).all());
  return new Set(rows.map((r) => r.n));
}

/** Which of `names` a row names (a handful: the files of one form). */
export async function namedStoredNames(db: Executor, names: string[]): Promise<Set<string>> {
  const rows = await query(db, (q) => q.select({ n: evidenceFiles.storedName }).from(evidenceFiles).where(inArray(evidenceFiles.storedName, names)).all());
  return new Set(rows.map((r) => r.n));
}

export async function evidenceCount(db: Executor, ownerType: string, ownerId: number): Promise<{ count: number; bytes: number }> {
  const row = await query(db, (q) =>
    q
      .select({ count: sql<number>`count(*)`, bytes: sql<number>`coalesce(sum(${evidenceFiles.size}), 0)` })
      .from(evidenceFiles)
      .where(and(eq(evidenceFiles.ownerType, ownerType), eq(evidenceFiles.ownerId, ownerId)))
      .get(),
  );
  return row!;
}

// Retention (issue 15, src/retention): files whose owner's period has passed are erased; the row stays.

/** Owners of `ownerType` that still have a file not erased (few: most old reports are erased already). */
export async function ownersWithLiveFiles(db: Executor, ownerType: string): Promise<number[]> {
  const rows = await query(db, (q) => q.selectDistinct({ id: evidenceFiles.ownerId }).from(evidenceFiles).where(and(eq(evidenceFiles.ownerType, ownerType), isNull(evidenceFiles.erasedAt))).all());
  return rows.map((r) => r.id);
}

/** The files of one owner not yet erased. */
export async function liveEvidenceOf(db: Executor, ownerType: string, ownerId: number): Promise<EvidenceFile[]> {
  return query(db, (q) => q.select().from(evidenceFiles).where(and(eq(evidenceFiles.ownerType, ownerType), eq(evidenceFiles.ownerId, ownerId), isNull(evidenceFiles.erasedAt))).orderBy(asc(evidenceFiles.id)).all());
}

/** Marks a file erased (its ciphertext already shredded); the row and its sha256 stay as the record. */
export async function markEvidenceErased(db: Executor, id: number, now: number): Promise<void> {
  await query(db, (q) => q.update(evidenceFiles).set({ erasedAt: now }).where(and(eq(evidenceFiles.id, id), isNull(evidenceFiles.erasedAt))).run());
}

/** Staff material released for (or withdrawn from) the referral packet (可移送); false when the file is erased or missing. */
export async function setForReferral(db: Executor, id: number, on: boolean): Promise<boolean> {
  return (await query(db, (q) => q.update(evidenceFiles).set({ forReferral: on }).where(and(eq(evidenceFiles.id, id), isNull(evidenceFiles.erasedAt))).run())).changes > 0;
}
