// Data access for declarations. Synchronous like every repository here (src/db/executor.ts), so a
// declaration change, the users row and its audit entry commit in one transaction.
import { and, asc, desc, eq, exists, inArray, isNotNull, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import { chunks } from '../db/chunks.js';
import type { Executor } from '../db/executor.js';
import { regionAncestors } from '../regions/index.js';
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

// --- what the cross-checks read (src/cross-checks/run.ts and its pages) ---------------------

export function relativesWithHashes(db: Executor, hashes: readonly string[]): DeclaredRelative[] {
  return chunks([...new Set(hashes)]).flatMap((part) => db.select().from(declaredRelatives).where(inArray(declaredRelatives.idHash, part)).all());
}

export function declarantsWithHashes(db: Executor, hashes: readonly string[]): Declarant[] {
  return chunks([...new Set(hashes)]).flatMap((part) => db.select().from(declarants).where(inArray(declarants.idHash, part)).all());
}

export function declarantsOfVillages(db: Executor, villageCodes: readonly string[]): Declarant[] {
  return chunks(villageCodes).flatMap((codes) => db.select().from(declarants).where(inArray(declarants.homeVillageCode, codes)).all());
}

export function declarantsByIds(db: Executor, ids: readonly number[]): Declarant[] {
  return chunks([...new Set(ids)]).flatMap((part) => db.select().from(declarants).where(inArray(declarants.id, part)).all());
}

export function relativesOfDeclarants(db: Executor, ids: readonly number[]): DeclaredRelative[] {
  return chunks([...new Set(ids)]).flatMap((part) => db.select().from(declaredRelatives).where(inArray(declaredRelatives.declarantId, part)).orderBy(asc(declaredRelatives.id)).all());
}

export function relativesByIds(db: Executor, ids: readonly number[]): DeclaredRelative[] {
  if (ids.length === 0) return [];
  return db.select().from(declaredRelatives).where(inArray(declaredRelatives.id, [...ids])).all();
}

/** Whose declarants a user sees: those at home within these regions or kept by these units. */
export interface DeclarantScope {
  regionCodes: readonly string[];
  unitIds: readonly number[];
}

function inScope(db: Executor, scope: DeclarantScope): SQL {
  const home = scope.regionCodes.length
    ? exists(db.select({ one: sql`1` }).from(regionAncestors).where(and(eq(regionAncestors.regionCode, declarants.homeVillageCode), inArray(regionAncestors.ancestorCode, [...scope.regionCodes]))))
    : sql`0`;
  return or(home, scope.unitIds.length ? inArray(declarants.unitId, [...scope.unitIds]) : sql`0`)!;
}

/** The declarant if it is in the scope. */
export function declarantInScope(db: Executor, scope: DeclarantScope, id: number): Declarant | undefined {
  return db.select().from(declarants).where(and(eq(declarants.id, id), inScope(db, scope))).get();
}

/** A page of the scope's declarants, newest first: optionally those whose name contains `name` (no wildcards) and below id `before`. */
export function declarantsInScope(db: Executor, scope: DeclarantScope, f: { name?: string; before?: number | null; limit: number }): Declarant[] {
  const conditions: SQL[] = [inScope(db, scope)];
  if (f.name) conditions.push(like(declarants.name, `%${f.name}%`));
  if (f.before) conditions.push(lt(declarants.id, f.before));
  return db.select().from(declarants).where(and(...conditions)).orderBy(desc(declarants.id)).limit(f.limit).all();
}

/** Whether any declarant is not a portal user (the bureau's own list has been started). */
export function hasNonUserDeclarant(db: Executor): boolean {
  return db.select({ id: declarants.id }).from(declarants).where(isNull(declarants.userId)).limit(1).get() !== undefined;
}
