// The staff side of a report's life (DESIGN.md §3). Each action checks the state and the actor's
// role (who may act on this report at all is decided before, in permissions.ts), then writes the
// change, its timeline event and its audit entry in one transaction.
import { parseDateInput } from '../../shared/date-input.js';
import { record } from '../../audit/index.js';
import { loadCalendar } from '../../calendar/index.js';
import type { StaffContext } from '../../plugins/auth.js';
import * as repo from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import type { Executor } from '../../db/executor.js';
import { withTransaction, type Tx } from '../../db/transaction.js';
import type { Role } from '../../users/index.js';
import { assignmentObjectionDue, clockDue as clockAt, dueFrom, handlingDueOf, maxExtensionDays, reviewAnswerClockOf, ruleFor, toCstDate, todayInChina, type Calendar, type ClockEvent } from '../../clocks/index.js';
import type { Status } from '../catalog.js';
import { reportStatusChanged } from '../status-signal.js';

export class TransitionError extends AppError {
  constructor(code: string) {
    super(409, code, `casework.errors.${code}`);
  }
}

export interface Step {
  type: string;
  visible: boolean;
  body?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Applies a change with its event(s) and audit entry, and recomputes the running clock, in one
 * transaction of its own; `extra` writes what else belongs to the step (a referral row, an item…)
 * in the same transaction.
 */
export async function applyStep(deps: Deps, staff: StaffContext, report: repo.Report, changes: Partial<repo.NewReport>, steps: Step[], now = Date.now(), extra?: (tx: Tx) => Promise<void> | void): Promise<repo.Report> {
  return withTransaction(deps.db, async (tx) => {
    const next = await applyStepIn(tx, deps, staff, report, changes, steps, now);
    await extra?.(tx);
    return next;
  });
}

/** applyStep inside a transaction the caller holds: every statement goes through `db` (its `tx`). */
export async function applyStepIn(db: Executor, deps: Pick<Deps, 'keys'>, staff: StaffContext, report: repo.Report, changes: Partial<repo.NewReport>, steps: Step[], now = Date.now()): Promise<repo.Report> {
  // A request for a later 交办期限 belongs to the assignment it was made under: any step that ends or
  // changes the assignment (a new assignment, its return, a take-over) drops it (issue 19 item 2).
  const assignmentChanged = ('assigneeId' in changes && changes.assigneeId !== report.assigneeId) || ('assignmentDue' in changes && changes.assignmentDue !== report.assignmentDue);
  if (assignmentChanged && !('assignmentExtensionRequest' in changes) && report.assignmentExtensionRequest) changes = { ...changes, assignmentExtensionRequest: null };
  const merged = { ...report, ...changes } as repo.Report;
  const timeline = await timelineWith(db, report.id, steps, now);
  const calendar = await loadCalendar(db);
  // The legal handling deadline is always read from the timeline by the clock engine (acceptance,
  // days away, extension, reopening), never shifted by hand (issue 18).
  const handlingDue = merged.acceptedAt === null ? merged.handlingDue : (handlingDueOf(merged.acceptedAt, timeline, calendar, new Date(now))?.due ?? null);
  const next = { ...merged, handlingDue } as repo.Report;
  const rule = ruleFor(next.status, next.reviewLevel);
  const clock: Partial<repo.NewReport> = { handlingDue, clockRule: rule, dueOn: rule ? clockDue(calendar, next, rule, timeline, now) : null };
  await repo.updateReport(db, report.id, { ...changes, ...clock, updatedAt: now });
  for (const step of steps) {
    await repo.insertEvent(db, { reportId: report.id, at: now, type: step.type, actorType: 'staff', actorId: staff.user.id, visibleToReporter: step.visible, body: step.body ?? null, data: step.data ? JSON.stringify(step.data) : null });
  }
  await record(db, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: `report.${steps[0]!.type}`, object: { type: 'report', id: report.id }, detail: { from: report.status, to: next.status } }, now);
  await reportStatusChanged(db, report.id, report.status, next.status, now);
  return { ...next, ...clock } as repo.Report;
}

