// The deadline sweep: reminds the responsible person before a legal deadline and, once it has
// passed, tells the supervisors of the supervising unit (DESIGN.md §3 "Overdue is escalation").
// Each notice to each person goes through reminders.ts remindEach: claimed in sent_reminders, sent
// and awaited, recorded (sent_at) and audited; a failed send is tried again by the next sweep.
// Running the sweep twice, on two processes or after a restart sends each notice once — at least
// once, a duplicate only after a crash between the send and its record.
// The 交办期限 is swept alongside (runAssignmentSweep, issue 19 item 2), the same way: the
// responsible person is reminded before it, and once it has passed the assigning unit is told.
import { addDays, todayInChina } from '../../clocks/index.js';
import { reportsDueBy } from './repository/deadlines.js';
import { assignmentsDueBy } from './repository/assignments.js';
import { eventsOf, type Report } from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import { findUnit } from '../../units/index.js';
import { findUser, mailLocaleOf, usersWithRole, type User } from '../../users/index.js';
import { staffNotice } from '../../mail/index.js';
import { REMIND_DAYS_BEFORE, remindEach } from '../reminders.js';
import { ASSIGNMENT_RUNNING, assigningOfficers } from './assignment.js';
// Who answers for the clock now: one choice with the reporter's reply (notify.ts responsibleFor).
import { responsibleFor as responsible, staffNoticeMail } from './notify.js';

export { CLAIM_STALE_AFTER_MS, REMIND_DAYS_BEFORE } from '../reminders.js';

// The states whose duty has a legal clock (src/clocks/report.ts ruleFor). Not `concluded`: once
// the written answer is sent the 60日 handling duty of 信访工作条例第三十四条 is done (issue 18).
const OPEN = ['received', 'accepted', 'assigned', 'investigating', 'under_review'];

export interface SweepResult {
  /** Deadlines (a report's legal clock or its 交办期限) whose responsible person was reminded by this sweep. */
  reminded: number;
  /** Overdue deadlines (legal, or 交办期限) escalated by this sweep. */
  escalated: number;
}

type Kind = 'due_soon' | 'overdue';

/** Sends one notice to each recipient not yet told; true when at least one was sent now. */
async function notifyOnce(deps: Deps, report: Report, kind: Kind, recipients: User[], now: number): Promise<boolean> {
  return remindEach(deps, {
    reportId: report.id,
    kind,
    dueOn: report.dueOn!,
    action: kind === 'overdue' ? 'report.escalated' : 'report.reminded',
    mail: (user) => staffNoticeMail(deps, user, report, kind),
  }, recipients, now);
}

async function supervisorsAbove(deps: Deps, report: Report): Promise<User[]> {
  const unit = await findUnit(deps.db, report.status === 'under_review' && report.reviewUnitId ? report.reviewUnitId : report.handlingUnitId);
  if (!unit) return [];
  // At the top (the department), its own supervisors answer for it.
  return usersWithRole(deps.db, unit.supervisorId ?? unit.id, 'supervisor');
}

/** The assignee while enabled: the one who answers for the 交办期限. */
async function enabledAssignee(deps: Deps, report: Report): Promise<User[]> {
  const user = report.assigneeId ? await findUser(deps.db, report.assigneeId) : undefined;
  return user && !user.disabled ? [user] : [];
}

/** The assignment predates a reopening (第三十五条、第三十六条): its date is not the reopened duty's. */
async function staleAfterReopening(deps: Deps, report: Report): Promise<boolean> {
  return (await eventsOf(deps.db, report.id)).some((e) => e.type === 'reopened' && e.at >= (report.assignedAt ?? 0));
}

/**
 * The 交办期限 (issue 19 item 2), tracked like a legal clock while the report is assigned or under
 * investigation: REMIND_DAYS_BEFORE days before it the responsible person is reminded
 * (assignment_due_soon); once it has passed, the assigning unit — the handling unit's intake
 * officers and leads — and the responsible person are told (assignment_overdue). Each once per
 * recipient and date, through remindEach; a granted extension is a new date, reminded again.
 */
export async function runAssignmentSweep(deps: Deps, now = Date.now()): Promise<SweepResult> {
  const today = todayInChina(new Date(now));
  const due = await assignmentsDueBy(deps.db, ASSIGNMENT_RUNNING, addDays(today, REMIND_DAYS_BEFORE));
  let reminded = 0;
  let escalated = 0;
  for (const report of due) {
    if (await staleAfterReopening(deps, report)) continue;
    const dueOn = report.assignmentDue!;
    const overdue = dueOn < today;
    const kind = overdue ? 'assignment_overdue' : 'assignment_due_soon';
    const assignee = await enabledAssignee(deps, report);
    // Nobody left to remind (the assignee's account was disabled): the assigning unit hears of it.
    const recipients = overdue || assignee.length === 0 ? [...(await assigningOfficers(deps, report)), ...assignee] : assignee;
    const sent = await remindEach(deps, {
      reportId: report.id,
      kind,
      dueOn,
      action: overdue ? 'report.escalated' : 'report.reminded',
      mail: (user) => ({ to: user.email, ...staffNotice(mailLocaleOf(deps.config, user), kind, { caseNo: report.caseNo, link: `${deps.config.baseUrl}/staff/reports/${report.id}`, dueOn }) }),
    }, recipients, now);
    if (sent && overdue) escalated++;
    else if (sent) reminded++;
  }
  return { reminded, escalated };
}

export async function runDeadlineSweep(deps: Deps, now = Date.now()): Promise<SweepResult> {
  const today = todayInChina(new Date(now));
  const horizon = addDays(today, REMIND_DAYS_BEFORE);
  const due = await reportsDueBy(deps.db, OPEN, horizon);
  let reminded = 0;
  let escalated = 0;
  for (const report of due) {
    if (report.dueOn! >= today) {
      if (await notifyOnce(deps, report, 'due_soon', await responsible(deps, report), now)) reminded++;
    } else {
      const recipients = [...(await supervisorsAbove(deps, report)), ...(await responsible(deps, report))];
      if (await notifyOnce(deps, report, 'overdue', recipients, now)) escalated++;
    }
  }
  const assignments = await runAssignmentSweep(deps, now);
  return { reminded: reminded + assignments.reminded, escalated: escalated + assignments.escalated };
}
