// Repository of the exchange's partners, request nonces and work orders (async, through `query`).
import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { exchangeNonces, exchangePartners, exchangeWorkOrders } from './tables.js';

export type PartnerRow = typeof exchangePartners.$inferSelect;
export type NewPartnerRow = typeof exchangePartners.$inferInsert;
export type WorkOrderRow = typeof exchangeWorkOrders.$inferSelect;

export async function insertPartner(db: Executor, row: NewPartnerRow): Promise<PartnerRow> {
  return query(db, (q) => q.insert(exchangePartners).values(row).returning().get());
}

export async function findPartnerByKey(db: Executor, key: string): Promise<PartnerRow | undefined> {
  return query(db, (q) => q.select().from(exchangePartners).where(eq(exchangePartners.key, key)).get());
}

export async function findPartner(db: Executor, id: number): Promise<PartnerRow | undefined> {
  return query(db, (q) => q.select().from(exchangePartners).where(eq(exchangePartners.id, id)).get());
}

export async function listPartners(db: Executor): Promise<PartnerRow[]> {
  return query(db, (q) => q.select().from(exchangePartners).orderBy(asc(exchangePartners.id)).all());
}

/** Records a request nonce; false when the partner already used it (a replay). */
export async function claimNonce(db: Executor, partnerId: number, nonce: string, expiresAt: number): Promise<boolean> {
  const result = await query(db, (q) => q.insert(exchangeNonces).values({ partnerId, nonce, expiresAt }).onConflictDoNothing().run());
  return result.changes === 1;
}

/** Forgets nonces whose window has passed (a request that old is refused by its timestamp anyway). */
export async function forgetNonces(db: Executor, now: number): Promise<number> {
  return (await query(db, (q) => q.delete(exchangeNonces).where(lt(exchangeNonces.expiresAt, now)).run())).changes;
}

export async function findWorkOrder(db: Executor, partnerId: number, workOrderNo: string): Promise<WorkOrderRow | undefined> {
  return query(db, (q) => q.select().from(exchangeWorkOrders).where(and(eq(exchangeWorkOrders.partnerId, partnerId), eq(exchangeWorkOrders.workOrderNo, workOrderNo))).get());
}

export async function findWorkOrderById(db: Executor, id: number): Promise<WorkOrderRow | undefined> {
  return query(db, (q) => q.select().from(exchangeWorkOrders).where(eq(exchangeWorkOrders.id, id)).get());
}

/** Claims partner + number for this content; false when another request holds it already. */
export async function claimWorkOrder(db: Executor, row: { partnerId: number; workOrderNo: string; contentHash: string; createdAt: number }): Promise<boolean> {
  const result = await query(db, (q) => q.insert(exchangeWorkOrders).values(row).onConflictDoNothing().run());
  return result.changes === 1;
}

/**
 * Gives up a claim whose filing failed (a full disk, a lost database), so that corrected content is
 * not refused as a conflict. A same-content request racing it still finds its report by the nonce.
 */
export async function dropUnfiledClaim(db: Executor, id: number): Promise<void> {
  await query(db, (q) => q.delete(exchangeWorkOrders).where(and(eq(exchangeWorkOrders.id, id), isNull(exchangeWorkOrders.reportId))).run());
}

export async function setWorkOrderReport(db: Executor, id: number, reportId: number, status: string): Promise<void> {
  await query(db, (q) => q.update(exchangeWorkOrders).set({ reportId, lastStatus: status }).where(eq(exchangeWorkOrders.id, id)).run());
}

/** The work orders filed as `reportId` (one, unless two partners sent the same report). */
export async function workOrdersOfReport(db: Executor, reportId: number): Promise<WorkOrderRow[]> {
  return query(db, (q) => q.select().from(exchangeWorkOrders).where(eq(exchangeWorkOrders.reportId, reportId)).orderBy(asc(exchangeWorkOrders.id)).all());
}

/**
 * Moves a work order's last seen status on and takes the next event number; null when the row
 * moved meanwhile (compare-and-set on the count), so each change makes one event.
 */
export async function advanceStatus(db: Executor, row: WorkOrderRow, status: string): Promise<number | null> {
  const seq = row.eventCount + 1;
  const result = await query(db, (q) =>
    q
      .update(exchangeWorkOrders)
      .set({ lastStatus: status, eventCount: seq })
      .where(and(eq(exchangeWorkOrders.id, row.id), eq(exchangeWorkOrders.eventCount, row.eventCount)))
      .run(),
  );
  return result.changes === 1 ? seq : null;
}
