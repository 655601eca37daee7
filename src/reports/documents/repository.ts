// Data access for document numbers (文号). Async, taking the database or a withTransaction handle.
// Assigning a number is the numbering service's (numbering.ts), in one transaction.
import { and, eq, max } from 'drizzle-orm';
import type { Executor } from '../../db/executor.js';
import { query } from '../../db/transaction.js';
import { documentNumbers } from './tables.js';

export type DocumentNumberRow = typeof documentNumbers.$inferSelect;
export type NewDocumentNumber = typeof documentNumbers.$inferInsert;

/** The number already issued for this source (`event:12`, `referral:3`), if any. */
export async function numberForSource(db: Executor, source: string): Promise<DocumentNumberRow | undefined> {
  return query(db, (q) => q.select().from(documentNumbers).where(eq(documentNumbers.source, source)).get());
}

/** The highest N issued by this unit for this kind in this year (0 when none). */
export async function lastSeq(db: Executor, unitId: number, year: number, kind: string): Promise<number> {
  const row = await query(db, (q) =>
    q
      .select({ last: max(documentNumbers.seq) })
      .from(documentNumbers)
      .where(and(eq(documentNumbers.unitId, unitId), eq(documentNumbers.year, year), eq(documentNumbers.kind, kind)))
      .get(),
  );
  return row?.last ?? 0;
}

export async function insertNumber(db: Executor, row: NewDocumentNumber): Promise<DocumentNumberRow> {
  return query(db, (q) => q.insert(documentNumbers).values(row).returning().get());
}

/** Every number issued for one report (the staff page lists them). */
export async function numbersOfReport(db: Executor, reportId: number): Promise<DocumentNumberRow[]> {
  return query(db, (q) => q.select().from(documentNumbers).where(eq(documentNumbers.reportId, reportId)).all());
}
