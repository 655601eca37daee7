// The 交办期限 as a clock of its own (issue 19 item 2). The handling unit assigns a report with a
// due date (workflow.assign checks it: a real date, not past, not after the legal one); the deadline
// sweep reminds the responsible person before it and, once it has passed, tells the assigning unit
// (scheduler.ts); and the responsible person may ask that unit for more time, with a reason and a
// proposed date that stays within the legal handling period (信访工作条例第三十四条). The handling
// unit's intake or lead grants it (the new date replaces the old one) or refuses it with a reason.
// The request, the decision and their reasons are internal: never shown to the reporter.
import type { StaffContext } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { clockState, todayInChina, activeRules, type ClockState } from '../../clocks/index.js';
import { usersWithRole, type User } from '../../users/index.js';
import type * as repo from '../repository.js';
import { applyStep, checkAssignmentDue, requireRole, requireState, TransitionError } from './workflow.js';

/** A responsible person's pending request for a later 交办期限 (reports.assignment_extension_request). */
export interface AssignmentExtensionRequest {
  /** The proposed new 交办期限 (YYYY-MM-DD). */
  due: string;
  reason: string;
  /** The user who asked: never the one who decides. */
  by: number;
  at: number;
}

export function assignmentExtensionOf(report: Pick<repo.Report, 'assignmentExtensionRequest'>): AssignmentExtensionRequest | null {
  return report.assignmentExtensionRequest ? (JSON.parse(report.assignmentExtensionRequest) as AssignmentExtensionRequest) : null;
}

/** The states in which an assignment runs and its 交办期限 is tracked: not before, not once concluded. */
export const ASSIGNMENT_RUNNING = ['assigned', 'investigating'] as const;

export function assignmentRunning(report: Pick<repo.Report, 'status' | 'assignmentDue' | 'assigneeId'>): boolean {
  return (ASSIGNMENT_RUNNING as readonly string[]).includes(report.status) && !!report.assignmentDue && report.assigneeId !== null;
}

/** Deciding on one's own request for more time (asking and granting are two people). */
export class OwnRequestError extends AppError {
  constructor() {
    super(403, 'OWN_REQUEST', 'casework.errors.own_assignment_extension');
  }
}

/** The responsible person asks the assigning unit for a later 交办期限. */
export async function requestAssignmentExtension(deps: Deps, staff: StaffContext, report: repo.Report, due: string | undefined, reason: string, now = Date.now()) {
  requireState(report, ...ASSIGNMENT_RUNNING);
  if (report.assigneeId !== staff.user.id || !report.assignmentDue) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  if (report.assignmentExtensionRequest) throw new TransitionError('assignment_extension_pending');
  if (reason.trim().length < 5) throw new TransitionError('reason_required');
  const proposed = checkAssignmentDue(due, report, now);
  if (proposed <= report.assignmentDue) throw new TransitionError('assignment_extension_not_later');
  const request: AssignmentExtensionRequest = { due: proposed, reason: reason.trim(), by: staff.user.id, at: now };
  return applyStep(deps, staff, report, { assignmentExtensionRequest: JSON.stringify(request) }, [
    { type: 'assignment_extension_requested', visible: false, body: request.reason, data: { due: proposed, from: report.assignmentDue } },
  ], now);
}

/** The handling unit's intake or lead grants the request (its date becomes the 交办期限) or refuses it with a reason. */
export async function decideAssignmentExtension(deps: Deps, staff: StaffContext, report: repo.Report, approve: boolean, reason: string, now = Date.now()) {
  requireState(report, ...ASSIGNMENT_RUNNING);
  requireRole(staff, 'intake', 'lead');
  if (report.handlingUnitId !== staff.unit.id) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  const request = assignmentExtensionOf(report);
  if (!request) throw new TransitionError('no_assignment_extension_request');
  if (request.by === staff.user.id) throw new OwnRequestError();
  if (!approve) {
    if (reason.trim().length < 5) throw new TransitionError('reason_required');
    return applyStep(deps, staff, report, { assignmentExtensionRequest: null }, [
      { type: 'assignment_extension_refused', visible: false, body: reason.trim(), data: { due: request.due } },
    ], now);
  }
  // Checked again on the day it is granted: the date may have passed while it waited.
  const due = checkAssignmentDue(request.due, report, now);
  return applyStep(deps, staff, report, { assignmentDue: due, assignmentExtensionRequest: null }, [
    { type: 'assignment_extended', visible: false, body: reason.trim() || null, data: { due, from: report.assignmentDue } },
  ], now);
}

/**
 * The assigning unit, as the people who answer for an assignment there: the handling unit's intake
 * officers and leads (issue 19 item 2). They decide a request for more time and are told when the
 * 交办期限 has passed.
 */
export async function assigningOfficers(deps: Pick<Deps, 'db'>, report: Pick<repo.Report, 'handlingUnitId'>): Promise<User[]> {
  const intake = await usersWithRole(deps.db, report.handlingUnitId, 'intake');
  const leads = await usersWithRole(deps.db, report.handlingUnitId, 'lead');
  const seen = new Set<number>();
  return [...intake, ...leads].filter((u) => !seen.has(u.id) && !!seen.add(u.id));
}

export interface DeadlineView {
  due: string;
  /** null when the clock does not run in the report's state (shown as a date only). */
  state: ClockState | null;
}

/**
 * The two dates of an assigned report, side by side (issue 19 item 2): the 交办期限 the assigning
 * unit set for the assignee, and the 法定期限 of 信访工作条例第三十四条 (with an approved extension),
 * each with its state while it runs.
 */
export function deadlinesOf(report: repo.Report, now = new Date()) {
  const today = todayInChina(now);
  const legalRuns = ['accepted', ...ASSIGNMENT_RUNNING].includes(report.status);
  const assignment: DeadlineView | null = report.assignmentDue && report.assigneeId !== null ? { due: report.assignmentDue, state: assignmentRunning(report) ? clockState(report.assignmentDue, today) : null } : null;
  const legal = report.handlingDue ? { due: report.handlingDue, state: legalRuns ? clockState(report.handlingDue, today) : null, basis: activeRules()['xinfang.handling'].basis, extensionDays: report.extensionDays } : null;
  return { assignment, legal };
}
