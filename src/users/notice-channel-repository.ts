// The staff user's own choice of how notices reach them (issue 24): a mobile number and a channel.
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { users } from './tables.js';

export async function setNoticeChannel(db: Executor, userId: number, choice: { mobile: string | null; noticeChannel: string }): Promise<void> {
  await query(db, (q) => q.update(users).set(choice).where(eq(users.id, userId)).run());
}
