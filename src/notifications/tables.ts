import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** In-app notices (the inbox badge): a reporter replied, a report is overdue, a hastening waits. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull(),
    reportId: integer('report_id'),
    kind: text('kind').notNull(),
    createdAt: integer('created_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.readAt)],
);

/**
 * Deadline reminders and escalations already sent, one row per (report, kind, due date): the
 * scheduler inserts before sending, so running it twice (or on two processes) sends once.
 */
export const sentReminders = sqliteTable(
  'sent_reminders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id').notNull(),
    kind: text('kind').notNull(),
    dueOn: text('due_on').notNull(),
    sentAt: integer('sent_at').notNull(),
  },
  (t) => [uniqueIndex('sent_reminders_unique').on(t.reportId, t.kind, t.dueOn)],
);
