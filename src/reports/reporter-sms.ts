// Text messages to a real-name reporter who gave a mobile number (issue 24), at four moments:
// acceptance (the `accepted` step), a handling deadline extended (`extension`), a written answer
// (`answer`, `review_answer`), and the review window closing (信访工作条例第三十五条、第三十六条:
// REMIND_DAYS_BEFORE days before its last day). Never to an anonymous reporter (no number), never
// the report's content: the case number, what happened, "see your tracking page" (src/sms/locales).
//
// A sweep, not a call in each step: the steps stay as they are, and a text lost to a gateway outage
// or a restart is sent by the next sweep. Each text is claimed once in sent_reminders (recipient
// REPORTER_RECIPIENT, the step's event id or the window's last day as its date) before it is sent
// and recorded after, as the staff reminders are; a failed send gives the claim back.
// The number is unsealed only here, just before the send, and is written nowhere: not in the claim,
// the audit entry or the log (an error names the gateway's status, not the number).
import { record } from '../audit/index.js';
import { withTransaction, type Tx } from '../db/transaction.js';
import { claimReminder, markReminderSent, releaseReminder, type ReminderKey } from '../notifications/index.js';
import { sendClaimed } from '../shared/claimed-send.js';
import { unsealJson } from '../shared/crypto.js';
import type { Deps } from '../shared/deps.js';
import { smsSenderFor, smsText, SmsError, type SmsKind, type SmsSender } from '../sms/index.js';
import { toCstDate } from '../clocks/index.js';
import { CLAIM_STALE_AFTER_MS, REMIND_DAYS_BEFORE } from './reminders.js';
import * as repo from './repository.js';
import { answeredRealNameReports, textableSteps } from './reporter-sms-repository.js';
import { reviewWindow } from './tracking.js';
import type { Identity } from './validate.js';

/** The claim's recipient for "the reporter" (staff claims carry a user id, legacy ones 0). */
export const REPORTER_RECIPIENT = -1;

/** Steps older than this are not texted any more (news a week late confuses more than it helps). */
const STEP_LOOKBACK_MS = 7 * 86_400_000;
/** How far back an answer may lie for its review window to be still open (the reporter may open it late). */
const ANSWER_LOOKBACK_MS = 400 * 86_400_000;

const STEP_KINDS: Record<string, SmsKind> = { accepted: 'accepted', extension: 'extended', answer: 'answered', review_answer: 'answered' };

export interface ReporterSmsResult {
  sent: number;
  failed: number;
}

interface Text {
  report: repo.Report;
  kind: SmsKind;
  /** The claim's date field: the step's event or the window's last day. */
  dueOn: string;
}

/** The reporter's sealed mobile number and language, or null (none given, identity erased). */
function mobileOf(deps: Pick<Deps, 'keys'>, report: repo.Report): { to: string; locale: Identity['smsLocale'] } | null {
  if (!report.realName || !report.identitySealed) return null;
  const identity = unsealJson<Identity>(deps.keys.identity, report.identitySealed, `report:${report.id}`);
  return identity.mobile ? { to: identity.mobile, locale: identity.smsLocale } : null;
}

async function textOnce(deps: Deps, sender: SmsSender, text: Text, now: number): Promise<'sent' | 'failed' | 'skipped'> {
  const number = mobileOf(deps, text.report);
  if (!number) return 'skipped';
  const key: ReminderKey = { reportId: text.report.id, kind: `sms_${text.kind}`, dueOn: text.dueOn, recipientId: REPORTER_RECIPIENT };
  const audit = (db: Tx, action: string) => record(db, deps.keys['audit-mac'], { actor: { type: 'system' }, action, object: { type: 'report', id: text.report.id }, detail: { kind: text.kind } }, now);
  let error: unknown = null;
  const result = await sendClaimed<Tx>({
    claim: () => claimReminder(deps.db, key, now, now - CLAIM_STALE_AFTER_MS),
    send: async () => {
      try {
        await sender.send({ to: number.to, text: smsText(number.locale ?? deps.config.defaultLocale, text.kind, text.report.caseNo, new URL(deps.config.baseUrl).host) });
      } catch (err) {
        error = err;
        throw err;
      }
    },
    record: (tx) => markReminderSent(tx, key, now),
    audit: (tx) => audit(tx, 'report.reporter_texted'),
    release: async () => {
      // A gateway that refused the message for good (a 4xx) would refuse it again: it is closed as
      // done and audited as refused; any other failure gives the claim back for the next sweep.
      if (!(error instanceof SmsError && error.permanent)) return releaseReminder(deps.db, key, now);
      await withTransaction(deps.db, async (tx) => {
        await markReminderSent(tx, key, now);
        await audit(tx, 'report.reporter_text_refused');
      });
    },
    atomically: (work) => withTransaction(deps.db, async (tx) => work(tx)),
  });
  return result.outcome;
}

/** The texts due now: recent steps, and review windows within REMIND_DAYS_BEFORE days of their last day. */
async function dueTexts(deps: Deps, now: number): Promise<Text[]> {
  const texts: Text[] = [];
  const reports = new Map<number, repo.Report | undefined>();
  const reportOf = async (id: number) => {
    if (!reports.has(id)) reports.set(id, await repo.findReport(deps.db, id));
    return reports.get(id);
  };
  for (const step of await textableSteps(deps.db, Object.keys(STEP_KINDS), now - STEP_LOOKBACK_MS)) {
    const report = await reportOf(step.reportId);
    if (report) texts.push({ report, kind: STEP_KINDS[step.type]!, dueOn: `event:${step.eventId}` });
  }
  const today = toCstDate(new Date(now));
  const horizon = toCstDate(new Date(now + REMIND_DAYS_BEFORE * 86_400_000));
  for (const id of await answeredRealNameReports(deps.db, now - ANSWER_LOOKBACK_MS)) {
    const report = await reportOf(id);
    if (!report) continue;
    const window = await reviewWindow(deps, report, now);
    if (window?.kind === 'open' && window.due >= today && window.due <= horizon) texts.push({ report, kind: 'review_due', dueOn: window.due });
  }
  return texts;
}

/** One sweep of the reporter texts; `sender` defaults to the configured gateway (or the outbox). */
export async function runReporterSmsSweep(deps: Deps, now = Date.now(), sender: SmsSender = smsSenderFor(deps.config)): Promise<ReporterSmsResult> {
  const result: ReporterSmsResult = { sent: 0, failed: 0 };
  for (const text of await dueTexts(deps, now)) {
    const outcome = await textOnce(deps, sender, text, now);
    if (outcome === 'sent') result.sent++;
    if (outcome === 'failed') result.failed++;
  }
  return result;
}
