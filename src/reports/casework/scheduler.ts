// The deadline sweep: reminds the responsible person before a legal deadline and, once it has
// passed, tells the supervisors of the supervising unit (DESIGN.md §3 "Overdue is escalation").
// Each notice to each person is claimed in sent_reminders, sent and awaited, then recorded (sent_at)
// and audited (src/shared/claimed-send.ts). A failed send gives its claim back and the next sweep
// tries again; a claim left unsent for CLAIM_STALE_AFTER_MS (its process died) is taken again.
// Running the sweep twice, on two processes or after a restart sends each notice once — at least
// once, a duplicate only after a crash between the send and its record.
import { addDays, todayInChina } from '../../clocks/index.js';
import { record } from '../../audit/index.js';
import { claimReminder, markReminderSent, releaseReminder, sentToEveryone, type ReminderKey } from '../../notifications/index.js';
import { reportsDueBy } from './repository/deadlines.js';
import type { Report } from '../repository.js';
import { sendClaimed } from '../../shared/claimed-send.js';
import type { Deps } from '../../shared/deps.js';
import { withTransaction, type Tx } from '../../db/transaction.js';
import { findUnit } from '../../units/index.js';
import { usersWithRole, type User } from '../../users/index.js';
// Who answers for the clock now: one choice with the reporter's reply (notify.ts responsibleFor).
import { recordInAppNotice, responsibleFor as responsible, staffNoticeMail } from './notify.js';

// The states whose duty has a legal clock (src/clocks/report.ts ruleFor). Not `concluded`: once
// the written answer is sent the 60日 handling duty of 信访工作条例第三十四条 is done (issue 18).
const OPEN = ['received', 'accepted', 'assigned', 'investigating', 'under_review'];
export const REMIND_DAYS_BEFORE = 3;

/**
 * How long a claim without sent_at holds before another sweep may take it: longer than any send
 * can last (nodemailer gives up on a silent server after 10 minutes, its socket timeout).
 */
export const CLAIM_STALE_AFTER_MS = 30 * 60_000;

export interface SweepResult {
  /** Reports whose responsible person was reminded by this sweep. */
  reminded: number;
  /** Overdue reports escalated by this sweep. */
  escalated: number;
}

type Kind = 'due_soon' | 'overdue';

/** Sends one notice to each recipient not yet told; true when at least one was sent now. */
async function notifyOnce(deps: Deps, report: Report, kind: Kind, recipients: User[], now: number): Promise<boolean> {
  const dueOn = report.dueOn!;
  if (await sentToEveryone(deps.db, report.id, kind, dueOn)) return false;
  let sent = false;
  const seen = new Set<number>();
  for (const user of recipients) {
    if (seen.has(user.id)) continue;
    seen.add(user.id);
    const key: ReminderKey = { reportId: report.id, kind, dueOn, recipientId: user.id };
    const result = await sendClaimed<Tx>({
      claim: () => claimReminder(deps.db, key, now, now - CLAIM_STALE_AFTER_MS),
      send: () => deps.mailer.send(staffNoticeMail(deps, user, report, kind)),
      record: async (tx) => {
        await markReminderSent(tx, key, now);
        await recordInAppNotice(tx, user, report, kind, now);
      },
      audit: (tx) =>
        record(tx, deps.keys['audit-mac'], {
          actor: { type: 'system' },
          action: kind === 'overdue' ? 'report.escalated' : 'report.reminded',
          object: { type: 'report', id: report.id },
          detail: { kind, dueOn, recipient: user.id },
        }, now),
      release: () => releaseReminder(deps.db, key, now),
      atomically: (work) => withTransaction(deps.db, async (tx) => work(tx)),
    });
    if (result.outcome === 'sent') sent = true;
  }
  return sent;
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
