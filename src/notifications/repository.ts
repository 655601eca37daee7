// Claims of deadline reminders (sent_reminders): taken before a send, marked sent after it, given
// back when it failed. See tables.ts for the guarantee.
import { and, eq, isNotNull, isNull, lte } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { sentReminders } from './tables.js';

export type ReminderClaim = typeof sentReminders.$inferSelect;

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
export function claimReminder(db: Executor, key: ReminderKey, now: number, staleBefore: number): boolean {
  const result = db
    .insert(sentReminders)
    .values({ ...key, claimedAt: now, sentAt: null })
    .onConflictDoUpdate({
      target: [sentReminders.reportId, sentReminders.kind, sentReminders.dueOn, sentReminders.recipientId],
      set: { claimedAt: now },
      setWhere: and(isNull(sentReminders.sentAt), lte(sentReminders.claimedAt, staleBefore)),
    })
    .run();
  return result.changes === 1;
}

/** Records that the mail server took the reminder. */
export function markReminderSent(db: Executor, key: ReminderKey, sentAt: number): void {
  db.update(sentReminders).set({ sentAt }).where(and(keyIs(key), isNull(sentReminders.sentAt))).run();
}

/** Gives back a claim made at `claimedAt` whose send failed (not one another process took since). */
export function releaseReminder(db: Executor, key: ReminderKey, claimedAt: number): void {
  db.delete(sentReminders).where(and(keyIs(key), eq(sentReminders.claimedAt, claimedAt), isNull(sentReminders.sentAt))).run();
}

/** A reminder recorded before claims were per recipient (recipient 0): it went to everyone. */
export function sentToEveryone(db: Executor, reportId: number, kind: string, dueOn: string): boolean {
  return !!db
    .select({ id: sentReminders.id })
    .from(sentReminders)
    .where(and(keyIs({ reportId, kind, dueOn, recipientId: 0 }), isNotNull(sentReminders.sentAt)))
    .get();
}

export function reminderClaimsOf(db: Executor, reportId: number): ReminderClaim[] {
  return db.select().from(sentReminders).where(eq(sentReminders.reportId, reportId)).all();
}
