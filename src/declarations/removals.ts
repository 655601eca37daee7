// Removing a declared relative (issue 19 item 4). Removal lifts recusal and closes the cross-check
// flag, so a declarant cannot do it alone: she asks, with a reason, and a lead or supervisor of the
// unit that supervises hers (at the top, of her own unit — never herself) confirms or refuses with a
// reason. Until confirmed the relative stays declared, so recusal and the flag stay in force. Every
// step is audited; names, reasons and ID numbers stay out of the audit detail.
import { record } from '../audit/index.js';
import { withTransaction } from '../db/transaction.js';
import type { StaffContext } from '../plugins/auth.js';
import type { Deps } from '../shared/deps.js';
import { AppError, notFound } from '../shared/errors.js';
import { declarationsChanged } from './events.js';
import type { Outcome } from './relative-validation.js';
import * as repo from './repository.js';
import * as removals from './removals-repository.js';
import { isRowId } from '../db/dialect.js';

export const REASON_MAX = 500;
/** Roles that decide a removal in the reviewing unit. */
const DECIDER_ROLES = ['lead', 'supervisor'] as const;

function cleanReason(raw: unknown): string {
  return typeof raw === 'string' ? raw.normalize('NFC').replace(/\r\n?/g, '\n').trim() : '';
}

/** Checks a reason: required, at most REASON_MAX characters; the message key when it is not. */
function reasonProblem(reason: string, required: string): string | null {
  if (reason === '') return required;
  if ([...reason].length > REASON_MAX) return 'declaration.removal.errors.reason_too_long';
  return null;
}

/** The unit whose leads and supervisors decide: the one supervising the declarant's unit, or hers at the top. */
function reviewUnitOf(staff: StaffContext): number {
  return staff.unit.supervisorId ?? staff.unit.id;
}

/** Asks to remove one of the user's own relatives; 'not_found' when it is not theirs. */
export async function requestRelativeRemoval(deps: Deps, staff: StaffContext, relativeId: number, rawReason: unknown, now = Date.now()): Promise<Outcome<{ id: number }> | 'not_found'> {
  const declarant = await repo.declarantOfUser(deps.db, staff.user.id);
  if (!declarant || !isRowId(relativeId)) return 'not_found';
  const relative = (await repo.relativesOf(deps.db, declarant.id)).find((r) => r.id === relativeId);
  if (!relative) return 'not_found';
  const reason = cleanReason(rawReason);
  const problem = reasonProblem(reason, 'declaration.removal.errors.reason_required');
  if (problem) return { ok: false, errors: { reason: problem } };
  const open = await removals.pendingRemovalOf(deps.db, relative.id);
  if (open) return { ok: true, value: { id: open.id } };
  const reviewUnitId = reviewUnitOf(staff);
  const row = await withTransaction(deps.db, async (tx) => {
    const inserted = await removals.insertRemovalRequest(tx, {
      declarantId: declarant.id,
      relativeId: relative.id,
      relation: relative.relation,
      requestedBy: staff.user.id,
      requestedAt: now,
      reason,
      reviewUnitId,
      status: 'pending',
    });
    await record(
      tx,
      deps.keys['audit-mac'],
      { actor: { type: 'staff', id: staff.user.id }, action: 'declaration.relative_removal_request', object: { type: 'declared_relative', id: relative.id }, detail: { declarant: declarant.id, request: inserted.id, reviewUnit: reviewUnitId } },
      now,
    );
    return inserted;
  });
  return { ok: true, value: { id: row.id } };
}

/** Whether this user decides removals at all (a lead or supervisor). */
export function decidesRemovals(staff: StaffContext): boolean {
  return DECIDER_ROLES.some((r) => staff.has(r));
}

/** The open request if this user may decide it; 404 outside their unit, 403 for their own request. */
async function decidable(deps: Deps, staff: StaffContext, requestId: number): Promise<removals.RemovalRequest> {
  if (!decidesRemovals(staff) || !isRowId(requestId)) throw notFound();
  const request = await removals.findRemovalRequest(deps.db, requestId);
  if (!request || request.reviewUnitId !== staff.unit.id) throw notFound();
  // Four eyes: the declarant never confirms her own removal, even as a lead of the reviewing unit.
  const declarant = await repo.findDeclarant(deps.db, request.declarantId);
  if (request.requestedBy === staff.user.id || declarant?.userId === staff.user.id) throw new AppError(403, 'OWN_REMOVAL', 'declaration.removal.errors.own_request');
  return request;
}

export type DecisionResult = { ok: true } | { ok: false; errors: Record<string, string> } | { ok: false; decided: true };

/** Confirms a removal: the relative goes, recusal lifts, the cross-checks re-run, all in one transaction. */
export async function confirmRelativeRemoval(deps: Deps, staff: StaffContext, requestId: number, rawNote: unknown, now = Date.now()): Promise<DecisionResult> {
  const request = await decidable(deps, staff, requestId);
  const note = cleanReason(rawNote);
  if ([...note].length > REASON_MAX) return { ok: false, errors: { note: 'declaration.removal.errors.reason_too_long' } };
  const done = await withTransaction(deps.db, async (tx) => {
    if (!(await removals.decideRemovalRequest(tx, request.id, { status: 'confirmed', decidedBy: staff.user.id, decidedAt: now, decisionNote: note || null }))) return false;
    await repo.deleteRelative(tx, request.declarantId, request.relativeId);
    await repo.updateDeclarant(tx, request.declarantId, { updatedAt: now });
    await record(
      tx,
      deps.keys['audit-mac'],
      { actor: { type: 'staff', id: staff.user.id }, action: 'declaration.relative_removal_confirm', object: { type: 'declared_relative', id: request.relativeId }, detail: { declarant: request.declarantId, request: request.id, requestedBy: request.requestedBy } },
      now,
    );
    await declarationsChanged({ db: tx, keys: deps.keys }, [request.declarantId], now);
    return true;
  });
  return done ? { ok: true } : { ok: false, decided: true };
}

/** Refuses a removal with a reason: the relative stays declared. */
export async function refuseRelativeRemoval(deps: Deps, staff: StaffContext, requestId: number, rawNote: unknown, now = Date.now()): Promise<DecisionResult> {
  const request = await decidable(deps, staff, requestId);
  const note = cleanReason(rawNote);
  const problem = reasonProblem(note, 'declaration.removal.errors.refusal_reason_required');
  if (problem) return { ok: false, errors: { note: problem } };
  const done = await withTransaction(deps.db, async (tx) => {
    if (!(await removals.decideRemovalRequest(tx, request.id, { status: 'refused', decidedBy: staff.user.id, decidedAt: now, decisionNote: note }))) return false;
    await record(
      tx,
      deps.keys['audit-mac'],
      { actor: { type: 'staff', id: staff.user.id }, action: 'declaration.relative_removal_refuse', object: { type: 'declared_relative', id: request.relativeId }, detail: { declarant: request.declarantId, request: request.id, requestedBy: request.requestedBy } },
      now,
    );
    return true;
  });
  return done ? { ok: true } : { ok: false, decided: true };
}
