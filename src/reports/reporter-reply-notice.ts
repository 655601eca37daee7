// The staff's notice that a reporter replied or added files: at most one per report and person in
// any NOTICE_PERIOD_MS. Each of a reporter's messages used to notify (in-app, and an e-mail or a
// paid text by the person's choice): whoever held one query code could flood the assignee. Later
// follow-ups in the period are still recorded and shown on the report's page; the one notice asks
// the staff to look at the report ("举报人回复或补充了材料，请查看"), where they find all of them.
//
// Claimed before it is sent, in notifications' sent_reminders (the deadline reminders' claims,
// shared/claimed-send.ts), so two app nodes taking two messages at once do not both notify. Each
// claim's key names the claim before it (`after:<its claimed_at>`): two nodes that read the same
// last notice try the same key and only one takes it, whatever the clock says, and the next period
// starts from the notice actually sent. Per person, as the deadline reminders are: a new assignee
// hears of the next reply even if the one before was told just now.
import { claimReminder, markReminderSent, releaseReminder, reminderClaimsOf, type ReminderKey } from '../notifications/index.js';
import { sendClaimed } from '../shared/claimed-send.js';
import type { Deps } from '../shared/deps.js';
import { notifyAssignee, responsibleFor } from './casework/notify.js';
import { CLAIM_STALE_AFTER_MS } from './reminders.js';
import type { Report } from './repository.js';

/** The notice's kind: of the claim, the in-app notice and the e-mail or text (mail's `reporter_replied`). */
export const REPLY_NOTICE_KIND = 'reporter_replied';
/**
 * One hour: a reporter's follow-up reaches the staff the same hour, and a flood costs them one
 * notice an hour (with the message limit, reporter-message-limit.ts, a few a day at most).
 */
export const NOTICE_PERIOD_MS = 3600_000;

/**
 * Tells those who answer for `report` now (casework's responsibleFor: the assignee, else intake,
 * else leads) that the reporter replied, each unless told within NOTICE_PERIOD_MS. Returns how many
 * were told now. The e-mail or text is not awaited (as before: the reporter's page does not wait on
 * a mail server); the claim is given back only when the in-app notice could not be recorded.
 */
export async function noticeReporterReply(deps: Deps, report: Report, now = Date.now()): Promise<number> {
  const claims = (await reminderClaimsOf(deps.db, report.id)).filter((c) => c.kind === REPLY_NOTICE_KIND);
  let told = 0;
  for (const user of await responsibleFor(deps, report)) {
    const last = claims.filter((c) => c.recipientId === user.id).reduce<number | null>((latest, c) => (latest === null || c.claimedAt > latest ? c.claimedAt : latest), null);
    if (last !== null && now - last < NOTICE_PERIOD_MS) continue;
    const key: ReminderKey = { reportId: report.id, kind: REPLY_NOTICE_KIND, dueOn: `after:${last ?? 0}`, recipientId: user.id };
    const result = await sendClaimed({
      claim: () => claimReminder(deps.db, key, now, now - CLAIM_STALE_AFTER_MS),
      send: () => notifyAssignee(deps, user, report, REPLY_NOTICE_KIND, now),
      record: () => markReminderSent(deps.db, key, now),
      // The reporter's message or files are audited where they are recorded; a notice of them is not an act.
      audit: () => undefined,
      release: () => releaseReminder(deps.db, key, now),
    });
    if (result.outcome === 'sent') told++;
    else if (result.outcome === 'failed') throw result.error;
  }
  return told;
}
