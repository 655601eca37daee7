// The sessions table's queries (issue 17: only a repository holds SQL); the store in store.ts keeps
// the @fastify/session protocol and the listeners.
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { sessions } from './tables.js';

export interface SessionRow {
  sid: string;
  expiresAt: number;
  userId: number | null;
  data: string;
}

/** A prepared lookup by id: read on every staff and tracking request, so built once. */
export function sessionReader(db: Db): (sid: string) => SessionRow | undefined {
  const bySid = db.select().from(sessions).where(eq(sessions.sid, sql.placeholder('sid'))).prepare();
  return (sid) => bySid.get({ sid });
}

export function upsertSession(db: Db, row: SessionRow): void {
  db.insert(sessions).values(row).onConflictDoUpdate({ target: sessions.sid, set: row }).run();
}

export function deleteSession(db: Db, sid: string): void {
  db.delete(sessions).where(eq(sessions.sid, sid)).run();
}

/** Deletes every session of a staff user except `keepSid`; returns the ids deleted. */
export function deleteSessionsOfUser(db: Db, userId: number, keepSid?: string): string[] {
  return db
    .delete(sessions)
    .where(keepSid ? and(eq(sessions.userId, userId), ne(sessions.sid, keepSid)) : eq(sessions.userId, userId))
    .returning({ sid: sessions.sid })
    .all()
    .map((r) => r.sid);
}

/** Deletes the sessions expired before `now`; `audit` runs in the same transaction with the count. */
export function deleteExpiredSessions(db: Db, now: number, audit?: (tx: Executor, count: number) => void): string[] {
  return db.transaction((tx) => {
    const rows = tx.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ sid: sessions.sid }).all();
    if (rows.length > 0) audit?.(tx, rows.length);
    return rows.map((r) => r.sid);
  });
}
