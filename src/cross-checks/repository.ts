// Data access for cross-check flags and declaration imports. Synchronous and taking an Executor
// (the database or a transaction), as every repository here (src/db/executor.ts).
import { and, asc, desc, eq, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { crossCheckFlags, declarationImports } from './tables.js';
import { chunks } from '../db/chunks.js';

export type Flag = typeof crossCheckFlags.$inferSelect;
export type NewFlag = typeof crossCheckFlags.$inferInsert;
export type DeclarationImport = typeof declarationImports.$inferSelect;
// What the cross-checks compare is read through the owners' indexes (declarations, disclosure).
export type { Declarant, DeclaredRelative } from '../declarations/index.js';
export type { Recipient } from '../disclosure/index.js';

export const FLAG_KINDS = ['declared', 'declarant_receives', 'possible_relative'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export function isFlagKind(v: unknown): v is FlagKind {
  return typeof v === 'string' && (FLAG_KINDS as readonly string[]).includes(v);
}

// --- flags ---------------------------------------------------------------------------------

/** Inserts unless (recipient, declarant, kind) is flagged already; returns whether a row went in. */
export function insertFlagIfNew(db: Executor, row: NewFlag): boolean {
  return db.insert(crossCheckFlags).values(row).onConflictDoNothing().run().changes > 0;
}

/** An open declared flag follows the relative row that now matches (a relative removed and added again). */
export function updateOpenFlagRelative(db: Executor, recipientId: number, declarantId: number, relativeId: number): void {
  db.update(crossCheckFlags)
    .set({ relativeId })
    .where(and(eq(crossCheckFlags.recipientId, recipientId), eq(crossCheckFlags.declarantId, declarantId), eq(crossCheckFlags.kind, 'declared'), eq(crossCheckFlags.status, 'open'), or(ne(crossCheckFlags.relativeId, relativeId), sql`${crossCheckFlags.relativeId} is null`)))
    .run();
}

/** Open flags of these villages (recipient's village) or declarants: what a run re-examines. */
export function openFlagsFor(db: Executor, villageCodes: readonly string[], declarantIds: readonly number[]): Flag[] {
  const out = new Map<number, Flag>();
  for (const part of chunks(villageCodes)) {
    for (const f of db.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.status, 'open'), inArray(crossCheckFlags.villageCode, part))).all()) out.set(f.id, f);
  }
  for (const part of chunks(declarantIds)) {
    for (const f of db.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.status, 'open'), inArray(crossCheckFlags.declarantId, part))).all()) out.set(f.id, f);
  }
  return [...out.values()];
}

/** Closes a flag: by a person with their note, or by a run (no person, no note) when it no longer holds. */
export function resolveFlagRow(db: Executor, id: number, values: { actionNote: string | null; resolvedBy: number | null; resolvedAt: number }): boolean {
  return db.update(crossCheckFlags).set({ status: 'resolved', ...values }).where(and(eq(crossCheckFlags.id, id), eq(crossCheckFlags.status, 'open'))).run().changes > 0;
}

export function findFlag(db: Executor, id: number): Flag | undefined {
  return db.select().from(crossCheckFlags).where(eq(crossCheckFlags.id, id)).get();
}

/** A page of flags matching `where`, newest first, keyset-paged by id. */
export function flagPage(db: Executor, where: SQL, beforeId: number | null, limit: number): Flag[] {
  return db
    .select()
    .from(crossCheckFlags)
    .where(beforeId ? and(where, lt(crossCheckFlags.id, beforeId)) : where)
    .orderBy(desc(crossCheckFlags.id))
    .limit(limit)
    .all();
}

export function countFlags(db: Executor, where: SQL): number {
  return db.select({ n: sql<number>`count(*)` }).from(crossCheckFlags).where(where).get()?.n ?? 0;
}

// --- imports -------------------------------------------------------------------------------

export function findEarlierImport(db: Executor, unitId: number, fingerprint: string): DeclarationImport | undefined {
  return db
    .select()
    .from(declarationImports)
    .where(and(eq(declarationImports.unitId, unitId), eq(declarationImports.fingerprint, fingerprint)))
    .orderBy(desc(declarationImports.id))
    .get();
}

export function insertImport(db: Executor, values: typeof declarationImports.$inferInsert): DeclarationImport {
  return db.insert(declarationImports).values(values).returning().get();
}

export function recentImports(db: Executor, unitIds: readonly number[], limit = 10): DeclarationImport[] {
  if (unitIds.length === 0) return [];
  return db.select().from(declarationImports).where(inArray(declarationImports.unitId, [...unitIds])).orderBy(desc(declarationImports.id)).limit(limit).all();
}

/** How many flags of each kind exist (the demo's summary). */
export function flagCountsByKind(db: Executor): { kind: FlagKind; n: number }[] {
  return db.all<{ kind: FlagKind; n: number }>(sql`select kind, count(*) as n from cross_check_flags group by kind`);
}
