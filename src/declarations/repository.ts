// Data access for declarations. Synchronous like every repository here (src/db/executor.ts), so a
// declaration change, the users row and its audit entry commit in one transaction.
import { and, asc, eq, isNotNull, lt } from 'drizzle-orm';
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

// Retention (issue 15, src/retention): a declaration is deleted N years after its declarant left office.

export function findDeclarant(db: Executor, id: number): Declarant | undefined {
  return db.select().from(declarants).where(eq(declarants.id, id)).get();
}

/** Declarants who left office before `before` (the schedule's cut-off). */
export function declarantsLeftBefore(db: Executor, before: number): Declarant[] {
  return db.select().from(declarants).where(and(isNotNull(declarants.leftOfficeAt), lt(declarants.leftOfficeAt, before))).orderBy(asc(declarants.id)).all();
}

/** Deletes a declarant and their relatives (explicitly, not trusting the cascade to be switched on). */
export function deleteDeclarant(db: Executor, id: number): void {
  db.delete(declaredRelatives).where(eq(declaredRelatives.declarantId, id)).run();
  db.delete(declarants).where(eq(declarants.id, id)).run();
}
