import { table, text, integer, index, uniqueIndex, timestamp } from '../db/schema.js';

/** In-app notices (the inbox badge): a reporter replied, a report is overdue, a hastening waits. */
export const notifications = table(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull(),
    reportId: integer('report_id'),
    kind: text('kind').notNull(),
    createdAt: timestamp('created_at').notNull(),
    readAt: timestamp('read_at'),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.readAt)],
);

/**
 * Claims of deadline reminders and escalations, one row per (report, kind, due date, recipient):
 * the sweep claims (claimed_at) before sending, records sent_at after the mail server took the
 * message, and deletes its claim when the send failed, so the next sweep tries again. A claim
 * left without sent_at for long (a process died while sending) may be taken again. At least once;
 * a duplicate only after a crash between sending and recording. recipient_id 0: a row from before
 * claims were per recipient, sent to everyone.
 */
export const sentReminders = table(
  'sent_reminders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id').notNull(),
    kind: text('kind').notNull(),
    dueOn: text('due_on').notNull(),
    recipientId: integer('recipient_id').notNull().default(0),
    claimedAt: timestamp('claimed_at').notNull(),
    sentAt: timestamp('sent_at'),
  },
  (t) => [uniqueIndex('sent_reminders_unique').on(t.reportId, t.kind, t.dueOn, t.recipientId)],
);
