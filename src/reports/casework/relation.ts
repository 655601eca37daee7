// Who a staff user is to one report (DESIGN.md §3–4, issue 16 defect 6). Seeing a report (scope.ts)
// is not the same as acting on it: a city sees its counties' reports but answers none of them unless
// it took the report over (提级) or answers its review; a department and a discipline body see a
// report only for their own part. Every staff action asks this, then the rule of that action
// (permissions.ts), so no route decides from the role alone.
import type { StaffContext } from '../../plugins/auth.js';
import type { Report } from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import { supervisedUnitIds } from '../../units/index.js';
import { isAdminDuty } from '../../users/index.js';
import { referralsOf, type Referral } from '../referrals/service.js';
import { transfersOf, type Transfer } from '../transfers/service.js';

export interface Relation {
  /** The user's unit handles the report: the county of its place, or the unit that took it over (提级 makes the supervising unit the handling unit). */
  handling: boolean;
  /** The user's unit is the unit the report is assigned to (交办). */
  assignedUnit: boolean;
  /** The user is the responsible person of the assignment. */
  assignee: boolean;
  /** The user's unit is above the handling unit and has not taken it over: it hastens or takes over, nothing else. */
  supervising: boolean;
  /** The user's unit answers the report's review now (复查/复核, 信访工作条例 arts. 35–36). */
  reviewer: boolean;
  /** The open transfer to the user's department: its part is confirming receipt, the outcome, or returning it. */
  transfer: Transfer | null;
  /** The open referral addressed to the user's discipline body: its part is in the referral workspace. */
  referral: Referral | null;
}

export type RelationKind = 'handling' | 'assigned' | 'assignee' | 'supervising' | 'reviewer' | 'department' | 'discipline';

export const NO_RELATION: Relation = Object.freeze({ handling: false, assignedUnit: false, assignee: false, supervising: false, reviewer: false, transfer: null, referral: null });

const OPEN_TRANSFER = ['sent', 'received'];
const OPEN_REFERRAL = ['pending', 'accepted'];

export function isOpenTransfer(t: Transfer): boolean {
  return OPEN_TRANSFER.includes(t.status);
}

export function isOpenReferral(r: Referral): boolean {
  return OPEN_REFERRAL.includes(r.status);
}

export async function relationOf(deps: Deps, staff: StaffContext, report: Report): Promise<Relation> {
  // An administrator duty sees no case content and acts on none (三权分立, issue 15), whatever unit it sits in.
  if (staff.roles.some(isAdminDuty)) return NO_RELATION;
  const unit = staff.unit;
  if (unit.kind === 'department') {
    const open = (await transfersOf(deps, report.id)).find((t) => t.departmentUnitId === unit.id && isOpenTransfer(t));
    return { ...NO_RELATION, transfer: open ?? null };
  }
  if (unit.kind === 'discipline') {
    // The addressed body only: a commission above sees the referral (scope.ts) but does not act in its place.
    const open = (await referralsOf(deps, report.id)).find((r) => r.bodyUnitId === unit.id && isOpenReferral(r));
    return { ...NO_RELATION, referral: open ?? null };
  }
  const tree = unit.kind === 'civil_affairs' ? await supervisedUnitIds(deps.db, unit.id) : [unit.id];
  const handling = report.handlingUnitId === unit.id;
  return {
    handling,
    assignedUnit: report.assignedUnitId === unit.id,
    assignee: report.assigneeId === staff.user.id && report.assignedUnitId === unit.id,
    supervising: !handling && tree.includes(report.handlingUnitId),
    reviewer: report.status === 'under_review' && report.reviewUnitId === unit.id,
    transfer: null,
    referral: null,
  };
}

/** The relation as names, for messages, logs and tests. */
export function kindsOf(r: Relation): RelationKind[] {
  const kinds: RelationKind[] = [];
  if (r.handling) kinds.push('handling');
  if (r.assignedUnit) kinds.push('assigned');
  if (r.assignee) kinds.push('assignee');
  if (r.supervising) kinds.push('supervising');
  if (r.reviewer) kinds.push('reviewer');
  if (r.transfer) kinds.push('department');
  if (r.referral) kinds.push('discipline');
  return kinds;
}
