// E-mail and in-app notices to staff: what to do and a link, never content or identities; in the
// recipient's own e-mail language (users.locale), else the site default.
import { recordNotice } from '../../notifications/index.js';
import type { OutgoingMail } from '../../plugins/mail.js';
import type { Report } from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import type { Executor } from '../../db/executor.js';
import { findUser, mailLocaleOf, sendStaffNotice, usersWithRole, type User } from '../../users/index.js';
import { staffNotice } from '../../mail/index.js';

/** The e-mail telling `user` that `report` needs them (`kind`: assigned, due_soon, overdue, …). */
export function staffNoticeMail(deps: Deps, user: User, report: Report, kind: string): OutgoingMail {
  const notice = staffNotice(mailLocaleOf(deps.config, user), kind, { caseNo: report.caseNo, link: `${deps.config.baseUrl}/staff/reports/${report.id}` });
  return { to: user.email, ...notice };
}

/** The in-app notice (the inbox badge). */
export async function recordInAppNotice(db: Executor, user: User, report: Report, kind: string, now = Date.now()): Promise<void> {
  await recordNotice(db, { userId: user.id, reportId: report.id, kind, createdAt: now });
}

/**
 * In-app notice, and an e-mail or a text by the user's chosen channel (issue 24, users'
 * sendStaffNotice), not awaited (a lost one is not retried: use the sweep's claims for deadlines).
 */
export async function notifyAssignee(deps: Deps, user: User, report: Report, kind: string, now = Date.now()): Promise<void> {
  await recordInAppNotice(deps.db, user, report, kind, now);
  await sendStaffNotice(deps, user, { mail: staffNoticeMail(deps, user, report, kind), text: { kind, caseNo: report.caseNo } }, { later: true });
}

/**
 * Who answers for a report now: its assignee while enabled, else the intake officers of the
 * handling unit (the reviewing unit while under review), else that unit's leads. One choice for the
 * deadline sweep (scheduler.ts) and for the reporter's reply (reports/tracking.ts), so a report
 * nobody is assigned to still reaches someone (issue 18 item 9).
 */
export async function responsibleFor(deps: Pick<Deps, 'db'>, report: Report): Promise<User[]> {
  if (report.assigneeId) {
    const user = await findUser(deps.db, report.assigneeId);
    if (user && !user.disabled) return [user];
  }
  const unitId = report.status === 'under_review' && report.reviewUnitId ? report.reviewUnitId : report.handlingUnitId;
  const intake = await usersWithRole(deps.db, unitId, 'intake');
  return intake.length ? intake : usersWithRole(deps.db, unitId, 'lead');
}

/** In-app notice and e-mail (as notifyAssignee) to each of those who answer for the report now. */
export async function notifyResponsible(deps: Deps, report: Report, kind: string, now = Date.now()): Promise<void> {
  for (const user of await responsibleFor(deps, report)) await notifyAssignee(deps, user, report, kind, now);
}
