import { table, text, integer, index, timestamp } from '../../db/schema.js';

/** 转办: a report sent to another department (公安, 住建, 卫健 …) with a due date (issue 5). */
export const transfers = table(
  'transfers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id').notNull(),
    departmentUnitId: integer('department_unit_id').notNull(),
    transferredBy: integer('transferred_by').notNull(),
    transferredAt: timestamp('transferred_at').notNull(),
    note: text('note').notNull(),
    dueOn: text('due_on').notNull(),
    fromStatus: text('from_status').notNull(),
    /** sent | received | concluded | returned */
    status: text('status').notNull(),
    receivedAt: timestamp('received_at'),
    receivedBy: integer('received_by'),
    /** The final outcome (办理结果): it ends the department's part; interim feedback is in transfer_progress. */
    outcomeText: text('outcome_text'),
    outcomeAt: timestamp('outcome_at'),
    /** Who recorded the outcome: a user of the department, or civil-affairs staff on its behalf. */
    outcomeBy: integer('outcome_by'),
    returnedReason: text('returned_reason'),
  },
  (t) => [index('transfers_department_idx').on(t.departmentUnitId, t.status, t.id), index('transfers_report_idx').on(t.reportId)],
);

/**
 * 进展反馈: a department's interim feedback on a transfer it still holds, several before the final
 * outcome (issue 19 item 11). Shown to the handling unit; the department keeps reading its own.
 */
export const transferProgress = table(
  'transfer_progress',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    transferId: integer('transfer_id').notNull(),
    text: text('text').notNull(),
    /** A user of the department, or civil-affairs staff recording it on the department's behalf. */
    recordedBy: integer('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at').notNull(),
  },
  (t) => [index('transfer_progress_transfer_idx').on(t.transferId, t.id)],
);
