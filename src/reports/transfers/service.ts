// Transfer to another department (转办, issue 5): target, due date, confirmation of receipt and the
// outcome recorded by the department's users or by civil-affairs staff on its behalf; the
// civil-affairs clock pauses while the department has it, and the transfer's own due date runs.
import { applyStep, requireRole, requireState, TransitionError } from '../casework/workflow.js';
import { pauseChanges, resumeChanges } from '../casework/pause.js';
import { staffNotice } from '../../mail/index.js';
import type { StaffContext } from '../../plugins/auth.js';
import * as repo from '../repository.js';
import { parseDateInput } from '../../shared/date-input.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { unitsOfKind, type Unit } from '../../units/index.js';
import { sendStaffNotice, staffNoticeParts, workUsersOfUnit } from '../../users/index.js';
import { insertProgress, insertTransfer, progressOfTransfers, transferById, transferInbox, transfersOfReport, updateTransfer, type Transfer, type TransferProgress } from './repository.js';

export type { Transfer, TransferProgress };

/** Departments a report can go to: those of its county (公安, 住建, 卫健 …). */
export async function departmentsFor(deps: Deps, report: repo.Report): Promise<Unit[]> {
  return await unitsOfKind(deps.db, 'department', report.countyCode);
}

/** A report's transfers, newest first, each with the department's interim feedback (the report page shows it). */
export async function transfersOf(deps: Deps, reportId: number): Promise<(Transfer & { progress: TransferProgress[] })[]> {
  const rows = await transfersOfReport(deps.db, reportId);
  const progress = await progressOfTransfers(deps.db, rows.map((t) => t.id));
  return rows.map((t) => ({ ...t, progress: progress.get(t.id) ?? [] }));
}

export const PROGRESS_MIN = 5;
export const PROGRESS_MAX = 2000;

/**
 * The department's list: its transfers newest first, with its own feedback. Once its part ended
 * (final outcome or return) it keeps only its own record — what it sent back — not the handler's
 * note about the case (issue 19 item 11, as a returned referral).
 */
export async function departmentList(deps: Deps, departmentUnitId: number, limit = 200) {
  const rows = await transferInbox(deps.db, departmentUnitId, limit);
  const progress = await progressOfTransfers(deps.db, rows.map((r) => r.transfer.id));
  return rows.map((r) => {
    const open = r.transfer.status === 'sent' || r.transfer.status === 'received';
    return { ...r, open, note: open ? r.transfer.note : null, category: open ? r.category : null, progress: progress.get(r.transfer.id) ?? [] };
  });
}

export async function findTransfer(deps: Deps, id: number): Promise<Transfer | undefined> {
  return await transferById(deps.db, id);
}

export async function openTransfer(deps: Deps, reportId: number): Promise<Transfer | undefined> {
  return (await transfersOf(deps, reportId)).find((t) => t.status === 'sent' || t.status === 'received');
}

export async function transfer(deps: Deps, staff: StaffContext, report: repo.Report, departmentId: number, due: string, note: string, now = Date.now()) {
  requireState(report, 'accepted', 'assigned', 'investigating');
  requireRole(staff, 'handler', 'lead', 'intake');
  const department = (await departmentsFor(deps, report)).find((d) => d.id === departmentId);
  if (!department) throw new TransitionError('department_required');
  // A typed 2026/12/7 or 2026年12月7日 (no date picker) is kept as 2026-12-07.
  const dueOn = parseDateInput(due);
  if (dueOn === null) throw new TransitionError('due_required');
  due = dueOn;
  if (note.trim().length < 5) throw new TransitionError('reason_required');
  const changed = await applyStep(deps, staff, report, { status: 'transferred', ...pauseChanges(now) }, [{ type: 'transferred', visible: true, data: { department: department.id, due } }], now, async (tx) => {
    await insertTransfer(tx, { reportId: report.id, departmentUnitId: department.id, transferredBy: staff.user.id, transferredAt: now, note: note.trim(), dueOn: due, fromStatus: report.status, status: 'sent' });
  });
  // The department's address (a unit's, not a user's), so by e-mail in the site default language;
  // and each of the department's users, any of whom may confirm and answer it, in their own
  // language by the channel they chose (issue 24).
  const vars = { caseNo: report.caseNo, due, link: `${deps.config.baseUrl}/staff/transfers`, unitName: department.name };
  deps.mailer.sendLater({ to: department.email, ...staffNotice(deps.config.defaultLocale, 'transfer_received', vars) });
  for (const user of await workUsersOfUnit(deps.db, department.id)) {
    await sendStaffNotice(deps, user, staffNoticeParts(deps.config, user, 'transfer_received', vars, report.caseNo), { later: true });
  }
  return changed;
}

