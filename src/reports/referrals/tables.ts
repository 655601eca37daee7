import { table, text, integer, index, timestamp } from '../../db/schema.js';

/** 移送: the misconduct part of a report sent to a discipline-inspection body (DESIGN.md §2–3, issue 5). */
export const referrals = table(
  'referrals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id').notNull(),
    bodyUnitId: integer('body_unit_id').notNull(),
    referredBy: integer('referred_by').notNull(),
    referredAt: timestamp('referred_at').notNull(),
    /** The handler's findings so far and opinion. */
    opinion: text('opinion').notNull(),
    /** pending | accepted | returned | concluded */
    status: text('status').notNull(),
    /** The report's state before the referral, to go back to on return. */
    fromStatus: text('from_status').notNull(),
    /** Accept or pass on within 5 working days (纪检监察机关处理检举控告工作规则 arts. 15–16). */
    acceptDue: text('accept_due').notNull(),
    acceptedAt: timestamp('accepted_at'),
    acceptedBy: integer('accepted_by'),
    returnedReason: text('returned_reason'),
    /** 谈话函询 | 初步核实 | 暂存待查 | 予以了结 | 移送审查调查 */
    disposition: text('disposition'),
    dispositionAt: timestamp('disposition_at'),
    /**
     * The result columns of a referral concluded before results became rows of their own (issue 19
     * item 11): the migration copied each into referral_results. Since then they hold, on 办结, the
     * leading result (the first kind in RESULT_KINDS order) for readers that take one sanction (a
     * typical case's prefill); every result is in referral_results.
     * party | administrative | organisational | judicial | none
     */
    resultKind: text('result_kind'),
    /** The sanction within the kind, e.g. 警告, 记过. */
    resultDetail: text('result_detail'),
    resultText: text('result_text'),
    resultOn: text('result_on'),
    concludedAt: timestamp('concluded_at'),
    /**
     * When the body told a real-name reporter that it accepted the matter (受理告知, within 15
     * working days of receipt) and of its result (结果告知, within 15 working days of concluding):
     * the body's own acts, recorded by its inspector (纪检监察机关处理检举控告工作规则 第四章).
     */
    acceptanceNoticeAt: timestamp('acceptance_notice_at'),
    resultNoticeAt: timestamp('result_notice_at'),
    /** The words the body chose to tell the reporter, shown on the tracking page only. */
    resultNoticeText: text('result_notice_text'),
  },
  (t) => [index('referrals_body_idx').on(t.bodyUnitId, t.status, t.id), index('referrals_report_idx').on(t.reportId)],
);

/**
 * 处理结果: what the body decided about the people concerned, one row each (issue 19 item 11). One
 * referral may end in several — a party sanction and an administrative sanction (党纪 and 政务处分
 * for the same person), an organisational handling, a transfer to the judiciary — so they are rows,
 * owned by the referral, and the referral concludes (办结) by a step of its own after at least one.
 */
export const referralResults = table(
  'referral_results',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    referralId: integer('referral_id').notNull(),
    /** party | administrative | organisational | judicial | none (RESULT_KINDS in service.ts) */
    kind: text('kind').notNull(),
    /** The sanction within the kind, e.g. warning, demerit. */
    detail: text('detail').notNull(),
    text: text('text').notNull(),
    /** The date of the decision (YYYY-MM-DD, China time): not before the body accepted the referral, not after the day it was recorded. */
    decidedOn: text('decided_on').notNull(),
    recordedBy: integer('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at').notNull(),
  },
  (t) => [index('referral_results_referral_idx').on(t.referralId, t.id)],
);
