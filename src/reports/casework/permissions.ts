// Which staff action on a report each relation allows (issue 16 defect 6): one table, asked by every
// route that changes a report and by the report page that offers the actions, so the page never
// shows a button the server refuses. The state a report must be in stays with each action
// (workflow.ts answers 409); this table only says who, from the relation (relation.ts) and the role.
//
// In short (DESIGN.md §3–4): the handling unit does the casework; the responsible person and the
// assigned unit do their assignment; a supervising unit hastens or takes over (提级, after which it
// is the handling unit); the reviewing unit answers the review; a department and a discipline body
// act only in their own workspace on their open transfer or referral.
import type { StaffContext } from '../../plugins/auth.js';
import type { Report } from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { isAdminDuty, type Role } from '../../users/index.js';
import type { Referral } from '../referrals/service.js';
import { relationOf, type Relation } from './relation.js';
import { draftOf } from './workflow.js';

/** The actions of POST /staff/reports/:id/:action (refer, transfer, identity and the transfer's steps have routes of their own). */
export const REPORT_ACTIONS = [
  'accept',
  'reject',
  'merge',
  'assign',
  'return',
  'start',
  'extension',
  'extension_decision',
  'assignment_extension',
  'assignment_extension_decision',
  'conclude',
  'approve_conclusion',
  'close',
  'rectify',
  'review_answer',
  'hearing',
  'hasten',
  'acknowledge',
  'take_over',
  'message',
] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];
export type Action = ReportAction | 'refer' | 'transfer' | 'transfer_receive' | 'transfer_outcome' | 'transfer_return' | 'identity_request' | 'referral_forward' | 'referral_recall' | StaffFilesAction;
/** Staff investigation material (issue 19 item 3, staff-files.ts): upload, read (list and download), release for the referral packet. */
export type StaffFilesAction = 'staff_files' | 'staff_files_read' | 'staff_files_release';

/** Roles that do casework; custodians and inspectors of a civil-affairs unit have other work. */
const CASEWORK: Role[] = ['intake', 'handler', 'lead', 'supervisor'];
/** Roles a department user acts with on its transfer. */
const DEPARTMENT: Role[] = ['intake', 'handler', 'lead', 'supervisor'];

interface Actor {
  staff: StaffContext;
  rel: Relation;
  report: Report;
}

const any = (staff: StaffContext, roles: Role[]) => roles.some((r) => staff.has(r));
/** The responsible person acts as one while they still hold the handler role they were assigned with. */
const isAssignee = ({ staff, rel }: Actor) => rel.assignee && staff.has('handler');
const handlingWith = (roles: Role[]) => ({ staff, rel }: Actor) => rel.handling && any(staff, roles);
const intakeOfHandling = handlingWith(['intake', 'lead', 'supervisor']);
/** The responsible person, or the handling unit's lead (who may write the answer itself). */
const assigneeOrLead = (a: Actor) => isAssignee(a) || handlingWith(['lead'])(a);
/** Refer and transfer: the responsible person, or the handling unit's intake or lead (DESIGN.md §3 "intake or handler"). */
const handOver = (a: Actor) => isAssignee(a) || handlingWith(['intake', 'lead'])(a);
/** Recording a transfer's receipt or outcome: the department itself, or the handling unit on its behalf. */
const onTransfer = (a: Actor) => (!!a.rel.transfer && any(a.staff, DEPARTMENT)) || handlingWith(['intake', 'handler', 'lead'])(a);

/** The waiting draft was written by a lead (recorded with the draft; older drafts: not by the responsible person). */
function leadWroteDraft(report: Report): boolean {
  const draft = draftOf(report);
  return !!draft && (draft.byLead ?? draft.by !== report.assigneeId);
}

