// One reminder or escalation about a report's deadline, to each recipient once (DESIGN.md §3
// "Overdue is escalation"; issue 18 item 7): claimed in sent_reminders per recipient, sent and
// awaited, then recorded (sent_at), noted in the recipient's in-app list and audited, in one
// transaction. A failed send gives its claim back, so the next sweep tries again; a claim left
// unsent for CLAIM_STALE_AFTER_MS (its process died) is taken again. Used by the casework deadline
// sweep and the referral sweep.
import { record } from '../audit/index.js';
import { withTransaction, type Tx } from '../db/transaction.js';
import { claimReminder, markReminderSent, recordNotice, releaseReminder, sentToEveryone, type ReminderKey } from '../notifications/index.js';
import type { OutgoingMail } from '../plugins/mail.js';
import { sendClaimed } from '../shared/claimed-send.js';
import type { Deps } from '../shared/deps.js';
import { noticeChannelsOf, sendStaffNotice, type User } from '../users/index.js';
import { findReport } from './repository.js';

/** Days before a due date when the responsible person is reminded. */
export const REMIND_DAYS_BEFORE = 3;

/**
 * How long a claim without sent_at holds before another sweep may take it: longer than any send
 * can last (nodemailer gives up on a silent server after 10 minutes, its socket timeout).
 */
export const CLAIM_STALE_AFTER_MS = 30 * 60_000;

export interface Reminder {
  reportId: number;
  /** The claim's kind, e.g. due_soon, overdue, referral_forward_overdue; also the in-app notice's kind. */
  kind: string;
  /** The due date the reminder is about: a moved deadline reminds again. */
  dueOn: string;
  /** The audit action of each send, e.g. report.reminded. */
  action: string;
  mail: (user: User) => OutgoingMail;
}

/** Sends `reminder` to each recipient not yet told; true when at least one was sent now. */
export async function remindEach(deps: Deps, reminder: Reminder, recipients: User[], now: number): Promise<boolean> {
  const { reportId, kind, dueOn } = reminder;
  // A reminder recorded before claims were per recipient (recipient 0) went to everyone.
  if (await sentToEveryone(deps.db, reportId, kind, dueOn)) return false;
  let sent = false;
  let caseNo: string | null | undefined;
  const seen = new Set<number>();
  for (const user of recipients) {
    if (seen.has(user.id)) continue;
    seen.add(user.id);
    const key: ReminderKey = { reportId, kind, dueOn, recipientId: user.id };
    const result = await sendClaimed<Tx>({
      claim: () => claimReminder(deps.db, key, now, now - CLAIM_STALE_AFTER_MS),
      send: async () => {
        // By the user's chosen channel (issue 24), through the one sender every staff notice uses:
        // it throws only when nothing reached the user, so the claim is given back and retried.
        if (noticeChannelsOf(user).sms) caseNo ??= (await findReport(deps.db, reportId))?.caseNo ?? null;
        await sendStaffNotice(deps, user, { mail: reminder.mail(user), text: { kind, caseNo } });
      },
      record: async (tx) => {
        await markReminderSent(tx, key, now);
        await recordNotice(tx, { userId: user.id, reportId, kind, createdAt: now });
      },
      audit: (tx) =>
        record(tx, deps.keys['audit-mac'], {
          actor: { type: 'system' },
          action: reminder.action,
          object: { type: 'report', id: reportId },
          detail: { kind, dueOn, recipient: user.id },
        }, now),
      release: () => releaseReminder(deps.db, key, now),
      atomically: (work) => withTransaction(deps.db, async (tx) => work(tx)),
    });
    if (result.outcome === 'sent') sent = true;
  }
  return sent;
}
