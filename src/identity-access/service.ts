// The custodian flow (DESIGN.md §4): a handler, lead or inspector asks to see a real-name
// reporter's identity with a reason; a custodian of the supervising unit (at the top, another
// custodian of the same unit), never the requester, approves or denies; an approval covers that
// user and that report until revoked. Every request, decision and view is audited, and the audit
// entries name the report and the request, never the identity.
import { record } from '../audit/index.js';
import { isRecused } from '../reports/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { findReport, type Identity, type Report } from '../reports/index.js';
import { AppError, notFound } from '../shared/errors.js';
import { unsealJson } from '../shared/crypto.js';
import type { Deps } from '../shared/deps.js';
import type { Executor } from '../db/executor.js';
import { withTransaction } from '../db/transaction.js';
import { usersWithRole, type Role } from '../users/index.js';
import * as repo from './repository.js';
import { isRowId } from '../db/dialect.js';

/** Who may ask for an identity. */
export const REQUESTER_ROLES: Role[] = ['handler', 'lead', 'inspector'];
export const REASON_MIN = 10;
export const REASON_MAX = 1000;
export const NOTE_MAX = 500;

/** A refusal the page explains in the user's language (4xx, never 404: that one means "not yours"). */
export class IdentityAccessError extends AppError {
  constructor(statusCode: number, key: string) {
    super(statusCode, `IDENTITY_${key.toUpperCase()}`, `identity_access.errors.${key}`);
  }
}

export function mayRequest(staff: StaffContext): boolean {
  return REQUESTER_ROLES.some((r) => staff.has(r));
}

/** The unit whose custodians decide: the one supervising the requester's unit, or at the top the unit itself. */
export function deciderUnitIdFor(staff: StaffContext): number {
  return staff.unit.supervisorId ?? staff.unit.id;
}

async function audit(deps: Deps, tx: Executor, staff: StaffContext, action: string, request: { id: number; reportId: number }, now: number, result = 'ok'): Promise<void> {
  await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action, object: { type: 'report', id: request.reportId }, result, detail: { report: request.reportId, request: request.id } }, now);
}

/** Normalises and checks a reason; returns the error key or null. */
export function checkReason(reason: string): string | null {
  const length = [...reason].length;
  if (length < REASON_MIN) return 'identity_access.errors.reason_short';
  if (length > REASON_MAX) return 'identity_access.errors.reason_long';
  return null;
}

/**
 * Files a request for a report the caller has already checked is visible to `staff`. One open
 * request (pending or approved) per user and report: checked and inserted in one transaction.
 */
export async function requestIdentity(deps: Deps, staff: StaffContext, report: Report, reasonInput: string, now = Date.now()): Promise<repo.IdentityRequest> {
  if (!mayRequest(staff)) throw new IdentityAccessError(403, 'role');
  if (!report.realName) throw new IdentityAccessError(409, 'anonymous');
  // Deleted under the retention schedule (issue 15): there is nothing left to show.
  if (report.identityErasedAt || !report.identitySealed) throw new IdentityAccessError(409, 'erased');
  // A request to a unit with no custodian would wait for ever while the page says someone was told
  // (issue 19 item 5): refuse it and say so.
  if (!(await usersWithRole(deps.db, deciderUnitIdFor(staff), 'custodian')).some((u) => u.id !== staff.user.id)) throw new IdentityAccessError(409, 'no_custodian');
  const reason = reasonInput.trim();
  const invalid = checkReason(reason);
  if (invalid) throw new AppError(400, 'IDENTITY_REASON', invalid);
  return withTransaction(deps.db, async (tx) => {
    const open = await repo.openRequest(tx, report.id, staff.user.id);
    if (open) throw new IdentityAccessError(409, open.status === 'approved' ? 'already_approved' : 'already_pending');
    const row = await repo.insertRequest(tx, { reportId: report.id, requesterId: staff.user.id, reason, deciderUnitId: deciderUnitIdFor(staff), status: 'pending', createdAt: now });
    await audit(deps, tx, staff, 'identity.request', row, now);
    return row;
  });
}

