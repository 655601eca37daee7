// Data access for requests to remove a declared relative (issue 19 item 4). Async, taking the
// database or a transaction's tx (src/db/transaction.ts), so a decision, the relative's removal, the
// audit entry and the cross-check re-run commit together.
import { and, asc, desc, eq, ne } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { declarants, declaredRelatives, relativeRemovalRequests } from './tables.js';

export type RemovalRequest = typeof relativeRemovalRequests.$inferSelect;
export type NewRemovalRequest = typeof relativeRemovalRequests.$inferInsert;

export async function insertRemovalRequest(db: Executor, row: NewRemovalRequest): Promise<RemovalRequest> {
  return query(db, (q) => q.insert(relativeRemovalRequests).values(row).returning().get());
}

export async function findRemovalRequest(db: Executor, id: number): Promise<RemovalRequest | undefined> {
  return query(db, (q) => q.select().from(relativeRemovalRequests).where(eq(relativeRemovalRequests.id, id)).get());
}

/** The open request for this relative, if any. */
export async function pendingRemovalOf(db: Executor, relativeId: number): Promise<RemovalRequest | undefined> {
  return query(db, (q) =>
    q.select().from(relativeRemovalRequests).where(and(eq(relativeRemovalRequests.relativeId, relativeId), eq(relativeRemovalRequests.status, 'pending'))).get(),
  );
}

/** A declarant's requests, newest first (the profile shows the latest of each relative). */
export async function removalRequestsOfDeclarant(db: Executor, declarantId: number): Promise<RemovalRequest[]> {
  return query(db, (q) => q.select().from(relativeRemovalRequests).where(eq(relativeRemovalRequests.declarantId, declarantId)).orderBy(desc(relativeRemovalRequests.id)).all());
}

/** An open request with what the confirmer needs to judge it: the relative as declared and who declared them. */
export interface PendingRemoval extends RemovalRequest {
  declarantName: string;
  declarantPosition: string;
  relativeName: string;
  relativeVillageCode: string;
  assistanceType: string;
}

/** Open requests that this unit decides, oldest first, without those this user asked for (never their own to confirm). */
export async function pendingRemovalsFor(db: Executor, reviewUnitId: number, notRequestedBy: number): Promise<PendingRemoval[]> {
  const rows = await query(db, (q) =>
    q
      .select({
        request: relativeRemovalRequests,
        declarantName: declarants.name,
        declarantPosition: declarants.position,
        relativeName: declaredRelatives.name,
        relativeVillageCode: declaredRelatives.villageCode,
        assistanceType: declaredRelatives.assistanceType,
      })
      .from(relativeRemovalRequests)
      .innerJoin(declaredRelatives, eq(declaredRelatives.id, relativeRemovalRequests.relativeId))
      .innerJoin(declarants, eq(declarants.id, relativeRemovalRequests.declarantId))
      .where(and(eq(relativeRemovalRequests.reviewUnitId, reviewUnitId), eq(relativeRemovalRequests.status, 'pending'), ne(relativeRemovalRequests.requestedBy, notRequestedBy)))
      .orderBy(asc(relativeRemovalRequests.id))
      .all(),
  );
  return rows.map(({ request, ...rest }) => ({ ...request, ...rest }));
}

/** Records the decision on an open request; false when it was no longer open (decided meanwhile). */
export async function decideRemovalRequest(db: Executor, id: number, decision: { status: 'confirmed' | 'refused'; decidedBy: number; decidedAt: number; decisionNote: string | null }): Promise<boolean> {
  return (await query(db, (q) => q.update(relativeRemovalRequests).set(decision).where(and(eq(relativeRemovalRequests.id, id), eq(relativeRemovalRequests.status, 'pending'))).run())).changes > 0;
}
