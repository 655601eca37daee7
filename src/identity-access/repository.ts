// Identity-access requests: data access only (DESIGN.md §6). Async, taking `db` or a transaction.
import { and, desc, eq, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { reports } from '../reports/index.js';
import { units } from '../units/index.js';
import { users } from '../users/index.js';
import { identityRequests } from './tables.js';

export type IdentityRequest = typeof identityRequests.$inferSelect;
export type NewIdentityRequest = typeof identityRequests.$inferInsert;
export type RequestStatus = 'pending' | 'approved' | 'denied' | 'revoked';

export async function insertRequest(db: Executor, row: NewIdentityRequest): Promise<IdentityRequest> {
  return query(db, (q) => q.insert(identityRequests).values(row).returning().get());
}

export async function findRequest(db: Executor, id: number): Promise<IdentityRequest | undefined> {
  return query(db, (q) => q.select().from(identityRequests).where(eq(identityRequests.id, id)).get());
}

/** The user's most recent request for a report (the one that decides what they may see). */
export async function latestRequest(db: Executor, reportId: number, requesterId: number): Promise<IdentityRequest | undefined> {
  return query(db, (q) =>
    q
      .select()
      .from(identityRequests)
      .where(and(eq(identityRequests.reportId, reportId), eq(identityRequests.requesterId, requesterId)))
      .orderBy(desc(identityRequests.id))
      .limit(1)
      .get(),
  );
}

/** A request of the user for the report in one of the given states (pending or approved block a new one). */
export async function openRequest(db: Executor, reportId: number, requesterId: number): Promise<IdentityRequest | undefined> {
  const rows = await query(db, (q) =>
    q
      .select()
      .from(identityRequests)
      .where(and(eq(identityRequests.reportId, reportId), eq(identityRequests.requesterId, requesterId)))
      .all(),
  );
  return rows.find((r) => r.status === 'pending' || r.status === 'approved');
}

/**
 * Moves a request from one state to another, only if it is still in `from` (a second custodian
 * deciding at the same moment changes nothing). Returns whether the row changed.
 */
export async function transition(db: Executor, id: number, from: RequestStatus, values: Partial<NewIdentityRequest> & { status: RequestStatus }): Promise<boolean> {
  const result = await query(db, (q) =>
    q
      .update(identityRequests)
      .set(values)
      .where(and(eq(identityRequests.id, id), eq(identityRequests.status, from)))
      .run(),
  );
  return result.changes === 1;
}

/** A row of a custodian's queue: who asks, for which case, why. Never the identity. */
export interface QueueRow {
  id: number;
  reportId: number;
  caseNo: string;
  placeCode: string;
  subjectName: string | null;
  townshipCode: string | null;
  requesterId: number;
  requesterName: string;
  requesterUnit: string;
  reason: string;
  status: string;
  createdAt: number;
  decidedAt: number | null;
  deciderName: string | null;
  decisionNote: string | null;
}

const decider = alias(users, 'decider');

function queueSelect(q: Db) {
  return q
    .select({
      id: identityRequests.id,
      reportId: identityRequests.reportId,
      caseNo: reports.caseNo,
      placeCode: reports.placeCode,
      subjectName: reports.subjectName,
      townshipCode: reports.townshipCode,
      requesterId: identityRequests.requesterId,
      requesterName: users.displayName,
      requesterUnit: units.name,
      reason: identityRequests.reason,
      status: identityRequests.status,
      createdAt: identityRequests.createdAt,
      decidedAt: identityRequests.decidedAt,
      deciderName: decider.displayName,
      decisionNote: identityRequests.decisionNote,
    })
    .from(identityRequests)
    .innerJoin(reports, eq(reports.id, identityRequests.reportId))
    .innerJoin(users, eq(users.id, identityRequests.requesterId))
    .innerJoin(units, eq(units.id, users.unitId))
    .leftJoin(decider, eq(decider.id, identityRequests.decidedBy));
}

/** Requests waiting for a decision by this unit's custodians, oldest first. */
export async function pendingForUnit(db: Executor, unitId: number): Promise<QueueRow[]> {
  return query(db, (q): QueueRow[] =>
    queueSelect(q)
      .where(and(eq(identityRequests.deciderUnitId, unitId), eq(identityRequests.status, 'pending')))
      .orderBy(identityRequests.createdAt, identityRequests.id)
      .all(),
  );
}

/** This unit's decided requests, most recent decision first. */
export async function decidedForUnit(db: Executor, unitId: number, limit = 50): Promise<QueueRow[]> {
  return query(db, (q): QueueRow[] =>
    queueSelect(q)
      .where(and(eq(identityRequests.deciderUnitId, unitId), ne(identityRequests.status, 'pending')))
      .orderBy(desc(identityRequests.decidedAt), desc(identityRequests.id))
      .limit(limit)
      .all(),
  );
}
