// In-app notices (notifications) and the claims of deadline reminders (sent_reminders): claims are
// taken before a send, marked sent after it, given back when it failed. See tables.ts for the
// guarantee. Async, taking the database or a transaction (src/db/transaction.ts).
import { and, count, desc, eq, isNotNull, isNull, lt, lte } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { notifications, sentReminders } from './tables.js';

export type ReminderClaim = typeof sentReminders.$inferSelect;
export type InAppNotice = typeof notifications.$inferSelect;

/** One reminder to one person: a report's notice of a kind for one due date. */
export interface ReminderKey {
  reportId: number;
  kind: string;
  dueOn: string;
  recipientId: number;
}

const keyIs = (k: ReminderKey) =>
  and(eq(sentReminders.reportId, k.reportId), eq(sentReminders.kind, k.kind), eq(sentReminders.dueOn, k.dueOn), eq(sentReminders.recipientId, k.recipientId));

/**
 * Claims a reminder at `now`: true when there was no claim, or an unsent one taken at or before
 * `staleBefore` (its process died between claim and send). False when it was sent or is being sent.
 */
export async function claimReminder(db: Executor, key: ReminderKey, now: number, staleBefore: number): Promise<boolean> {
  const result = await query(db, (q) =>
    q
      .insert(sentReminders)
      .values({ ...key, claimedAt: now, sentAt: null })
      .onConflictDoUpdate({
        target: [sentReminders.reportId, sentReminders.kind, sentReminders.dueOn, sentReminders.recipientId],
        set: { claimedAt: now },
        setWhere: and(isNull(sentReminders.sentAt), lte(sentReminders.claimedAt, staleBefore)),
      })
      .run(),
  );
  return result.changes === 1;
}

/** Records that the mail server took the reminder. */
export async function markReminderSent(db: Executor, key: ReminderKey, sentAt: number): Promise<void> {
  await query(db, (q) => q.update(sentReminders).set({ sentAt }).where(and(keyIs(key), isNull(sentReminders.sentAt))).run());
}

/** Gives back a claim made at `claimedAt` whose send failed (not one another process took since). */
export async function releaseReminder(db: Executor, key: ReminderKey, claimedAt: number): Promise<void> {
  await query(db, (q) => q.delete(sentReminders).where(and(keyIs(key), eq(sentReminders.claimedAt, claimedAt), isNull(sentReminders.sentAt))).run());
}

/** A reminder recorded before claims were per recipient (recipient 0): it went to everyone. */
export async function sentToEveryone(db: Executor, reportId: number, kind: string, dueOn: string): Promise<boolean> {
  const row = await query(db, (q) =>
    q
      .select({ id: sentReminders.id })
      .from(sentReminders)
      .where(and(keyIs({ reportId, kind, dueOn, recipientId: 0 }), isNotNull(sentReminders.sentAt)))
      .get(),
  );
  return !!row;
}

export async function reminderClaimsOf(db: Executor, reportId: number): Promise<ReminderClaim[]> {
  return query(db, (q) => q.select().from(sentReminders).where(eq(sentReminders.reportId, reportId)).all());
}

/** Records an in-app notice (the inbox badge) for one user about one report. */
export async function recordNotice(db: Executor, notice: { userId: number; reportId: number | null; kind: string; createdAt: number }): Promise<void> {
  await query(db, (q) => q.insert(notifications).values(notice).run());
}

/** How many in-app notices a user has, optionally only unread ones or of one kind. */
export async function noticeCount(db: Executor, userId: number, options: { kind?: string; unreadOnly?: boolean } = {}): Promise<number> {
  const conditions = [eq(notifications.userId, userId), ...(options.kind ? [eq(notifications.kind, options.kind)] : []), ...(options.unreadOnly ? [isNull(notifications.readAt)] : [])];
  const row = await query(db, (q) => q.select({ n: count() }).from(notifications).where(and(...conditions)).get());
  return row?.n ?? 0;
}

/** A report's in-app notices, oldest first. */
export async function noticesOfReport(db: Executor, reportId: number): Promise<InAppNotice[]> {
  return query(db, (q) => q.select().from(notifications).where(eq(notifications.reportId, reportId)).orderBy(notifications.id).all());
}

/** One page of a user's in-app notices, newest first; keyset on id (`beforeId`). */
export async function noticesFor(db: Executor, userId: number, options: { limit: number; beforeId?: number }): Promise<InAppNotice[]> {
  const conditions = [eq(notifications.userId, userId), ...(options.beforeId ? [lt(notifications.id, options.beforeId)] : [])];
  return query(db, (q) => q.select().from(notifications).where(and(...conditions)).orderBy(desc(notifications.id)).limit(options.limit).all());
}

/** Marks a user's notices up to `upToId` as read (only theirs, only unread ones); returns how many. */
export async function markNoticesRead(db: Executor, userId: number, upToId: number, now: number): Promise<number> {
  return (await query(db, (q) => q.update(notifications).set({ readAt: now }).where(and(eq(notifications.userId, userId), lte(notifications.id, upToId), isNull(notifications.readAt))).run())).changes;
}
