// The deadline sweep: reminds the responsible person before a legal deadline and, once it has
// passed, tells the supervisors of the supervising unit (DESIGN.md §3 "Overdue is escalation").
// Each notice is claimed in sent_reminders before it is sent, so running the sweep twice — or on
// two processes, or again after a restart — sends it once.
import { and, inArray, isNotNull, lte } from 'drizzle-orm';
import { addDays, todayInChina } from '../clocks/index.js';
import { sentReminders } from '../notifications/tables.js';
import { reports } from '../reports/tables.js';
import type { Report } from '../reports/repository.js';
import type { Deps } from '../shared/deps.js';
import { findUnit } from '../units/index.js';
import { findUser, usersWithRole, type User } from '../users/index.js';
import { notifyAssignee } from './notify.js';

// The states whose duty has a legal clock (src/clocks/report.ts ruleFor). Not `concluded`: once
// the written answer is sent the 60日 handling duty of 信访工作条例第三十四条 is done (issue 18).
const OPEN = ['received', 'accepted', 'assigned', 'investigating', 'under_review'];
export const REMIND_DAYS_BEFORE = 3;

function claim(deps: Deps, reportId: number, kind: string, dueOn: string, now: number): boolean {
  const result = deps.db.insert(sentReminders).values({ reportId, kind, dueOn, sentAt: now }).onConflictDoNothing().run();
  return result.changes === 1;
}

/** Who answers for the clock now: the assignee, else the intake officers of the handling (or reviewing) unit. */
async function responsible(deps: Deps, report: Report): Promise<User[]> {
  if (report.assigneeId) {
    const user = findUser(deps.db, report.assigneeId);
    if (user && !user.disabled) return [user];
  }
  const unitId = report.status === 'under_review' && report.reviewUnitId ? report.reviewUnitId : report.handlingUnitId;
  const intake = usersWithRole(deps.db, unitId, 'intake');
  return intake.length ? intake : usersWithRole(deps.db, unitId, 'lead');
}

async function supervisorsAbove(deps: Deps, report: Report): Promise<User[]> {
  const unit = await findUnit(deps.db, report.status === 'under_review' && report.reviewUnitId ? report.reviewUnitId : report.handlingUnitId);
  if (!unit) return [];
  // At the top (the department), its own supervisors answer for it.
  return usersWithRole(deps.db, unit.supervisorId ?? unit.id, 'supervisor');
}

export async function runDeadlineSweep(deps: Deps, now = Date.now()): Promise<{ reminded: number; escalated: number }> {
  const today = todayInChina(new Date(now));
  const horizon = addDays(today, REMIND_DAYS_BEFORE);
  const due = deps.db
    .select()
    .from(reports)
    .where(and(inArray(reports.status, OPEN), isNotNull(reports.dueOn), lte(reports.dueOn, horizon)))
    .all();
  let reminded = 0;
  let escalated = 0;
  for (const report of due) {
    const dueOn = report.dueOn!;
    if (dueOn >= today) {
      if (!claim(deps, report.id, 'due_soon', dueOn, now)) continue;
      for (const user of await responsible(deps, report)) notifyAssignee(deps, user, report, 'due_soon', now);
      reminded++;
    } else {
      if (!claim(deps, report.id, 'overdue', dueOn, now)) continue;
      for (const user of await supervisorsAbove(deps, report)) notifyAssignee(deps, user, report, 'overdue', now);
      for (const user of await responsible(deps, report)) notifyAssignee(deps, user, report, 'overdue', now);
      escalated++;
    }
  }
  return { reminded, escalated };
}
