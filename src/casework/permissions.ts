// Which staff action on a report each relation allows (issue 16 defect 6): one table, asked by every
// route that changes a report and by the report page that offers the actions, so the page never
// shows a button the server refuses. The state a report must be in stays with each action
// (workflow.ts answers 409); this table only says who, from the relation (relation.ts) and the role.
//
// In short (DESIGN.md §3–4): the handling unit does the casework; the responsible person and the
// assigned unit do their assignment; a supervising unit hastens or takes over (提级, after which it
// is the handling unit); the reviewing unit answers the review; a department and a discipline body
// act only in their own workspace on their open transfer or referral.
import type { StaffContext } from '../plugins/auth.js';
import type { Report } from '../reports/repository.js';
import type { Deps } from '../shared/deps.js';
import { AppError } from '../shared/errors.js';
import { isAdminDuty, type Role } from '../users/roles.js';
import type { Referral } from '../referrals/service.js';
import { relationOf, type Relation } from './relation.js';

/** The actions of POST /staff/reports/:id/:action, plus refer and transfer (their own routes). */
export const REPORT_ACTIONS = [
  'accept',
  'reject',
  'merge',
  'assign',
  'return',
  'start',
  'extension',
  'extension_decision',
  'conclude',
  'approve_conclusion',
  'close',
  'rectify',
  'review_answer',
  'hasten',
  'acknowledge',
  'take_over',
  'message',
] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];
export type Action = ReportAction | 'refer' | 'transfer' | 'transfer_receive' | 'transfer_outcome' | 'transfer_return';

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
const intakeOfHandling = ({ staff, rel }: Actor) => rel.handling && any(staff, ['intake', 'lead', 'supervisor']);
/** The responsible person, or the handling unit's lead (who may write the answer itself). */
const assigneeOrLead = ({ staff, rel }: Actor) => rel.assignee || (rel.handling && staff.has('lead'));
/** Refer and transfer: the responsible person, or the handling unit's intake or lead (DESIGN.md §3 "intake or handler"). */
const handOver = ({ staff, rel }: Actor) => rel.assignee || (rel.handling && any(staff, ['intake', 'lead']));
/** Recording a transfer's receipt or outcome: the department itself, or the handling side on its behalf. */
const onTransfer = ({ staff, rel }: Actor) => (!!rel.transfer && any(staff, DEPARTMENT)) || rel.assignee || (rel.handling && any(staff, ['intake', 'handler', 'lead']));

const RULES: Record<Action, (a: Actor) => boolean> = {
  accept: intakeOfHandling,
  reject: intakeOfHandling,
  merge: intakeOfHandling,
  assign: intakeOfHandling,
  // 信访工作条例 art. 23: the assignee (or its unit) returns an assignment that is not theirs.
  return: ({ staff, rel }) => rel.assignee || (rel.assignedUnit && any(staff, CASEWORK)),
  start: ({ rel }) => rel.assignee,
  extension: assigneeOrLead,
  // art. 34: the extension is approved by the lead of the unit that handles the report.
  extension_decision: ({ staff, rel }) => rel.handling && staff.has('lead'),
  conclude: assigneeOrLead,
  // The answer reaches the reporter on this approval: only the handling unit's lead gives it.
  approve_conclusion: ({ staff, rel }) => rel.handling && staff.has('lead'),
  close: ({ staff, rel }) => rel.handling && any(staff, ['handler', 'lead', 'supervisor']),
  rectify: ({ staff, rel }) => rel.handling && any(staff, ['handler', 'lead', 'supervisor']),
  review_answer: ({ staff, rel }) => rel.reviewer && any(staff, ['supervisor', 'lead']),
  hasten: ({ staff, rel }) => rel.supervising && staff.has('supervisor'),
  take_over: ({ staff, rel }) => rel.supervising && staff.has('supervisor'),
  acknowledge: ({ staff, rel }) => rel.assignee || (rel.handling && any(staff, CASEWORK)),
  // A message may reach the reporter: only those working the case, and the reviewer during its review.
  message: ({ staff, rel }) => rel.assignee || ((rel.handling || rel.assignedUnit) && any(staff, CASEWORK)) || (rel.reviewer && any(staff, ['supervisor', 'lead'])),
  refer: handOver,
  transfer: handOver,
  transfer_receive: onTransfer,
  transfer_outcome: onTransfer,
  // Returning a transfer is the department's own decision.
  transfer_return: ({ staff, rel }) => !!rel.transfer && any(staff, DEPARTMENT),
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
