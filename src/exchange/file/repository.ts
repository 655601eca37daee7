// Repository of the exchange file format: items imported from files (exchange_file_items), and the
// keys under which this portal already knows items that came through the API (exchange_work_orders
// with their partner's key), so that an export names each item by the key of the system that numbered it.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/executor.js';
import { query } from '../../db/transaction.js';
import { exchangePartners, exchangeWorkOrders } from '../tables.js';
import { exchangeFileItems } from './tables.js';

export type FileItemRow = typeof exchangeFileItems.$inferSelect;
export type NewFileItemRow = typeof exchangeFileItems.$inferInsert;

export async function findFileItem(db: Executor, sourceSystem: string, workOrderNo: string): Promise<FileItemRow | undefined> {
  return query(db, (q) => q.select().from(exchangeFileItems).where(and(eq(exchangeFileItems.sourceSystem, sourceSystem), eq(exchangeFileItems.workOrderNo, workOrderNo))).get());
}

/** Claims source system + number for this content; false when another import holds it already. */
export async function claimFileItem(db: Executor, row: NewFileItemRow): Promise<boolean> {
  const result = await query(db, (q) => q.insert(exchangeFileItems).values(row).onConflictDoNothing().run());
  return result.changes === 1;
}

export async function setFileItemReport(db: Executor, id: number, reportId: number): Promise<void> {
  await query(db, (q) => q.update(exchangeFileItems).set({ reportId }).where(eq(exchangeFileItems.id, id)).run());
}

/** Gives up a claim whose filing failed, so the file imported again is not refused as a conflict. */
export async function dropUnfiledFileItem(db: Executor, id: number): Promise<void> {
  await query(db, (q) => q.delete(exchangeFileItems).where(and(eq(exchangeFileItems.id, id), isNull(exchangeFileItems.reportId))).run());
}

/**
 * Records the sending system's later state and steps; only when the stored steps are still the ones
 * the import compared against (compare-and-set), so two imports racing cannot lose a step.
 */
export async function advanceFileItem(db: Executor, id: number, expectedSteps: string, status: string, steps: string, now: number): Promise<boolean> {
  const result = await query(db, (q) =>
    q.update(exchangeFileItems).set({ originStatus: status, originSteps: steps, updatedAt: now }).where(and(eq(exchangeFileItems.id, id), eq(exchangeFileItems.originSteps, expectedSteps))).run(),
  );
  return result.changes === 1;
}

/** The file items that became these reports, by report id. */
export async function fileItemsOfReports(db: Executor, reportIds: readonly number[]): Promise<Map<number, FileItemRow>> {
  if (reportIds.length === 0) return new Map();
  const rows = await query(db, (q) => q.select().from(exchangeFileItems).where(inArray(exchangeFileItems.reportId, [...reportIds])).all());
  return new Map(rows.map((r) => [r.reportId!, r]));
}

/** The API work orders that became these reports: partner key and 工单号, by report id. */
export async function workOrderKeysOfReports(db: Executor, reportIds: readonly number[]): Promise<Map<number, { partnerKey: string; workOrderNo: string }>> {
  if (reportIds.length === 0) return new Map();
  const rows = await query(db, (q) =>
    q
      .select({ reportId: exchangeWorkOrders.reportId, partnerKey: exchangePartners.key, workOrderNo: exchangeWorkOrders.workOrderNo })
      .from(exchangeWorkOrders)
      .innerJoin(exchangePartners, eq(exchangePartners.id, exchangeWorkOrders.partnerId))
      .where(inArray(exchangeWorkOrders.reportId, [...reportIds]))
      .all(),
  );
  return new Map(rows.map((r) => [r.reportId!, { partnerKey: r.partnerKey, workOrderNo: r.workOrderNo }]));
}

/** The report an API work order of the partner with this key became, if any. */
export async function workOrderReportId(db: Executor, partnerKey: string, workOrderNo: string): Promise<number | null> {
  const row = await query(db, (q) =>
    q
      .select({ reportId: exchangeWorkOrders.reportId })
      .from(exchangeWorkOrders)
      .innerJoin(exchangePartners, eq(exchangePartners.id, exchangeWorkOrders.partnerId))
      .where(and(eq(exchangePartners.key, partnerKey), eq(exchangeWorkOrders.workOrderNo, workOrderNo)))
      .get(),
  );
  return row?.reportId ?? null;
}
