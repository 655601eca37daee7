// Identity-access requests: data access only (DESIGN.md §6). Async, taking `db` or a transaction.
import { and, asc, desc, eq, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { findReports } from '../reports/index.js';
import { unitNameOf } from '../units/index.js';
import { userDisplayNameOf, userUnitIdOf } from '../users/index.js';
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
  /** The objected recipient's keyed ID hash (issue 19 item 4): recusal compares it with declared relatives. */
  subjectIdHash: string | null;
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

/**
 * The queue's rows: the request with the names of requester, unit and decider from the users' and
 * units' indexes (a missing account gives an empty name rather than hiding the request), then the
 * report's case number and place from the reports domain, both read in the same query callback.
 */
async function queueRows(q: Db, where: SQL, order: SQL[], limit?: number): Promise<QueueBase[]> {
  const base = q
    .select({
      id: identityRequests.id,
      reportId: identityRequests.reportId,
      requesterId: identityRequests.requesterId,
      requesterName: sql<string>`coalesce(${userDisplayNameOf(identityRequests.requesterId)}, '')`,
      requesterUnit: sql<string>`coalesce(${unitNameOf(userUnitIdOf(identityRequests.requesterId))}, '')`,
      reason: identityRequests.reason,
      status: identityRequests.status,
      createdAt: identityRequests.createdAt,
      decidedAt: identityRequests.decidedAt,
      deciderName: userDisplayNameOf(identityRequests.decidedBy).mapWith(String),
      decisionNote: identityRequests.decisionNote,
    })
    .from(identityRequests)
    .where(where)
    .orderBy(...order);
  const rows = await (limit === undefined ? base.all() : base.limit(limit).all());
  return rows.map((r) => ({ ...r, deciderName: r.deciderName ?? null }));
}

type QueueBase = Omit<QueueRow, 'caseNo' | 'placeCode' | 'subjectName' | 'townshipCode' | 'subjectIdHash'>;

/** Adds each request's report fields; a request whose report is gone (erased) is left out, as the old join did. */
async function withReports(db: Executor, rows: QueueBase[]): Promise<QueueRow[]> {
  const byId = new Map((await findReports(db, rows.map((r) => r.reportId))).map((r) => [r.id, r]));
  return rows.flatMap((r) => {
    const report = byId.get(r.reportId);
    return report ? [{ ...r, caseNo: report.caseNo, placeCode: report.placeCode, subjectName: report.subjectName, townshipCode: report.townshipCode, subjectIdHash: report.subjectIdHash }] : [];
  });
}

/** Requests waiting for a decision by this unit's custodians, oldest first. */
export async function pendingForUnit(db: Executor, unitId: number): Promise<QueueRow[]> {
  const rows = await query(db, (q) => queueRows(q, and(eq(identityRequests.deciderUnitId, unitId), eq(identityRequests.status, 'pending'))!, [asc(identityRequests.createdAt), asc(identityRequests.id)]));
  return withReports(db, rows);
}

/** This unit's decided requests, most recent decision first. */
export async function decidedForUnit(db: Executor, unitId: number, limit = 50): Promise<QueueRow[]> {
  const rows = await query(db, (q) => queueRows(q, and(eq(identityRequests.deciderUnitId, unitId), ne(identityRequests.status, 'pending'))!, [desc(identityRequests.decidedAt), desc(identityRequests.id)], limit));
  return withReports(db, rows);
}
