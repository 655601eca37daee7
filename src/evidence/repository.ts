import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { evidenceFiles } from './tables.js';
import { isRowId } from '../db/dialect.js';

export type EvidenceFile = typeof evidenceFiles.$inferSelect;
export type NewEvidenceFile = typeof evidenceFiles.$inferInsert;

export async function insertEvidence(db: Executor, rows: NewEvidenceFile[]): Promise<void> {
  if (rows.length) await query(db, (q) => q.insert(evidenceFiles).values(rows).run());
}

export async function evidenceOf(db: Executor, ownerType: string, ownerId: number): Promise<EvidenceFile[]> {
  return query(db, (q) => q.select().from(evidenceFiles).where(and(eq(evidenceFiles.ownerType, ownerType), eq(evidenceFiles.ownerId, ownerId))).orderBy(asc(evidenceFiles.id)).all());
}

export async function findEvidence(db: Executor, id: number): Promise<EvidenceFile | undefined> {
  if (!isRowId(id)) return undefined;
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

// Key rotation (issue 23): rows in id order, and the swap of a row to its re-encrypted file.

/** Up to `limit` rows after `afterId`, in id order (the rotation's scan; its resume point is the scan itself). */
export async function evidenceAfter(db: Executor, afterId: number, limit: number): Promise<EvidenceFile[]> {
  return query(db, (q) => q.select().from(evidenceFiles).where(gt(evidenceFiles.id, afterId)).orderBy(asc(evidenceFiles.id)).limit(limit).all());
}

/**
 * Points the row at its re-encrypted file and its re-sealed name and note, provided it still names
 * `oldStoredName` and is not erased (false otherwise: the caller removes the new file instead).
 */
export async function swapStoredFile(db: Executor, id: number, oldStoredName: string, next: { storedName: string; nameSealed: Buffer; noteSealed: Buffer | null }): Promise<boolean> {
  return (await query(db, (q) => q.update(evidenceFiles).set(next).where(and(eq(evidenceFiles.id, id), eq(evidenceFiles.storedName, oldStoredName), isNull(evidenceFiles.erasedAt))).run())).changes > 0;
}

/** Replaces the sealed name and note in place (their context, the stored name, unchanged), if still `old`. */
export async function replaceSealedName(db: Executor, id: number, old: { nameSealed: Buffer; noteSealed: Buffer | null }, next: { nameSealed: Buffer; noteSealed: Buffer | null }): Promise<boolean> {
  const sameNote = old.noteSealed === null ? isNull(evidenceFiles.noteSealed) : eq(evidenceFiles.noteSealed, old.noteSealed);
  return (await query(db, (q) => q.update(evidenceFiles).set(next).where(and(eq(evidenceFiles.id, id), eq(evidenceFiles.nameSealed, old.nameSealed), sameNote)).run())).changes > 0;
}
