import { and, asc, eq, sql } from 'drizzle-orm';
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
