// Repository of the outbound status events (exchange_deliveries): due ones in order per work order,
// the claim before a send, the outcome, the dead letters staff see and retry (async, through `query`).
import { and, asc, desc, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { exchangeDeliveries, exchangePartners, exchangeWorkOrders } from './tables.js';

export type DeliveryRow = typeof exchangeDeliveries.$inferSelect;

export async function insertDelivery(db: Executor, row: { partnerId: number; workOrderId: number; seq: number; payload: string; now: number }): Promise<void> {
  await query(db, (q) =>
    q.insert(exchangeDeliveries).values({ partnerId: row.partnerId, workOrderId: row.workOrderId, seq: row.seq, payload: row.payload, nextAttemptAt: row.now, createdAt: row.now }).run(),
  );
}

/**
 * Deliveries due now that are first in line for their work order: no earlier event of the same
 * work order is undelivered (a dead one holds the later ones back too, so they arrive in order).
 */
export async function dueDeliveries(db: Executor, now: number, limit: number): Promise<DeliveryRow[]> {
  const firstInLine = sql`not exists (select 1 from exchange_deliveries earlier where earlier.work_order_id = ${exchangeDeliveries.workOrderId} and earlier.seq < ${exchangeDeliveries.seq} and earlier.delivered_at is null)`;
  const rows = await query(db, (q) =>
    q
      .select({ delivery: exchangeDeliveries })
      .from(exchangeDeliveries)
      // A disabled partner's events wait (not tried, not counted as failures) until it is enabled.
      .innerJoin(exchangePartners, and(eq(exchangePartners.id, exchangeDeliveries.partnerId), isNull(exchangePartners.disabledAt)))
      .where(and(isNull(exchangeDeliveries.deliveredAt), isNull(exchangeDeliveries.deadAt), lte(exchangeDeliveries.nextAttemptAt, now), firstInLine))
      .orderBy(asc(exchangeDeliveries.nextAttemptAt), asc(exchangeDeliveries.id))
      .limit(limit)
      .all(),
  );
  return rows.map((r) => r.delivery);
}

/** Takes a due delivery for one send (moves its next attempt to `until`); false when another sender took it. */
export async function claimDelivery(db: Executor, row: DeliveryRow, until: number): Promise<boolean> {
  const result = await query(db, (q) =>
    q
      .update(exchangeDeliveries)
      .set({ nextAttemptAt: until })
      .where(and(eq(exchangeDeliveries.id, row.id), eq(exchangeDeliveries.nextAttemptAt, row.nextAttemptAt), isNull(exchangeDeliveries.deliveredAt), isNull(exchangeDeliveries.deadAt)))
      .run(),
  );
  return result.changes === 1;
}

export async function markDelivered(db: Executor, id: number, attempts: number, now: number): Promise<void> {
  await query(db, (q) => q.update(exchangeDeliveries).set({ deliveredAt: now, attempts, lastError: null }).where(eq(exchangeDeliveries.id, id)).run());
}

/** A failed send: the next attempt later, or a dead letter when `deadAt` is given. */
export async function markFailed(db: Executor, id: number, outcome: { attempts: number; nextAttemptAt: number; error: string; deadAt: number | null }): Promise<void> {
  await query(db, (q) =>
    q.update(exchangeDeliveries).set({ attempts: outcome.attempts, nextAttemptAt: outcome.nextAttemptAt, lastError: outcome.error.slice(0, 300), deadAt: outcome.deadAt }).where(eq(exchangeDeliveries.id, id)).run(),
  );
}

export async function findDelivery(db: Executor, id: number): Promise<DeliveryRow | undefined> {
  return query(db, (q) => q.select().from(exchangeDeliveries).where(eq(exchangeDeliveries.id, id)).get());
}

/** Dead letters, newest first, with the partner's name and the work order number (never report content). */
export async function deadLetters(db: Executor, limit: number) {
  return query(db, (q) =>
    q
      .select({
        id: exchangeDeliveries.id,
        seq: exchangeDeliveries.seq,
        attempts: exchangeDeliveries.attempts,
        lastError: exchangeDeliveries.lastError,
        deadAt: exchangeDeliveries.deadAt,
        createdAt: exchangeDeliveries.createdAt,
        partnerName: exchangePartners.name,
        workOrderNo: exchangeWorkOrders.workOrderNo,
        reportId: exchangeWorkOrders.reportId,
        payload: exchangeDeliveries.payload,
      })
      .from(exchangeDeliveries)
      .innerJoin(exchangePartners, eq(exchangePartners.id, exchangeDeliveries.partnerId))
      .innerJoin(exchangeWorkOrders, eq(exchangeWorkOrders.id, exchangeDeliveries.workOrderId))
      .where(isNotNull(exchangeDeliveries.deadAt))
      .orderBy(desc(exchangeDeliveries.deadAt), desc(exchangeDeliveries.id))
      .limit(limit)
      .all(),
  );
}

/** Puts a dead letter back in line, due now with a fresh count of attempts; false when it is not dead. */
export async function reviveDelivery(db: Executor, id: number, now: number): Promise<boolean> {
  const result = await query(db, (q) =>
    q.update(exchangeDeliveries).set({ deadAt: null, attempts: 0, nextAttemptAt: now }).where(and(eq(exchangeDeliveries.id, id), isNotNull(exchangeDeliveries.deadAt))).run(),
  );
  return result.changes === 1;
}
