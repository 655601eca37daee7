import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/** 转办: a report sent to another department (公安, 住建, 卫健 …) with a due date (issue 5). */
export const transfers = sqliteTable(
  'transfers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id').notNull(),
    departmentUnitId: integer('department_unit_id').notNull(),
    transferredBy: integer('transferred_by').notNull(),
    transferredAt: integer('transferred_at').notNull(),
    note: text('note').notNull(),
    dueOn: text('due_on').notNull(),
    fromStatus: text('from_status').notNull(),
    /** sent | received | concluded | returned */
    status: text('status').notNull(),
    receivedAt: integer('received_at'),
    receivedBy: integer('received_by'),
    outcomeText: text('outcome_text'),
    outcomeAt: integer('outcome_at'),
    /** Who recorded the outcome: a user of the department, or civil-affairs staff on its behalf. */
    outcomeBy: integer('outcome_by'),
    returnedReason: text('returned_reason'),
  },
  (t) => [index('transfers_department_idx').on(t.departmentUnitId, t.status, t.id), index('transfers_report_idx').on(t.reportId)],
);
