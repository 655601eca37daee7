// Data access for declarations. Synchronous like every repository here (src/db/executor.ts), so a
// declaration change, the users row and its audit entry commit in one transaction.
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { declarants, declaredRelatives } from './tables.js';

export type Declarant = typeof declarants.$inferSelect;
export type NewDeclarant = typeof declarants.$inferInsert;
export type DeclaredRelative = typeof declaredRelatives.$inferSelect;
export type NewDeclaredRelative = typeof declaredRelatives.$inferInsert;

export function declarantOfUser(db: Executor, userId: number): Declarant | undefined {
  return db.select().from(declarants).where(eq(declarants.userId, userId)).get();
}

export function insertDeclarant(db: Executor, row: NewDeclarant): Declarant {
  return db.insert(declarants).values(row).returning().get();
}

export function updateDeclarant(db: Executor, id: number, values: Partial<NewDeclarant>): void {
  db.update(declarants).set(values).where(eq(declarants.id, id)).run();
}

export function relativesOf(db: Executor, declarantId: number): DeclaredRelative[] {
  return db.select().from(declaredRelatives).where(eq(declaredRelatives.declarantId, declarantId)).orderBy(asc(declaredRelatives.id)).all();
}

export function insertRelative(db: Executor, row: NewDeclaredRelative): DeclaredRelative {
  return db.insert(declaredRelatives).values(row).returning().get();
}

export function updateRelative(db: Executor, id: number, values: Partial<NewDeclaredRelative>): void {
  db.update(declaredRelatives).set(values).where(eq(declaredRelatives.id, id)).run();
}

/** Deletes a relative only if it belongs to the declarant; returns whether a row went. */
export function deleteRelative(db: Executor, declarantId: number, relativeId: number): boolean {
  const result = db.delete(declaredRelatives).where(and(eq(declaredRelatives.id, relativeId), eq(declaredRelatives.declarantId, declarantId))).run();
  return result.changes > 0;
}
