// Data access for cross-check flags and declaration imports. Async and taking an Executor (the
// database or a transaction's tx, src/db/transaction.ts), as every repository here.
import { and, desc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { crossCheckFlags, declarationImports } from './tables.js';
import { chunks } from '../db/chunks.js';
import type { FlagKind } from './flag-kinds.js';

export type Flag = typeof crossCheckFlags.$inferSelect;
export type NewFlag = typeof crossCheckFlags.$inferInsert;
export type DeclarationImport = typeof declarationImports.$inferSelect;
// What the cross-checks compare is read through the owners' indexes (declarations, disclosure).
export type { Declarant, DeclaredRelative } from '../declarations/index.js';
export type { Recipient } from '../disclosure/index.js';

export { FLAG_KINDS, isFlagKind, type FlagKind } from './flag-kinds.js';

// --- flags ---------------------------------------------------------------------------------

/** Inserts unless (recipient, declarant, kind) is flagged already; returns whether a row went in. */
export async function insertFlagIfNew(db: Executor, row: NewFlag): Promise<boolean> {
  return (await query(db, (q) => q.insert(crossCheckFlags).values(row).onConflictDoNothing().run())).changes > 0;
}

/** An open declared flag follows the relative row that now matches (a relative removed and added again). */
export async function updateOpenFlagRelative(db: Executor, recipientId: number, declarantId: number, relativeId: number): Promise<void> {
  await query(db, (q) =>
    q
      .update(crossCheckFlags)
      .set({ relativeId })
      .where(and(eq(crossCheckFlags.recipientId, recipientId), eq(crossCheckFlags.declarantId, declarantId), eq(crossCheckFlags.kind, 'declared'), eq(crossCheckFlags.status, 'open'), or(ne(crossCheckFlags.relativeId, relativeId), sql`${crossCheckFlags.relativeId} is null`)))
      .run(),
  );
}

/** Open flags of these villages (recipient's village) or declarants: what a run re-examines. */
export async function openFlagsFor(db: Executor, villageCodes: readonly string[], declarantIds: readonly number[]): Promise<Flag[]> {
  return query(db, async (q) => {
    const out = new Map<number, Flag>();
    for (const part of chunks(villageCodes)) {
      for (const f of await q.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.status, 'open'), inArray(crossCheckFlags.villageCode, part))).all()) out.set(f.id, f);
    }
    for (const part of chunks(declarantIds)) {
      for (const f of await q.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.status, 'open'), inArray(crossCheckFlags.declarantId, part))).all()) out.set(f.id, f);
    }
    return [...out.values()];
  });
}

/** Closes a flag: by a person with their note, or by a run (no person, no note) when it no longer holds. */
export async function resolveFlagRow(db: Executor, id: number, values: { actionNote: string | null; resolvedBy: number | null; resolvedAt: number }): Promise<boolean> {
  return (await query(db, (q) => q.update(crossCheckFlags).set({ status: 'resolved', ...values }).where(and(eq(crossCheckFlags.id, id), eq(crossCheckFlags.status, 'open'))).run())).changes > 0;
}

export async function findFlag(db: Executor, id: number): Promise<Flag | undefined> {
  return query(db, (q) => q.select().from(crossCheckFlags).where(eq(crossCheckFlags.id, id)).get());
}

// --- imports -------------------------------------------------------------------------------

export async function findEarlierImport(db: Executor, unitId: number, fingerprint: string): Promise<DeclarationImport | undefined> {
  return query(db, (q) =>
    q
      .select()
      .from(declarationImports)
      .where(and(eq(declarationImports.unitId, unitId), eq(declarationImports.fingerprint, fingerprint)))
      .orderBy(desc(declarationImports.id))
      .get(),
  );
}

export async function insertImport(db: Executor, values: typeof declarationImports.$inferInsert): Promise<DeclarationImport> {
  return query(db, (q) => q.insert(declarationImports).values(values).returning().get());
}

export async function recentImports(db: Executor, unitIds: readonly number[], limit = 10): Promise<DeclarationImport[]> {
  return query(db, (q) => {
    if (unitIds.length === 0) return [];
    return q.select().from(declarationImports).where(inArray(declarationImports.unitId, [...unitIds])).orderBy(desc(declarationImports.id)).limit(limit).all();
  });
}

/** How many flags of each kind exist (the demo's summary). */
export async function flagCountsByKind(db: Executor): Promise<{ kind: FlagKind; n: number }[]> {
  return query(db, (q) => q.all<{ kind: FlagKind; n: number }>(sql`select kind, count(*) as n from cross_check_flags group by kind`));
}
