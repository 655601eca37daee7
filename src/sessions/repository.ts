// The sessions table's queries (issue 17: only a repository holds SQL); the store in store.ts keeps
// the @fastify/session protocol and the listeners.
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import { isPostgres, type Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { connectionOf } from '../db/per-database.js';
import { query } from '../db/transaction.js';
import { sessions } from './tables.js';

export interface SessionRow {
  sid: string;
  expiresAt: number;
  userId: number | null;
  data: string;
}

/** Lookups by id, prepared once per connection: read on every staff and tracking request. */
const readers = new WeakMap<object, (sid: string) => SessionRow | undefined>();

function readerOf(q: Db): (sid: string) => SessionRow | undefined {
  const connection = connectionOf(q);
  let read = readers.get(connection);
  if (!read) {
    const bySid = q.select().from(sessions).where(eq(sessions.sid, sql.placeholder('sid'))).prepare();
    read = (sid) => bySid.get({ sid });
    readers.set(connection, read);
  }
  return read;
}

export async function findSession(db: Executor, sid: string): Promise<SessionRow | undefined> {
  // The reader kept per connection is a better-sqlite3 statement; PostgreSQL's builder has no such prepare().
  if (isPostgres(db)) return query(db, (q) => q.select().from(sessions).where(eq(sessions.sid, sid)).get());
  return query(db, (q) => readerOf(q)(sid));
}

export async function upsertSession(db: Executor, row: SessionRow): Promise<void> {
  await query(db, (q) => q.insert(sessions).values(row).onConflictDoUpdate({ target: sessions.sid, set: row }).run());
}

export async function deleteSession(db: Executor, sid: string): Promise<void> {
  await query(db, (q) => q.delete(sessions).where(eq(sessions.sid, sid)).run());
}

/** Deletes every session of a staff user except `keepSid`; returns the ids deleted. */
export async function deleteSessionsOfUser(db: Executor, userId: number, keepSid?: string): Promise<string[]> {
  const rows = await query(db, (q) =>
    q
      .delete(sessions)
      .where(keepSid ? and(eq(sessions.userId, userId), ne(sessions.sid, keepSid)) : eq(sessions.userId, userId))
      .returning({ sid: sessions.sid })
      .all(),
  );
  return rows.map((r) => r.sid);
}

/** Deletes the sessions expired before `now` (in the caller's transaction); returns the ids deleted. */
export async function deleteExpiredSessions(db: Executor, now: number): Promise<string[]> {
  const rows = await query(db, (q) => q.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ sid: sessions.sid }).all());
  return rows.map((r) => r.sid);
}