const RULES: Record<Action, (a: Actor) => boolean> = {
  accept: intakeOfHandling,
  reject: intakeOfHandling,
  merge: intakeOfHandling,
  assign: intakeOfHandling,
  // 信访工作条例 art. 23: the assignee (or its unit) returns an assignment that is not theirs.
  return: (a) => isAssignee(a) || (a.rel.assignedUnit && any(a.staff, CASEWORK)),
  start: isAssignee,
  extension: assigneeOrLead,
  // art. 34: the extension is approved by the lead of the unit that handles the report.
  extension_decision: handlingWith(['lead']),
  // Issue 19 item 2: the responsible person asks the assigning unit for a later 交办期限; that unit's
  // intake or lead decides (never on their own request: assignment.decideAssignmentExtension).
  assignment_extension: isAssignee,
  assignment_extension_decision: handlingWith(['intake', 'lead']),
  conclude: assigneeOrLead,
  // The answer reaches the reporter on this approval: the handling unit's lead gives it — never the
  // one who wrote it (issue 19 item 9, enforced in workflow.approveConclusion). An answer its lead
  // wrote himself goes to another lead there, or to a lead of the unit above (a county bureau often
  // has one lead); a handler's answer never goes to the city (issue 16: the city approved one).
  approve_conclusion: (a) => handlingWith(['lead'])(a) || (a.rel.supervising && a.staff.has('lead') && leadWroteDraft(a.report)),
  close: handlingWith(['handler', 'lead', 'supervisor']),
  rectify: handlingWith(['handler', 'lead', 'supervisor']),
  review_answer: ({ staff, rel }) => rel.reviewer && any(staff, ['supervisor', 'lead']),
  // 第三十六条第二款: the re-review unit holds the hearing (supervision.hearing checks the level).
  hearing: ({ staff, rel }) => rel.reviewer && any(staff, ['supervisor', 'lead']),
  hasten: ({ staff, rel }) => rel.supervising && staff.has('supervisor'),
  take_over: ({ staff, rel }) => rel.supervising && staff.has('supervisor'),
  acknowledge: (a) => isAssignee(a) || handlingWith(CASEWORK)(a),
  // A message may reach the reporter: only those working the case, and the reviewer during its review.
  message: (a) => isAssignee(a) || ((a.rel.handling || a.rel.assignedUnit) && any(a.staff, CASEWORK)) || (a.rel.reviewer && any(a.staff, ['supervisor', 'lead'])),
  refer: handOver,
  transfer: handOver,
  transfer_receive: onTransfer,
  transfer_outcome: onTransfer,
  // Returning a transfer is the department's own decision.
  transfer_return: ({ staff, rel }) => !!rel.transfer && any(staff, DEPARTMENT),
  // DESIGN.md §4: a handler or inspector asks a custodian for a real-name reporter's identity, for
  // the report they work on: the handling or assigned unit, the reviewer, the body with the referral.
  // 转交有管辖权的机关 (issue 19 item 1): the inspector of the body holding the open referral, not a commission above it.
  referral_forward: ({ staff, rel }) => !!rel.referral && staff.has('inspector'),
  // Recalling an unaccepted referral: the handling unit's handler or lead (the referring unit).
  referral_recall: handlingWith(['handler', 'lead']),
  // Staff investigation material (核查笔录, 入户照片, 谈话记录; issue 19 item 3) names third parties:
  // those who investigate add it — the responsible person and the handling unit's handlers, leads
  // and supervisors (not intake, which only routes; not the township's other users) — and the
  // reviewing unit reads it to answer the review. A supervising unit that has not taken the report
  // over, a department and a discipline body never see it (the body gets what is released 可移送).
  staff_files: (a) => isAssignee(a) || handlingWith(['handler', 'lead', 'supervisor'])(a),
  staff_files_read: (a) => isAssignee(a) || handlingWith(['handler', 'lead', 'supervisor'])(a) || (a.rel.reviewer && any(a.staff, ['supervisor', 'lead'])),
  // 可移送 is the referring side's decision: the handling unit's handler or lead, or the responsible
  // person, who may refer herself (handOver).
  staff_files_release: (a) => isAssignee(a) || handlingWith(['handler', 'lead'])(a),
  identity_request: (a) => ((a.rel.handling || a.rel.assignedUnit) && any(a.staff, ['handler', 'lead'])) || (a.rel.reviewer && a.staff.has('lead')) || (!!a.rel.referral && a.staff.has('inspector')),
};

export function isReportAction(name: string): name is ReportAction {
  return (REPORT_ACTIONS as readonly string[]).includes(name);
}

/** Whether this relation and these roles allow the action (the report's state is the action's own check). */
export function allows(action: Action, staff: StaffContext, rel: Relation, report: Report): boolean {
  return RULES[action]({ staff, rel, report });
}

/**
 * A referral's own steps (accept, return, disposition, result) are the addressed body's: its
 * inspectors act on it; a commission above sees it (DESIGN.md §4) but does not act in its place.
 */
export function mayActOnReferral(staff: StaffContext, referral: Referral): boolean {
  return !staff.roles.some(isAdminDuty) && staff.unit.kind === 'discipline' && staff.has('inspector') && referral.bodyUnitId === staff.unit.id;
}

export class NotYourPartError extends AppError {
  constructor() {
    super(403, 'NOT_YOUR_PART', 'casework.errors.not_your_part');
  }
}

/** Refuses (403) an action this user may not take on this report; returns the relation it was allowed by. */
export async function authorize(deps: Deps, staff: StaffContext, report: Report, action: Action): Promise<Relation> {
  const rel = await relationOf(deps, staff, report);
  if (!allows(action, staff, rel, report)) throw new NotYourPartError();
  return rel;
}