/** The report's timeline as the clocks read it, with the steps about to be written at `now`. */
async function timelineWith(db: Executor, reportId: number, steps: Step[], now: number): Promise<ClockEvent[]> {
  const stored: ClockEvent[] = (await repo.eventsOf(db, reportId)).map((e) => ({ type: e.type, at: e.at, data: e.data }));
  return [...stored, ...steps.map((s) => ({ type: s.type, at: now, data: s.data ? JSON.stringify(s.data) : null }))];
}

function clockDue(calendar: Calendar, r: repo.Report, rule: NonNullable<ReturnType<typeof ruleFor>>, timeline: ClockEvent[], now: number): string | null {
  if (rule === 'xinfang.handling') return r.handlingDue ?? dueFrom(calendar, rule, r.acceptedAt ?? r.receivedAt).due;
  if (rule === 'xinfang.register') return dueFrom(calendar, rule, r.receivedAt).due;
  // 第三十五条、第三十六条: the review answer is due 30日 from the request; a re-review hearing's days
  // are not counted (第三十六条第二款). While the hearing lasts the clock stands still: no due date,
  // so nothing is escalated; it is set again, the hearing's days added back, when the hearing ends.
  const clock = reviewAnswerClockOf(rule === 'xinfang.rereview_answer' ? 2 : 1, timeline);
  if (!clock) return dueFrom(calendar, rule, now).due;
  const due = clockAt(clock, calendar, new Date(now));
  return due.paused ? null : due.due;
}

export function requireState(report: repo.Report, ...states: Status[]): void {
  if (!states.includes(report.status as Status)) throw new TransitionError('wrong_state');
}

export function requireRole(staff: StaffContext, ...roles: Role[]): void {
  if (!roles.some((r) => staff.has(r))) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
}

export async function accept(deps: Deps, staff: StaffContext, report: repo.Report, now = Date.now()) {
  requireState(report, 'received');
  requireRole(staff, 'intake', 'lead', 'supervisor');
  // 第三十四条: 60日 from acceptance.
  const handlingDue = dueFrom(await loadCalendar(deps.db), 'xinfang.handling', now).due;
  return applyStep(deps, staff, report, { status: 'accepted', acceptedAt: now, handlingDue }, [{ type: 'accepted', visible: true, data: { handlingDue } }], now);
}

export async function reject(deps: Deps, staff: StaffContext, report: repo.Report, reason: string, now = Date.now()) {
  requireState(report, 'received');
  requireRole(staff, 'intake', 'lead', 'supervisor');
  if (reason.trim().length < 5) throw new TransitionError('reason_required');
  return applyStep(deps, staff, report, { status: 'rejected' }, [{ type: 'rejected', visible: true, body: reason.trim() }], now);
}

export async function merge(deps: Deps, staff: StaffContext, report: repo.Report, into: repo.Report, now = Date.now()) {
  requireState(report, 'received', 'accepted');
  requireRole(staff, 'intake', 'lead', 'supervisor');
  if (into.id === report.id || into.mergedIntoId) throw new TransitionError('merge_target');
  return applyStep(deps, staff, report, { status: 'merged', mergedIntoId: into.id }, [{ type: 'merged', visible: true, body: into.caseNo, data: { into: into.caseNo } }], now);
}

export interface Assignment {
  unitId: number;
  assigneeId: number;
  due: string;
}

/**
 * A 交办期限 the assigning unit may set or grant (issue 19 item 2): a real calendar date, not before
 * today in China, and not after the legal handling due date (信访工作条例第三十四条) — an assignment
 * cannot promise the handling unit more time than the law gives it. Returns the date as YYYY-MM-DD.
 */
export function checkAssignmentDue(due: string | undefined, report: Pick<repo.Report, 'handlingDue'>, now: number): string {
  if (!(due ?? '').trim()) throw new TransitionError('assignment_due_required');
  // 2026-12-07, 2026/12/7, 2026年12月7日 … read as everywhere else (src/shared/date-input.ts).
  const value = parseDateInput(due);
  if (!value) throw new TransitionError('assignment_due_invalid');
  if (value < todayInChina(new Date(now))) throw new TransitionError('assignment_due_past');
  if (report.handlingDue && value > report.handlingDue) throw new TransitionError('assignment_due_after_legal');
  return value;
}

