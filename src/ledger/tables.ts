import { table, text, integer, index, timestamp } from '../db/schema.js';

/** An item of the problem list and rectification ledger (问题清单和整改台账): one problem, its measures, responsible person and deadline, closed item by item. */
export const rectificationItems = table(
  'rectification_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id'),
    /** 专项治理 | 巡视 | 考核 | 举报 | 明查暗访 */
    source: text('source').notNull(),
    regionCode: text('region_code').notNull(),
    problem: text('problem').notNull(),
    measures: text('measures').notNull(),
    unitId: integer('unit_id').notNull(),
    responsiblePerson: text('responsible_person').notNull(),
    deadline: text('deadline').notNull(),
    /** not_started | in_progress | awaiting_signoff | signed_off */
    status: text('status').notNull(),
    progress: text('progress'),
    signedOffBy: integer('signed_off_by'),
    signedOffAt: timestamp('signed_off_at'),
    /**
     * The last reopening (a sign-off found wrong, e.g. 虚假整改 at a spot check): when, by whom, why.
     * A reopening clears signed_off_by/at; these and the audit log keep the history. Null until reopened.
     */
    reopenedAt: timestamp('reopened_at'),
    reopenedBy: integer('reopened_by'),
    reopenReason: text('reopen_reason'),
    /** How many times the item was reopened after a sign-off (shown on the public ledger). */
    reopenCount: integer('reopen_count').notNull().default(0),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('rectification_report_idx').on(t.reportId), index('rectification_region_idx').on(t.regionCode, t.status)],
);