/**
 * The request if `staff` is a custodian of its deciding unit, else a 404 (a request of another unit
 * is not theirs to know about). Recusal applies: a custodian who could not see the report (it is
 * about them or their relatives, or placed in their home village) does not decide on it either.
 */
async function decidable(deps: Deps, staff: StaffContext, requestId: number): Promise<{ request: repo.IdentityRequest; report: Report }> {
  if (!staff.has('custodian') || !isRowId(requestId)) throw notFound();
  const request = await repo.findRequest(deps.db, requestId);
  if (!request || request.deciderUnitId !== staff.unit.id) throw notFound();
  const subject = await findReport(deps.db, request.reportId);
  if (!subject) throw notFound();
  if (await isRecused(deps.db, staff.user, subject)) throw new IdentityAccessError(403, 'recused');
  return { request, report: subject };
}

export type Decision = 'approve' | 'deny';

export function isDecision(value: unknown): value is Decision {
  return value === 'approve' || value === 'deny';
}

export async function decideRequest(deps: Deps, staff: StaffContext, requestId: number, decision: string, noteInput: string, now = Date.now()): Promise<repo.IdentityRequest> {
  const { request } = await decidable(deps, staff, requestId);
  if (!isDecision(decision)) throw new AppError(400, 'IDENTITY_DECISION', 'identity_access.errors.decision');
  if (request.requesterId === staff.user.id) {
    // At the top a requester may be a custodian of the deciding unit too: never of their own request.
    await withTransaction(deps.db, (tx) => audit(deps, tx, staff, decision === 'approve' ? 'identity.approve' : 'identity.deny', request, now, 'refused_own_request'));
    throw new IdentityAccessError(403, 'own_request');
  }
  const note = noteInput.trim();
  if ([...note].length > NOTE_MAX) throw new AppError(400, 'IDENTITY_NOTE', 'identity_access.errors.note_long');
  const status = decision === 'approve' ? 'approved' : 'denied';
  return withTransaction(deps.db, async (tx) => {
    const changed = await repo.transition(tx, request.id, 'pending', { status, decidedBy: staff.user.id, decidedAt: now, decisionNote: note || null });
    if (!changed) throw new IdentityAccessError(409, 'not_pending');
    await audit(deps, tx, staff, decision === 'approve' ? 'identity.approve' : 'identity.deny', request, now);
    return (await repo.findRequest(tx, request.id))!;
  });
}

/**
 * Ends an approval. The approver and the approval time stay on the row (the audit log holds the
 * revocation: who and when).
 */
export async function revokeRequest(deps: Deps, staff: StaffContext, requestId: number, now = Date.now()): Promise<repo.IdentityRequest> {
  const { request } = await decidable(deps, staff, requestId);
  return withTransaction(deps.db, async (tx) => {
    const changed = await repo.transition(tx, request.id, 'approved', { status: 'revoked' });
    if (!changed) throw new IdentityAccessError(409, 'not_approved');
    await audit(deps, tx, staff, 'identity.revoke', request, now);
    return (await repo.findRequest(tx, request.id))!;
  });
}

/**
 * The reporter's identity for the holder of an approved request, audited as a view. The caller has
 * checked that the report is visible to `staff`. Undefined when no approval covers this user.
 */
export async function viewIdentity(deps: Deps, staff: StaffContext, report: Report, request: repo.IdentityRequest | undefined, now = Date.now()): Promise<Identity | undefined> {
  if (!request || request.status !== 'approved' || request.requesterId !== staff.user.id || request.reportId !== report.id) return undefined;
  // An approval covers a user in a requesting role; one who lost the role sees nothing.
  if (!mayRequest(staff) || !report.realName || !report.identitySealed) return undefined;
  const identity = unsealJson<Identity>(deps.keys.identity, report.identitySealed, `report:${report.id}`);
  await withTransaction(deps.db, (tx) => audit(deps, tx, staff, 'identity.view', request, now));
  return identity;
}
