// Data access for transfers (转办): the service's writes, the department's list, and the reads the
// rest of the reports domain needs. Async, taking the database or a transaction (src/db/transaction.ts).
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/executor.js';
import { query } from '../../db/transaction.js';
import { reports } from '../tables.js';
import { transferProgress, transfers } from './tables.js';
import { isRowId } from '../../db/dialect.js';

export type Transfer = typeof transfers.$inferSelect;
export type NewTransfer = typeof transfers.$inferInsert;
export type TransferProgress = typeof transferProgress.$inferSelect;

export async function insertProgress(db: Executor, row: typeof transferProgress.$inferInsert): Promise<void> {
  await query(db, (q) => q.insert(transferProgress).values(row).run());
}

/** The interim feedback of these transfers, by transfer id, each list oldest first. */
export async function progressOfTransfers(db: Executor, transferIds: readonly number[]): Promise<Map<number, TransferProgress[]>> {
  const out = new Map<number, TransferProgress[]>();
  if (transferIds.length === 0) return out;
  const rows = await query(db, (q) => q.select().from(transferProgress).where(inArray(transferProgress.transferId, [...transferIds])).orderBy(asc(transferProgress.id)).all());
  for (const row of rows) out.set(row.transferId, [...(out.get(row.transferId) ?? []), row]);
  return out;
}

/** A report's transfers, newest first. */
export async function transfersOfReport(db: Executor, reportId: number): Promise<Transfer[]> {
  return query(db, (q) => q.select().from(transfers).where(eq(transfers.reportId, reportId)).orderBy(desc(transfers.id)).all());
}

export async function transferById(db: Executor, id: number): Promise<Transfer | undefined> {
  if (!isRowId(id)) return undefined;
  return query(db, (q) => q.select().from(transfers).where(eq(transfers.id, id)).get());
}

export async function insertTransfer(db: Executor, row: NewTransfer): Promise<void> {
  await query(db, (q) => q.insert(transfers).values(row).run());
}

export async function updateTransfer(db: Executor, id: number, values: Partial<NewTransfer>): Promise<void> {
  await query(db, (q) => q.update(transfers).set(values).where(eq(transfers.id, id)).run());
}

/** A department's transfers with their case numbers and categories, newest first. */
export async function transferInbox(db: Executor, departmentUnitId: number, limit: number): Promise<{ transfer: Transfer; caseNo: string; category: string }[]> {
  return query(db, (q) =>
    q
      .select({ transfer: transfers, caseNo: reports.caseNo, category: reports.category })
      .from(transfers)
      .innerJoin(reports, sql`${reports.id} = ${transfers.reportId}`)
      .where(eq(transfers.departmentUnitId, departmentUnitId))
      .orderBy(desc(transfers.id))
      .limit(limit)
      .all(),
  );
}
