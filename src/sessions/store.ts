// A SQLite session store for @fastify/session (its default memory store is not for production).
import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { sessions } from './tables.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the store API hands sessions back untyped
type Callback = (err?: any, value?: any) => void;
interface StoredSession {
  cookie?: { expires?: string | Date | null };
  staff?: { userId: number };
  [key: string]: unknown;
}

/** Sessions without a cookie expiry live this long in the store at most. */
const DEFAULT_TTL_MS = 12 * 3600_000;

export class SqliteSessionStore {
  /** Read on every staff and tracking request: built once. */
  private readonly bySid;
  /** Told the ids of sessions that ended, so what is kept per session (staff pages) goes with them. */
  private readonly endedListeners: ((sids: string[]) => void)[] = [];

  constructor(private readonly db: Db) {
    this.bySid = db.select().from(sessions).where(eq(sessions.sid, sql.placeholder('sid'))).prepare();
  }

  get(sid: string, callback: Callback): void {
    try {
      const row = this.bySid.get({ sid });
      if (!row || row.expiresAt < Date.now()) return callback(null, null);
      callback(null, JSON.parse(row.data));
    } catch (err) {
      callback(err);
    }
  }

  set(sid: string, value: object, callback: Callback): void {
    const session = value as StoredSession;
    try {
      const expires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : Date.now() + DEFAULT_TTL_MS;
      const row = { sid, expiresAt: expires, userId: session.staff?.userId ?? null, data: JSON.stringify(session) };
      this.db.insert(sessions).values(row).onConflictDoUpdate({ target: sessions.sid, set: row }).run();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** `listener` hears the ids of the sessions ended by destroy or destroyForUser. */
  onEnded(listener: (sids: string[]) => void): void {
    this.endedListeners.push(listener);
  }

  private ended(sids: string[]): void {
    if (sids.length > 0) for (const listener of this.endedListeners) listener(sids);
  }

  destroy(sid: string, callback: Callback): void {
    try {
      this.db.delete(sessions).where(eq(sessions.sid, sid)).run();
      this.ended([sid]);
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Ends every session of a staff user, except `keepSid` (the one asking, for "other sessions"). */
  destroyForUser(userId: number, keepSid?: string): void {
    const ended = this.db
      .delete(sessions)
      .where(keepSid ? and(eq(sessions.userId, userId), ne(sessions.sid, keepSid)) : eq(sessions.userId, userId))
      .returning({ sid: sessions.sid })
      .all();
    this.ended(ended.map((r) => r.sid));
  }

  /**
   * Deletes the sessions expired before `now` (issue 15: sessions at expiry, run by the retention
   * sweep, not only at start) and tells the listeners, so what was kept per session goes too.
   * `audit` runs in the same transaction with the count (never the ids: they were bearer secrets).
   */
  sweep(now = Date.now(), audit?: (tx: Executor, count: number) => void): number {
    const ended = this.db.transaction((tx) => {
      const rows = tx.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ sid: sessions.sid }).all();
      if (rows.length > 0) audit?.(tx, rows.length);
      return rows.map((r) => r.sid);
    });
    this.ended(ended);
    return ended.length;
  }
}
