// A SQLite session store for @fastify/session (its default memory store is not for production).
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { deleteExpiredSessions, deleteSession, deleteSessionsOfUser, sessionReader, upsertSession } from './repository.js';

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
    this.bySid = sessionReader(db);
  }

  get(sid: string, callback: Callback): void {
    try {
      const row = this.bySid(sid);
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
      upsertSession(this.db, row);
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
      deleteSession(this.db, sid);
      this.ended([sid]);
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Ends every session of a staff user, except `keepSid` (the one asking, for "other sessions"). */
  destroyForUser(userId: number, keepSid?: string): void {
    this.ended(deleteSessionsOfUser(this.db, userId, keepSid));
  }

  /**
   * Deletes the sessions expired before `now` (issue 15: sessions at expiry, run by the retention
   * sweep, not only at start) and tells the listeners, so what was kept per session goes too.
   * `audit` runs in the same transaction with the count (never the ids: they were bearer secrets).
   */
  sweep(now = Date.now(), audit?: (tx: Executor, count: number) => void): number {
    const ended = deleteExpiredSessions(this.db, now, audit);
    this.ended(ended);
    return ended.length;
  }
}
