// Data access for referrals that other features need (typical cases read a report's referral).
// Synchronous like every repository on better-sqlite3, taking the database or a transaction.
import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { referrals } from './tables.js';

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
