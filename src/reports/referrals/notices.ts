// The discipline body's notices to a real-name reporter (纪检监察机关处理检举控告工作规则 第四章,
// issue 18 item 6): it tells the reporter that it accepted the matter within 15 working days of
// receiving it, and of its result within 15 working days of concluding. Both are the body's own
// acts under its confidentiality rules, so the portal does not send them by itself: the inspector
// records each (with, for the result, the words the body chose to tell), the reporter reads them on
// the tracking page, and an e-mail to a reporter who gave an address says only that there is news
// (case number and the tracking page), never the outcome. An anonymous reporter is owed neither.
import { loadCalendar } from '../../calendar/index.js';
import { dueFrom, type Deadline } from '../../clocks/index.js';
import type { StaffContext } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { applyStep, TransitionError } from '../casework/workflow.js';
import * as repo from '../repository.js';
import { updateReferral, type ReferralRow } from './repository.js';
import { mailReporterNotice } from './reporter-mail.js';

export type NoticeKind = 'acceptance' | 'result';

export interface NoticeDue {
  kind: NoticeKind;
  /** The last day on which the notice is in time, and whether a year without a holiday calendar decided it. */
  deadline: Deadline;
  /** When the inspector recorded it; null while it is owed. */
  doneAt: number | null;
}

/** Whether this report's reporter is owed the body's notices: named, and the name not erased since. */
export function owedNotices(report: Pick<repo.Report, 'realName' | 'identitySealed' | 'identityErasedAt'>): boolean {
  return report.realName && report.identitySealed !== null && report.identityErasedAt === null;
}

/**
 * The notices a referral owes, with their legal dates: the acceptance notice from the day the body
 * received the referral (a forward keeps the original date, like the 5-working-day clock), the
 * result notice from the day it concluded. None for an anonymous reporter, a returned or recalled
 * referral, or before the body concluded (result).
 */
export async function noticeDues(deps: Pick<Deps, 'db'>, referral: ReferralRow, report: repo.Report): Promise<NoticeDue[]> {
  if (!owedNotices(report) || !['accepted', 'concluded'].includes(referral.status)) return [];
  const calendar = await loadCalendar(deps.db);
  const dues: NoticeDue[] = [{ kind: 'acceptance', deadline: dueFrom(calendar, 'discipline.acceptance_notice', referral.referredAt), doneAt: referral.acceptanceNoticeAt }];
  if (referral.status === 'concluded' && referral.concludedAt !== null) {
    dues.push({ kind: 'result', deadline: dueFrom(calendar, 'discipline.result_notice', referral.concludedAt), doneAt: referral.resultNoticeAt });
  }
  return dues;
}

function requireInspector(staff: StaffContext) {
  if (staff.unit.kind !== 'discipline' || !staff.has('inspector')) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
}

async function reportOf(deps: Deps, referral: ReferralRow): Promise<repo.Report> {
  const report = await repo.findReport(deps.db, referral.reportId);
  if (!report) throw new AppError(404, 'NOT_FOUND', 'errors.not_found');
  if (!owedNotices(report)) throw new TransitionError('notice_not_owed');
  return report;
}

/** 受理告知: the body tells the reporter it accepted the matter. */
export async function recordAcceptanceNotice(deps: Deps, staff: StaffContext, referral: ReferralRow, now = Date.now()): Promise<void> {
  requireInspector(staff);
  if (referral.status !== 'accepted' && referral.status !== 'concluded') throw new TransitionError('wrong_state');
  if (referral.acceptanceNoticeAt !== null) throw new TransitionError('notice_already_given');
  const report = await reportOf(deps, referral);
  await applyStep(deps, staff, report, {}, [{ type: 'discipline_acceptance_notice', visible: true }], now, async (tx) => {
    await updateReferral(tx, referral.id, { acceptanceNoticeAt: now });
  });
  await mailReporterNotice(deps, report, 'acceptance', now);
}

export const RESULT_NOTICE_MIN = 5;
export const RESULT_NOTICE_MAX = 2000;

/** 结果告知: the body tells the reporter its result, in the words it chooses. */
export async function recordResultNotice(deps: Deps, staff: StaffContext, referral: ReferralRow, text: string, now = Date.now()): Promise<void> {
  requireInspector(staff);
  if (referral.status !== 'concluded') throw new TransitionError('wrong_state');
  if (referral.resultNoticeAt !== null) throw new TransitionError('notice_already_given');
  const words = text.trim();
  if (words.length < RESULT_NOTICE_MIN) throw new TransitionError('notice_text_required');
  if (words.length > RESULT_NOTICE_MAX) throw new TransitionError('notice_text_too_long');
  const report = await reportOf(deps, referral);
  await applyStep(deps, staff, report, {}, [{ type: 'discipline_result_notice', visible: true, body: words }], now, async (tx) => {
    await updateReferral(tx, referral.id, { resultNoticeAt: now, resultNoticeText: words });
  });
  await mailReporterNotice(deps, report, 'result', now);
}
