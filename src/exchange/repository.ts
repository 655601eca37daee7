// Repository of the exchange's partners, request nonces and work orders (async, through `query`).
import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { exchangeNonces, exchangePartners, exchangeUploads, exchangeWorkOrders } from './tables.js';

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

/** Disables (a moment) or enables (null) a partner; false when there is no such partner. */
export async function setPartnerDisabledAt(db: Executor, key: string, disabledAt: number | null): Promise<boolean> {
  return (await query(db, (q) => q.update(exchangePartners).set({ disabledAt }).where(eq(exchangePartners.key, key)).run())).changes === 1;
}

/** Stores a partner's new sealed secret (and Ed25519 key when given); false when there is no such partner. */
export async function replacePartnerSecret(db: Executor, key: string, secretSealed: Buffer, publicKey?: string): Promise<boolean> {
  const set = publicKey === undefined ? { secretSealed } : { secretSealed, publicKey };
  return (await query(db, (q) => q.update(exchangePartners).set(set).where(eq(exchangePartners.key, key)).run())).changes === 1;
}

/** A sealed value's first byte (its format version, i.e. crypto profile) is not `version`. */
const secretNotSealedAs = (version: number) => sql`substr(${exchangePartners.secretSealed}, 1, 1) <> ${Buffer.from([version])}`;

/** Partners after `afterId` (id order, up to `limit`) whose secret is sealed under a version other than `version`. */
export async function partnersNotSealedAs(db: Executor, version: number, afterId: number, limit: number): Promise<PartnerRow[]> {
  return query(db, (q) => q.select().from(exchangePartners).where(and(gt(exchangePartners.id, afterId), secretNotSealedAs(version))).orderBy(asc(exchangePartners.id)).limit(limit).all());
}

export async function countPartnersNotSealedAs(db: Executor, version: number): Promise<number> {
  const row = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(exchangePartners).where(secretNotSealedAs(version)).get());
  return Number(row?.n ?? 0);
}

/** Replaces a sealed secret provided it is still `old` (not rotated by an operator meanwhile). */
export async function replaceSealedSecret(db: Executor, id: number, old: Buffer, next: Buffer): Promise<boolean> {
  return (await query(db, (q) => q.update(exchangePartners).set({ secretSealed: next }).where(and(eq(exchangePartners.id, id), eq(exchangePartners.secretSealed, old))).run())).changes > 0;
}

/** Takes an upload slot of the partner; the number in flight (this one included) once it is recorded. */
export async function startUpload(db: Executor, token: string, partnerId: number, expiresAt: number, now: number): Promise<number> {
  await query(db, (q) => q.insert(exchangeUploads).values({ token, partnerId, expiresAt }).run());
  // Counted after the insert: of uploads starting at once, the last to count sees them all.
  const row = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(exchangeUploads).where(and(eq(exchangeUploads.partnerId, partnerId), gt(exchangeUploads.expiresAt, now))).get());
  return Number(row?.n ?? 0);
}

/** Moves an upload's lapse on while it runs. */
export async function extendUpload(db: Executor, token: string, expiresAt: number): Promise<void> {
  await query(db, (q) => q.update(exchangeUploads).set({ expiresAt }).where(eq(exchangeUploads.token, token)).run());
}

export async function endUpload(db: Executor, token: string): Promise<void> {
  await query(db, (q) => q.delete(exchangeUploads).where(eq(exchangeUploads.token, token)).run());
}

/** Forgets uploads whose node stopped extending them (it died mid-upload). */
export async function forgetLapsedUploads(db: Executor, now: number): Promise<number> {
  return (await query(db, (q) => q.delete(exchangeUploads).where(lt(exchangeUploads.expiresAt, now)).run())).changes;
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