export async function assign(deps: Deps, staff: StaffContext, report: repo.Report, a: Assignment, now = Date.now()) {
  requireState(report, 'accepted', 'assigned');
  requireRole(staff, 'intake', 'lead', 'supervisor');
  const due = checkAssignmentDue(a.due, report, now);
  return applyStep(deps, staff, report, { status: 'assigned', assignedUnitId: a.unitId, assigneeId: a.assigneeId, assignedAt: now, assignmentDue: due }, [
    { type: 'assigned', visible: true, data: { unit: a.unitId, due } },
  ], now);
}

/** 信访工作条例 art. 23: an assignee who is not competent returns it within 5 working days. */
export async function returnAssignment(deps: Deps, staff: StaffContext, report: repo.Report, reason: string, now = Date.now()) {
  requireState(report, 'assigned');
  if (report.assigneeId !== staff.user.id && report.assignedUnitId !== staff.unit.id) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  if (reason.trim().length < 5) throw new TransitionError('reason_required');
  const due = assignmentObjectionDue(await loadCalendar(deps.db), report.assignedAt ?? now);
  if (toCstDate(new Date(now)) > due) throw new TransitionError('return_too_late');
  return applyStep(deps, staff, report, { status: 'accepted', assignedUnitId: null, assigneeId: null, assignedAt: null, assignmentDue: null }, [
    { type: 'assignment_returned', visible: false, body: reason.trim() },
  ], now);
}

export async function start(deps: Deps, staff: StaffContext, report: repo.Report, now = Date.now()) {
  requireState(report, 'assigned');
  if (report.assigneeId !== staff.user.id) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  return applyStep(deps, staff, report, { status: 'investigating' }, [{ type: 'investigating', visible: true }], now);
}

export async function requestExtension(deps: Deps, staff: StaffContext, report: repo.Report, days: number, reason: string, now = Date.now()) {
  requireState(report, 'assigned', 'investigating');
  if (report.assigneeId !== staff.user.id && !staff.has('lead')) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  if (report.extensionDays) throw new TransitionError('extension_used');
  if (!Number.isInteger(days) || days < 1 || days > maxExtensionDays()) throw new TransitionError('extension_days');
  if (reason.trim().length < 5) throw new TransitionError('reason_required');
  return applyStep(deps, staff, report, { extensionRequest: JSON.stringify({ days, reason: reason.trim(), by: staff.user.id }) }, [
    { type: 'extension_requested', visible: false, body: reason.trim(), data: { days } },
  ], now);
}

/** 信访工作条例 art. 34: one extension of at most 30 days, approved by the unit's lead, reason told to the reporter. */
export async function decideExtension(deps: Deps, staff: StaffContext, report: repo.Report, approve: boolean, now = Date.now()) {
  requireRole(staff, 'lead');
  if (!report.extensionRequest) throw new TransitionError('no_extension_request');
  if (report.handlingUnitId !== staff.unit.id) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  const request = JSON.parse(report.extensionRequest) as { days: number; reason: string };
  if (!approve) return applyStep(deps, staff, report, { extensionRequest: null }, [{ type: 'extension_denied', visible: false }], now);
  // Counted from the running due date (days away already added back), not from acceptance.
  const events = [...(await repo.eventsOf(deps.db, report.id)), { type: 'extension', at: now, data: JSON.stringify({ days: request.days }) }];
  const handlingDue = handlingDueOf(report.acceptedAt ?? now, events, await loadCalendar(deps.db), new Date(now))!.due;
  return applyStep(deps, staff, report, { extensionRequest: null, extensionDays: request.days, handlingDue }, [
    { type: 'extension', visible: true, body: request.reason, data: { days: request.days, handlingDue } },
  ], now);
}

export const FINDINGS = ['substantiated', 'partly', 'unsubstantiated'] as const;
export type Finding = (typeof FINDINGS)[number];

/** The handler writes the finding and the answer; it reaches the reporter when a lead approves it. */
export async function draftConclusion(deps: Deps, staff: StaffContext, report: repo.Report, finding: Finding, body: string, now = Date.now()) {
  requireState(report, 'investigating');
  if (report.assigneeId !== staff.user.id && !staff.has('lead')) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
  if (!FINDINGS.includes(finding)) throw new TransitionError('finding_required');
  if (body.trim().length < 20) throw new TransitionError('answer_too_short');
  const draft: AnswerDraft = { finding, body: body.trim(), by: staff.user.id, byLead: staff.has('lead'), at: now };
  // Four eyes (issue 19 item 9): a lead who writes the answer himself does not approve it in the
  // same step; it waits, like any draft, for another lead of the handling unit.
  return applyStep(deps, staff, report, { answerDraft: JSON.stringify(draft) }, [{ type: 'answer_drafted', visible: false, data: { finding } }], now);
}

