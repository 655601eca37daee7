// Acting on the units below (DESIGN.md §3–4): answering reviews, hastening (督办), taking over
// (提级), rectification, and closing a report once its rectification items are signed off.
import { AppError } from '../../shared/errors.js';
import type { StaffContext } from '../../plugins/auth.js';
import * as repo from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import { findUnit } from '../../units/index.js';
import { hearingOpen } from '../../clocks/index.js';
import type { Executor } from '../../db/executor.js';
import { applyStep, applyStepIn, requireRole, requireState, TransitionError } from './workflow.js';
import { rectificationStarted, requireItemKeeper } from './rectification.js';

/** 信访工作条例 art. 35–36: the review goes to the supervising unit; a re-review one level higher; then final. */
export async function openReview(deps: Deps, report: repo.Report, reason: string, now = Date.now()) {
  const level = report.reviewLevel + 1;
  if (level > 2) throw new TransitionError('review_final');
  const base = level === 1 ? report.handlingUnitId : report.reviewUnitId!;
  const handler = await findUnit(deps.db, base);
  const reviewUnitId = handler?.supervisorId ?? base;
  return { reviewLevel: level, reviewUnitId, statusBeforeReview: report.status, reason };
}

/**
 * What a reopened case leaves behind (issue 19 item 10): the duty it starts is new, so nothing of the
 * old one stays in the current state — the old assignment (unit, person, 交办期限 and a pending
 * request for a later one: those dates were set against the old legal date), the old finding, its
 * conclusion date and any draft, and the art. 34 extension. The timeline keeps all of them.
 * The case goes back to 'accepted' rather than 'investigating' (DESIGN.md §3 says investigating):
 * with the assignment ended nobody would be investigating, and only from 'accepted' can the handling
 * unit assign it again, to the same person or another, with a 交办期限 inside the new 60日 — the
 * same state a returned assignment or a take-over leaves. The statistics count it open again
 * (statistics-repository.ts) until it is concluded anew.
 */
const REOPENED_CLEAN = {
  assignedUnitId: null,
  assigneeId: null,
  assignedAt: null,
  assignmentDue: null,
  assignmentExtensionRequest: null,
  finding: null,
  concludedAt: null,
  answerDraft: null,
  extensionDays: null,
  extensionRequest: null,
} as const;

export async function answerReview(deps: Deps, staff: StaffContext, report: repo.Report, outcome: 'upheld' | 'reopened', body: string, now = Date.now()) {
  requireState(report, 'under_review');
  requireRole(staff, 'supervisor', 'lead');
  if (report.reviewUnitId !== staff.unit.id) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  if (body.trim().length < 20) throw new TransitionError('answer_too_short');
  const status = outcome === 'upheld' ? (report.statusBeforeReview ?? 'closed') : 'accepted';
  // The review is decided, so its clock stops (applyStep: no rule runs in the end state). Reopened,
  // the case starts a new handling duty: 60日 from this decision (第三十四条; clocks' handlingClockOf
  // restarts at the 'reopened' step), with its own extension.
  const reopened = outcome === 'reopened' ? REOPENED_CLEAN : {};
  return applyStep(deps, staff, report, { status, statusBeforeReview: null, answerFirstOpenedAt: null, ...reopened }, [
    { type: 'review_answer', visible: true, body: body.trim(), data: { outcome, level: report.reviewLevel } },
    { type: outcome, visible: true },
  ], now);
}

/**
 * 第三十六条第二款: the re-review unit may hold a hearing (听证, under 第三十一条第六项), and the days
 * it takes are not counted in the re-review's 30日. The reviewer records its start (with what it is
 * about) and its end; the clock stands still in between (casework/workflow.ts clockDue).
 */
export async function hearing(deps: Deps, staff: StaffContext, report: repo.Report, step: 'start' | 'end', note: string, now = Date.now()) {
  requireState(report, 'under_review');
  if (report.reviewLevel !== 2) throw new TransitionError('hearing_rereview_only');
  requireRole(staff, 'supervisor', 'lead');
  if (report.reviewUnitId !== staff.unit.id) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  const open = hearingOpen((await repo.eventsOf(deps.db, report.id)).map((e) => ({ type: e.type, at: e.at, data: e.data })));
  if (step === 'start') {
    if (open) throw new TransitionError('hearing_already_open');
    if (note.trim().length < 5) throw new TransitionError('hearing_note_required');
    return applyStep(deps, staff, report, {}, [{ type: 'hearing_started', visible: true, body: note.trim() }], now);
  }
  if (!open) throw new TransitionError('hearing_not_open');
  return applyStep(deps, staff, report, {}, [{ type: 'hearing_ended', visible: true, ...(note.trim() ? { body: note.trim() } : {}) }], now);
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

/** Concluded with problems to put right: ledger items are opened (by the ledger) and the report waits for their sign-off. */
export async function startRectification(deps: Deps, staff: StaffContext, report: repo.Report, items: NewItem[], now = Date.now()) {
  requireState(report, 'concluded');
  requireRole(staff, 'handler', 'lead', 'supervisor');
  if (items.length === 0) throw new TransitionError('items_required');
  requireItemKeeper();
  const opened = items.map((item) => ({ reportId: report.id, regionCode: report.placeCode, unitId: report.handlingUnitId, problem: item.problem, measures: item.measures, responsiblePerson: item.responsiblePerson, deadline: item.deadline, createdBy: staff.user.id }));
  const changed = await applyStep(deps, staff, report, { status: 'rectifying' }, [{ type: 'rectifying', visible: true, data: { items: items.length } }], now, async (tx) => {
    await rectificationStarted({ db: tx }, opened, now);
  });
  deps.publicCache.invalidate(); // the public ledger shows the new items
  return changed;
}

/**
 * 对账销号 of one item of a rectifying report, inside the ledger's transaction (`db`, its tx): the
 * report's timeline and audit record it, and the report closes when this was the last item open.
 */
export async function itemSignedOff(db: Executor, deps: Pick<Deps, 'keys'>, staff: StaffContext, report: repo.Report, itemId: number, last: boolean, now = Date.now()) {
  requireState(report, 'rectifying');
  requireRole(staff, 'supervisor', 'lead');
  return applyStepIn(db, deps, staff, report, last ? { status: 'closed' } : {}, [{ type: 'item_signed_off', visible: false, data: { item: itemId } }, ...(last ? [{ type: 'closed', visible: true }] : [])], now);
}
