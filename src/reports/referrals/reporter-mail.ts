// The e-mail that tells a real-name reporter the discipline body left a notice on the tracking page.
// It carries the case number and the way to the tracking page only: the outcome stays behind the
// query code (mail crosses systems the portal does not control). Sent at least once through a claim
// (src/shared/claimed-send.ts): right after the inspector records the notice, and again by the
// referral sweep while it is unsent, for RETRY_DAYS.
import { record } from '../../audit/index.js';
import { todayInChina } from '../../clocks/index.js';
import { withTransaction, type Tx } from '../../db/transaction.js';
import { staffNotice } from '../../mail/index.js';
import { claimReminder, markReminderSent, releaseReminder, type ReminderKey } from '../../notifications/index.js';
import { unsealJson } from '../../shared/crypto.js';
import { sendClaimed, type ClaimedSendOutcome } from '../../shared/claimed-send.js';
import type { Deps } from '../../shared/deps.js';
import { CLAIM_STALE_AFTER_MS } from '../reminders.js';
import type { Report } from '../repository.js';
import type { Identity } from '../validate.js';
import type { NoticeKind } from './notices.js';

/** After this many days an unsent notice mail is no longer tried: the reporter reads it on the page. */
export const RETRY_DAYS = 7;

function reporterAddress(deps: Pick<Deps, 'keys'>, report: Report): string | null {
  if (!report.realName || !report.identitySealed || report.identityErasedAt !== null) return null;
  const email = unsealJson<Identity>(deps.keys.identity, report.identitySealed, `report:${report.id}`).email.trim();
  return email.includes('@') ? email : null;
}

/**
 * Sends the mail about the notice recorded at `noticeAt`, unless it went already. Claims are kept in
 * sent_reminders under the kind `reporter_<kind>_notice` and the notice's day (recipient 0: the
 * reporter is no user). Never throws for a failed send: the claim is given back for the next sweep.
 */
export async function mailReporterNotice(deps: Deps, report: Report, kind: NoticeKind, noticeAt: number, now = Date.now()): Promise<ClaimedSendOutcome | null> {
  const to = reporterAddress(deps, report);
  if (!to) return null;
  const key: ReminderKey = { reportId: report.id, kind: `reporter_${kind}_notice`, dueOn: todayInChina(new Date(noticeAt)), recipientId: 0 };
  const link = `${deps.config.baseUrl}/track`;
  return sendClaimed<Tx>({
    claim: () => claimReminder(deps.db, key, now, now - CLAIM_STALE_AFTER_MS),
    send: () => deps.mailer.send({ to, ...staffNotice(deps.config.defaultLocale, 'reporter_discipline_notice', { caseNo: report.caseNo, link }) }),
    record: (tx) => markReminderSent(tx, key, now),
    audit: (tx) =>
      record(tx, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'report.reporter_mailed', object: { type: 'report', id: report.id }, detail: { kind: key.kind } }, now),
    release: () => releaseReminder(deps.db, key, now),
    atomically: (work) => withTransaction(deps.db, async (tx) => work(tx)),
  });
}
