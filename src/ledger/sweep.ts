// The ledger's deadline sweep (issue 18 item 8): an item not signed off is chased like a report's
// legal deadline (DESIGN.md §3 "Overdue is escalation"). Within REMIND_DAYS_BEFORE of its deadline
// the responsible unit is reminded; once the deadline has passed, the supervisors of the unit
// above are told, and the responsible unit again. The same protocol as casework's deadline sweep
// (src/reports/casework/scheduler.ts, src/shared/claimed-send.ts): each notice to each person is
// claimed in sent_reminders, sent by e-mail or text as that person chose (users' sendStaffNotice)
// and awaited, then recorded (sent_at) and audited in one transaction; a failed send gives its
// claim back for the next sweep, and a claim left unsent for CLAIM_STALE_AFTER_MS (its process died)
// is taken again. At least once, a duplicate only after a crash between the send and its record.
import { record } from '../audit/index.js';
import { addDays, todayInChina } from '../clocks/index.js';
import { withTransaction, type Tx } from '../db/transaction.js';
import { staffNotice } from '../mail/index.js';
import { claimReminder, markReminderSent, releaseReminder, sentToEveryone, type ReminderKey } from '../notifications/index.js';
import type { OutgoingMail } from '../plugins/mail.js';
import { sendClaimed } from '../shared/claimed-send.js';
import type { Deps } from '../shared/deps.js';
import { findUnit } from '../units/index.js';
import { mailLocaleOf, sendStaffNotice, usersWithRole, type User } from '../users/index.js';
import { itemsDueBy, type Item } from './repository.js';
import { CLAIM_STALE_AFTER_MS, REMIND_DAYS_BEFORE } from '../reports/index.js';

// The reminder horizon and the stale-claim age are the reports sweeps' own (src/reports/reminders.ts):
// both sweeps share the sent_reminders table, so one value each, not a copy kept equal by a comment.

/** How much of the problem a mail quotes: enough to recognise the item (as the staff page's title), not the whole text. */
const PROBLEM_CHARS = 30;

export interface LedgerSweepResult {
  /** Items whose responsible unit was reminded by this sweep. */
  reminded: number;
  /** Overdue items escalated by this sweep. */
  escalated: number;
}

type Kind = 'ledger_due_soon' | 'ledger_overdue';

function shortProblem(problem: string): string {
  const flat = problem.replace(/\s+/g, ' ').trim();
  return flat.length > PROBLEM_CHARS ? `${flat.slice(0, PROBLEM_CHARS)}…` : flat;
}

/**
 * The staff notice about an item, in the recipient's mail language. Unlike a report's notice it
 * quotes the problem: the problem text is published on the public ledger anyway (public-view.ts).
 */
function ledgerMail(deps: Deps, user: User, item: Item, kind: Kind): OutgoingMail {
  const notice = staffNotice(mailLocaleOf(deps.config, user), kind, {
    link: `${deps.config.baseUrl}/staff/ledger/${item.id}`,
    itemId: item.id,
    problem: shortProblem(item.problem),
    deadline: item.deadline,
  });
  return { to: user.email, ...notice };
}

/**
 * Who answers for the item: the responsible unit's leads, else its intake officers, else its
 * handlers — a township government (the responsible unit of many items) often has only handlers
 * (the 民政助理 who reports progress), and an item nobody is told about is not chased.
 */
async function responsible(deps: Deps, item: Item): Promise<User[]> {
  for (const role of ['lead', 'intake', 'handler']) {
    const users = await usersWithRole(deps.db, item.unitId, role);
    if (users.length > 0) return users;
  }
  return [];
}

/** The supervisors of the unit above the responsible one; at the top (the department), its own. */
async function supervisorsAbove(deps: Deps, item: Item): Promise<User[]> {
  const unit = await findUnit(deps.db, item.unitId);
  if (!unit) return [];
  return usersWithRole(deps.db, unit.supervisorId ?? unit.id, 'supervisor');
}

/** Sends one notice to each recipient not yet told of this deadline; true when at least one was sent now. */
async function notifyOnce(deps: Deps, item: Item, kind: Kind, recipients: User[], now: number): Promise<boolean> {
  // sent_reminders is keyed (report_id, kind, due_on, recipient_id) and shared with casework's
  // sweep: for the ledger's kinds (ledger_due_soon, ledger_overdue) report_id holds the ledger
  // item's id, not a report's. The kind keeps the two apart; due_on is the item's deadline, so a
  // changed deadline (a reopening with a new one) reminds again.
  const dueOn = item.deadline;
  if (await sentToEveryone(deps.db, item.id, kind, dueOn)) return false;
  let sent = false;
  const seen = new Set<number>();
  for (const user of recipients) {
    if (seen.has(user.id)) continue;
    seen.add(user.id);
    const key: ReminderKey = { reportId: item.id, kind, dueOn, recipientId: user.id };
    const result = await sendClaimed<Tx>({
      claim: () => claimReminder(deps.db, key, now, now - CLAIM_STALE_AFTER_MS),
      // By the user's chosen channel (issue 24). Throws only when nothing reached the user, so the
      // claim is given back without a double send; a text that fails beside a sent e-mail is not retried.
      send: async () => void (await sendStaffNotice(deps, user, { mail: ledgerMail(deps, user, item, kind), text: { kind, vars: { itemId: item.id } } })),
      record: (tx) => markReminderSent(tx, key, now),
      audit: (tx) =>
        record(
          tx,
          deps.keys['audit-mac'],
          {
            actor: { type: 'system' },
            action: kind === 'ledger_overdue' ? 'ledger.escalated' : 'ledger.reminded',
            object: { type: 'ledger_item', id: item.id },
            detail: { kind, dueOn, recipient: user.id },
          },
          now,
        ),
      release: () => releaseReminder(deps.db, key, now),
      atomically: (work) => withTransaction(deps.db, async (tx) => work(tx)),
    });
    if (result.outcome === 'sent') sent = true;
  }
  return sent;
}

/**
 * Reminds the responsible units of items due within REMIND_DAYS_BEFORE days and escalates overdue
 * ones (deadline before today, China time; the deadline day itself is on time, as catalog's
 * isOverdue says). Signed-off items are not chased. Safe to run at any time and on many nodes.
 */
export async function runLedgerSweep(deps: Deps, now = Date.now()): Promise<LedgerSweepResult> {
  const today = todayInChina(new Date(now));
  const horizon = addDays(today, REMIND_DAYS_BEFORE);
  let reminded = 0;
  let escalated = 0;
  for (const item of await itemsDueBy(deps.db, horizon)) {
    if (item.deadline >= today) {
      if (await notifyOnce(deps, item, 'ledger_due_soon', await responsible(deps, item), now)) reminded++;
    } else {
      const recipients = [...(await supervisorsAbove(deps, item)), ...(await responsible(deps, item))];
      if (await notifyOnce(deps, item, 'ledger_overdue', recipients, now)) escalated++;
    }
  }
  return { reminded, escalated };
}
