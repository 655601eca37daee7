// The deadline sweep: reminds the responsible person before a legal deadline and, once it has
// passed, tells the supervisors of the supervising unit (DESIGN.md §3 "Overdue is escalation").
// Each notice to each person goes through reminders.ts remindEach: claimed in sent_reminders, sent
// and awaited, recorded (sent_at) and audited; a failed send is tried again by the next sweep.
// Running the sweep twice, on two processes or after a restart sends each notice once — at least
// once, a duplicate only after a crash between the send and its record.
import { addDays, todayInChina } from '../../clocks/index.js';
import { reportsDueBy } from './repository/deadlines.js';
import type { Report } from '../repository.js';
import type { Deps } from '../../shared/deps.js';
import { findUnit } from '../../units/index.js';
import { usersWithRole, type User } from '../../users/index.js';
import { REMIND_DAYS_BEFORE, remindEach } from '../reminders.js';
// Who answers for the clock now: one choice with the reporter's reply (notify.ts responsibleFor).
import { responsibleFor as responsible, staffNoticeMail } from './notify.js';

export { CLAIM_STALE_AFTER_MS, REMIND_DAYS_BEFORE } from '../reminders.js';

// The states whose duty has a legal clock (src/clocks/report.ts ruleFor). Not `concluded`: once
// the written answer is sent the 60日 handling duty of 信访工作条例第三十四条 is done (issue 18).
const OPEN = ['received', 'accepted', 'assigned', 'investigating', 'under_review'];

export interface SweepResult {
  /** Reports whose responsible person was reminded by this sweep. */
  reminded: number;
  /** Overdue reports escalated by this sweep. */
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
  return { reminded, escalated };
}