export interface AnswerDraft {
  finding: Finding;
  body: string;
  /** The user who wrote it: never the one who approves it. */
  by: number;
  /** The author is a lead: then a lead of the unit above may approve it too (permissions.ts). */
  byLead?: boolean;
  at: number;
}

export function draftOf(report: Pick<repo.Report, 'answerDraft'>): AnswerDraft | null {
  return report.answerDraft ? (JSON.parse(report.answerDraft) as AnswerDraft) : null;
}

/** A lead approving an answer he wrote himself (four eyes: another lead approves it). */
export class OwnDraftError extends AppError {
  constructor() {
    super(403, 'OWN_DRAFT', 'casework.errors.own_draft');
  }
}

export async function approveConclusion(deps: Deps, staff: StaffContext, report: repo.Report, now = Date.now()) {
  requireState(report, 'investigating');
  requireRole(staff, 'lead');
  const draft = draftOf(report);
  if (!draft) throw new TransitionError('no_draft');
  if (draft.by === staff.user.id) throw new OwnDraftError();
  return applyStep(deps, staff, report, { status: 'concluded', finding: draft.finding, concludedAt: now, answerDraft: null, answerFirstOpenedAt: null }, [
    { type: 'concluded', visible: true, data: { finding: draft.finding } },
    { type: 'answer', visible: true, body: draft.body, data: { finding: draft.finding } },
  ], now);
}

/**
 * The lead sends the draft back with a reason. Its text is kept on the (internal) event, and the
 * conclusion form opens with it, the reason shown above (issue 19 item 9: nothing is retyped).
 */
export async function returnDraft(deps: Deps, staff: StaffContext, report: repo.Report, note: string, now = Date.now()) {
  requireState(report, 'investigating');
  requireRole(staff, 'lead');
  const draft = draftOf(report);
  if (!draft) throw new TransitionError('no_draft');
  // The drafter may take his own draft back without a reason; anyone else tells him why.
  if (draft.by !== staff.user.id && note.trim().length < 2) throw new TransitionError('return_note_required');
  return applyStep(deps, staff, report, { answerDraft: null }, [
    { type: 'answer_returned', visible: false, body: note.trim() || null, data: { finding: draft.finding, answer: draft.body, draftedBy: draft.by } },
  ], now);
}

export interface ReturnedDraft {
  finding: Finding;
  answer: string;
  note: string | null;
  by: number | null;
  at: number;
}

/** The draft last sent back, while no new draft has been written since and the report is still being investigated. */
export async function returnedDraftOf(deps: Deps, report: repo.Report): Promise<ReturnedDraft | null> {
  if (report.status !== 'investigating' || report.answerDraft) return null;
  const last = (await repo.eventsOf(deps.db, report.id))
    .filter((e) => ['answer_drafted', 'answer_returned', 'concluded'].includes(e.type))
    .pop();
  if (!last || last.type !== 'answer_returned' || !last.data) return null;
  const data = JSON.parse(last.data) as { finding?: Finding; answer?: string };
  if (typeof data.answer !== 'string') return null;
  return { finding: data.finding as Finding, answer: data.answer, note: last.body, by: last.actorId, at: last.at };
}

export async function close(deps: Deps, staff: StaffContext, report: repo.Report, now = Date.now()) {
  requireState(report, 'concluded');
  requireRole(staff, 'handler', 'lead', 'supervisor');
  return applyStep(deps, staff, report, { status: 'closed' }, [{ type: 'closed', visible: true }], now);
}

export async function staffMessage(deps: Deps, staff: StaffContext, report: repo.Report, body: string, internal: boolean, now = Date.now()) {
  if (body.trim().length < 2) throw new TransitionError('message_empty');
  return applyStep(deps, staff, report, {}, [{ type: internal ? 'internal_note' : 'staff_message', visible: !internal, body: body.trim() }], now);
}
