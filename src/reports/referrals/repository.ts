// Data access for referrals that other features need (typical cases read a report's referral).
// Synchronous like every repository on better-sqlite3, taking the database or a transaction.
import { and, desc, eq, getTableColumns, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/executor.js';
import { referrals } from './tables.js';
import { units } from '../../units/index.js';

export type ReferralRow = typeof referrals.$inferSelect;

export function referralById(db: Executor, id: number): ReferralRow | undefined {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return db.select().from(referrals).where(eq(referrals.id, id)).get();
}

/** The latest concluded referral of a report, if any (its outcome gives the sanction). */
export function concludedReferralOf(db: Executor, reportId: number): ReferralRow | undefined {
  return db
    .select()
    .from(referrals)
    .where(and(eq(referrals.reportId, reportId), eq(referrals.status, 'concluded')))
    .orderBy(desc(referrals.concludedAt), desc(referrals.id))
    .get();
}

/** The open referral (pending or accepted) of a report, if any: at most one at a time. */
export function openReferralOf(db: Executor, reportId: number): ReferralRow | undefined {
  return db
    .select()
    .from(referrals)
    .where(and(eq(referrals.reportId, reportId), inArray(referrals.status, ['pending', 'accepted'])))
    .orderBy(desc(referrals.id))
    .get();
}

/** Moves a referral to another body (转交): it waits for that body's acceptance again, under the same due date. */
export function moveReferral(db: Executor, id: number, bodyUnitId: number): void {
  db.update(referrals).set({ bodyUnitId, status: 'pending', acceptedAt: null, acceptedBy: null, disposition: null, dispositionAt: null }).where(eq(referrals.id, id)).run();
}

/** The referring unit takes back a referral the body has not accepted. */
export function recallReferral(db: Executor, id: number, reason: string): void {
  db.update(referrals).set({ status: 'recalled', returnedReason: reason }).where(and(eq(referrals.id, id), eq(referrals.status, 'pending'))).run();
}

/** A report's referrals, newest first, with the name of the body each is addressed to. */
export function referralsWithBody(db: Executor, reportId: number): (ReferralRow & { bodyName: string | null })[] {
  return db
    .select({ ...getTableColumns(referrals), bodyName: units.name })
    .from(referrals)
    .leftJoin(units, eq(units.id, referrals.bodyUnitId))
    .where(eq(referrals.reportId, reportId))
    .orderBy(desc(referrals.id))
    .all();
}