/** The department itself, or the handling side recording on its behalf. */
function requireActor(staff: StaffContext, t: Transfer, report: repo.Report, scopeIds: number[]) {
  const ofDepartment = staff.unit.id === t.departmentUnitId;
  const onBehalf = scopeIds.includes(report.handlingUnitId) && (staff.has('handler') || staff.has('lead') || staff.has('intake'));
  if (!ofDepartment && !onBehalf) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
}

export async function confirmReceipt(deps: Deps, staff: StaffContext, t: Transfer, scopeIds: number[], now = Date.now()) {
  const report = (await repo.findReport(deps.db, t.reportId))!;
  requireActor(staff, t, report, scopeIds);
  if (t.status !== 'sent') throw new TransitionError('wrong_state');
  return await applyStep(deps, staff, report, {}, [{ type: 'transfer_received', visible: false }], now, async (tx) => {
    await updateTransfer(tx, t.id, { status: 'received', receivedAt: now, receivedBy: staff.user.id });
  });
}

/**
 * 进展反馈: interim feedback while the department holds the transfer, as often as it has news
 * (issue 19 item 11). Each is an internal timeline event the handling unit reads on the report page,
 * audited; the report stays transferred and its clock paused. A first feedback confirms receipt.
 */
export async function recordProgress(deps: Deps, staff: StaffContext, t: Transfer, text: string, scopeIds: number[], now = Date.now()) {
  const report = (await repo.findReport(deps.db, t.reportId))!;
  requireActor(staff, t, report, scopeIds);
  if (t.status !== 'sent' && t.status !== 'received') throw new TransitionError('wrong_state');
  const words = text.trim();
  if (words.length < PROGRESS_MIN) throw new TransitionError('progress_required');
  if (words.length > PROGRESS_MAX) throw new TransitionError('progress_too_long');
  return await applyStep(deps, staff, report, {}, [{ type: 'transfer_progress', visible: false, body: words, data: { transfer: t.id } }], now, async (tx) => {
    await insertProgress(tx, { transferId: t.id, text: words, recordedBy: staff.user.id, recordedAt: now });
    if (t.status === 'sent') await updateTransfer(tx, t.id, { status: 'received', receivedAt: now, receivedBy: staff.user.id });
  });
}

/** 最终办理结果: ends the department's part; the report goes back to the handler (investigating). */
export async function recordOutcome(deps: Deps, staff: StaffContext, t: Transfer, outcome: string, scopeIds: number[], now = Date.now()) {
  const report = (await repo.findReport(deps.db, t.reportId))!;
  requireActor(staff, t, report, scopeIds);
  if (t.status !== 'sent' && t.status !== 'received') throw new TransitionError('wrong_state');
  if (outcome.trim().length < 5) throw new TransitionError('outcome_required');
  return await applyStep(deps, staff, report, resumeChanges(report, 'investigating', now), [
    { type: 'transfer_outcome', visible: true },
    { type: 'transfer_result', visible: false, body: outcome.trim() },
  ], now, async (tx) => {
    await updateTransfer(tx, t.id, { status: 'concluded', outcomeText: outcome.trim(), outcomeAt: now, outcomeBy: staff.user.id, receivedAt: t.receivedAt ?? now });
  });
}

export async function returnTransfer(deps: Deps, staff: StaffContext, t: Transfer, reason: string, now = Date.now()) {
  const report = (await repo.findReport(deps.db, t.reportId))!;
  if (staff.unit.id !== t.departmentUnitId) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  if (t.status !== 'sent' && t.status !== 'received') throw new TransitionError('wrong_state');
  if (reason.trim().length < 5) throw new TransitionError('reason_required');
  return await applyStep(deps, staff, report, resumeChanges(report, t.fromStatus, now), [{ type: 'transfer_returned', visible: false, body: reason.trim() }], now, async (tx) => {
    await updateTransfer(tx, t.id, { status: 'returned', returnedReason: reason.trim() });
  });
}
