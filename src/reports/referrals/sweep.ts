// The referral sweep (issue 18 item 6): the discipline body's own deadlines are reminded and
// escalated like civil affairs' (DESIGN.md §3 "Overdue is escalation"):
// - accept or pass on a referral within 5 working days (discipline.forward, arts. 15–16);
// - tell a real-name reporter of the acceptance within 15 working days of receipt, and of the
//   result within 15 working days of concluding (discipline.acceptance_notice / result_notice).
// Before the due date the body's inspectors are reminded; after it, the inspectors of the
// commission above it (units.supervisorId) are told as well. It also retries the reporter's mail
// about a recorded notice while it is unsent (reporter-mail.ts).
import { addDays, todayInChina } from '../../clocks/index.js';
import type { Deps } from '../../shared/deps.js';
import { findUnit } from '../../units/index.js';
import { mailLocaleOf, usersWithRole, type User } from '../../users/index.js';
import { staffNotice } from '../../mail/index.js';
import { REMIND_DAYS_BEFORE, remindEach } from '../reminders.js';
import type { Report } from '../repository.js';
import { noticeDues } from './notices.js';
import { referralsToChase, type ReferralRow } from './repository.js';
import { mailReporterNotice, RETRY_DAYS } from './reporter-mail.js';

export interface ReferralSweepResult {
  reminded: number;
  escalated: number;
  /** Reporter mails about a recorded notice sent by this sweep. */
  reporterMails: number;
}

type Duty = 'referral_forward' | 'discipline_acceptance_notice' | 'discipline_result_notice';

async function inspectorsOf(deps: Deps, unitId: number): Promise<User[]> {
  return usersWithRole(deps.db, unitId, 'inspector');
}

async function inspectorsAbove(deps: Deps, bodyUnitId: number): Promise<User[]> {
  const body = await findUnit(deps.db, bodyUnitId);
  // At the top (the provincial commission) its own inspectors answer for it.
  return inspectorsOf(deps, body?.supervisorId ?? bodyUnitId);
}

/** Reminds or escalates one duty of one referral; which of the two, by today's date. */
async function chase(deps: Deps, referral: ReferralRow, report: Report, duty: Duty, dueOn: string, today: string, now: number): Promise<'reminded' | 'escalated' | null> {
  if (dueOn > addDays(today, REMIND_DAYS_BEFORE)) return null;
  const overdue = dueOn < today;
  const kind = `${duty}_${overdue ? 'overdue' : 'due_soon'}`;
  const link = `${deps.config.baseUrl}/staff/referrals/${referral.id}`;
  const body = await inspectorsOf(deps, referral.bodyUnitId);
  const recipients = overdue ? [...(await inspectorsAbove(deps, referral.bodyUnitId)), ...body] : body;
  const sent = await remindEach(deps, {
    reportId: report.id,
    kind,
    dueOn,
    action: overdue ? 'referral.escalated' : 'referral.reminded',
    mail: (user) => ({ to: user.email, ...staffNotice(mailLocaleOf(deps.config, user), kind, { caseNo: report.caseNo, link, dueOn }) }),
  }, recipients, now);
  return sent ? (overdue ? 'escalated' : 'reminded') : null;
}

export async function runReferralSweep(deps: Deps, now = Date.now()): Promise<ReferralSweepResult> {
  const today = todayInChina(new Date(now));
  const result: ReferralSweepResult = { reminded: 0, escalated: 0, reporterMails: 0 };
  const count = (outcome: 'reminded' | 'escalated' | null) => {
    if (outcome) result[outcome]++;
  };
  for (const { referral, report } of await referralsToChase(deps.db, now - RETRY_DAYS * 86_400_000)) {
    if (referral.status === 'pending') {
      count(await chase(deps, referral, report, 'referral_forward', referral.acceptDue, today, now));
      continue;
    }
    for (const due of await noticeDues(deps, referral, report)) {
      const duty: Duty = due.kind === 'acceptance' ? 'discipline_acceptance_notice' : 'discipline_result_notice';
      if (due.doneAt === null) {
        count(await chase(deps, referral, report, duty, due.deadline.due, today, now));
      } else if (due.doneAt >= now - RETRY_DAYS * 86_400_000) {
        const mailed = await mailReporterNotice(deps, report, due.kind, due.doneAt, now);
        if (mailed?.outcome === 'sent') result.reporterMails++;
      }
    }
  }
  return result;
}
