// Acting on the units below (DESIGN.md §3–4): answering reviews, hastening (督办), taking over
// (提级), and closing a report once its rectification items are signed off.
import { AppError } from '../../shared/errors.js';
import type { StaffContext } from '../../plugins/auth.js';
import * as repo from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import { findUnit } from '../../units/index.js';
import { applyStep, requireRole, requireState, TransitionError } from './workflow.js';
import { rectificationItems } from '../../ledger/tables.js';
import { eq } from 'drizzle-orm';

/** 信访工作条例 art. 35–36: the review goes to the supervising unit; a re-review one level higher; then final. */
export async function openReview(deps: Deps, report: repo.Report, reason: string, now = Date.now()) {
  const level = report.reviewLevel + 1;
  if (level > 2) throw new TransitionError('review_final');
  const base = level === 1 ? report.handlingUnitId : report.reviewUnitId!;
  const handler = await findUnit(deps.db, base);
  const reviewUnitId = handler?.supervisorId ?? base;
  return { reviewLevel: level, reviewUnitId, statusBeforeReview: report.status, reason };
}

export async function answerReview(deps: Deps, staff: StaffContext, report: repo.Report, outcome: 'upheld' | 'reopened', body: string, now = Date.now()) {
  requireState(report, 'under_review');
  requireRole(staff, 'supervisor', 'lead');
  if (report.reviewUnitId !== staff.unit.id) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  if (body.trim().length < 20) throw new TransitionError('answer_too_short');
  const status = outcome === 'upheld' ? (report.statusBeforeReview ?? 'closed') : 'investigating';
  // The review is decided, so its clock stops (applyStep: no rule runs in the end state). Reopened,
  // the case starts a new handling duty: 60日 from this decision (第三十四条), with its own extension.
  const reopened = outcome === 'reopened' ? { extensionDays: null, extensionRequest: null } : {};
  return applyStep(deps, staff, report, { status, statusBeforeReview: null, answerFirstOpenedAt: null, ...reopened }, [
    { type: 'review_answer', visible: true, body: body.trim(), data: { outcome, level: report.reviewLevel } },
    { type: outcome, visible: true },
  ], now);
}

/** A supervisor of a unit above the handling unit hastens: a note the handler must acknowledge. */
export async function hasten(deps: Deps, staff: StaffContext, report: repo.Report, note: string, unitIdsInScope: number[], now = Date.now()) {
  requireRole(staff, 'supervisor');
  if (report.handlingUnitId === staff.unit.id || !unitIdsInScope.includes(report.handlingUnitId)) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  if (note.trim().length < 2) throw new TransitionError('message_empty');
  return applyStep(deps, staff, report, { hastenPending: true }, [{ type: 'hastened', visible: false, body: note.trim() }], now);
}

export async function acknowledgeHastening(deps: Deps, staff: StaffContext, report: repo.Report, now = Date.now()) {
  if (!report.hastenPending) throw new TransitionError('nothing_to_acknowledge');
  if (report.assigneeId !== staff.user.id && report.handlingUnitId !== staff.unit.id) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  return applyStep(deps, staff, report, { hastenPending: false }, [{ type: 'hastening_acknowledged', visible: false }], now);
}

/** 提级: the supervisor's unit becomes the handling unit; the assignment below ends. */
export async function takeOver(deps: Deps, staff: StaffContext, report: repo.Report, unitIdsInScope: number[], now = Date.now()) {
  requireRole(staff, 'supervisor');
  if (report.handlingUnitId === staff.unit.id || !unitIdsInScope.includes(report.handlingUnitId)) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  requireState(report, 'received', 'accepted', 'assigned', 'investigating');
  const status = report.status === 'received' ? 'received' : 'accepted';
  return applyStep(deps, staff, report, { handlingUnitId: staff.unit.id, status, assignedUnitId: null, assigneeId: null, assignedAt: null, assignmentDue: null, hastenPending: false }, [
    { type: 'taken_over', visible: false, data: { from: report.handlingUnitId } },
  ], now);
}

export interface NewItem {
  problem: string;
  measures: string;
  responsiblePerson: string;
  deadline: string;
}

/** Concluded with problems to put right: ledger items are created and the report waits for their sign-off. */
export async function startRectification(deps: Deps, staff: StaffContext, report: repo.Report, items: NewItem[], now = Date.now()) {
  requireState(report, 'concluded');
  requireRole(staff, 'handler', 'lead', 'supervisor');
  if (items.length === 0) throw new TransitionError('items_required');
  deps.publicCache.invalidate(); // the public ledger shows the new items
  return applyStep(deps, staff, report, { status: 'rectifying' }, [{ type: 'rectifying', visible: true, data: { items: items.length } }], now, (tx) => {
    for (const item of items) {
      tx.insert(rectificationItems).values({ reportId: report.id, source: 'report', regionCode: report.placeCode, problem: item.problem, measures: item.measures, unitId: report.handlingUnitId, responsiblePerson: item.responsiblePerson, deadline: item.deadline, status: 'not_started', createdBy: staff.user.id, createdAt: now, updatedAt: now }).run();
    }
  });
}

export async function itemsOf(deps: Deps, reportId: number) {
  return deps.db.select().from(rectificationItems).where(eq(rectificationItems.reportId, reportId)).all();
}

/** 对账销号: a supervisor signs an item off; the report closes when every item is signed off. */
export async function signOffItem(deps: Deps, staff: StaffContext, report: repo.Report, itemId: number, now = Date.now()) {
  requireState(report, 'rectifying');
  requireRole(staff, 'supervisor', 'lead');
  const items = await itemsOf(deps, report.id);
  const item = items.find((i) => i.id === itemId);
  if (!item) throw new AppError(404, 'NOT_FOUND', 'errors.not_found_body');
  if (item.status === 'signed_off') throw new TransitionError('already_signed_off');
  const allDone = items.every((i) => i.id === itemId || i.status === 'signed_off');
  deps.publicCache.invalidate();
  return applyStep(deps, staff, report, allDone ? { status: 'closed' } : {}, [{ type: 'item_signed_off', visible: false, data: { item: itemId } }, ...(allDone ? [{ type: 'closed', visible: true }] : [])], now, (tx) => {
    tx.update(rectificationItems).set({ status: 'signed_off', signedOffBy: staff.user.id, signedOffAt: now, updatedAt: now }).where(eq(rectificationItems.id, itemId)).run();
  });
}
