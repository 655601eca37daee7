// A SQLite session store for @fastify/session (its default memory store is not for production).
// @fastify/session calls get/set/destroy with a callback; the repository is async, so each of them
// runs its promise and hands the outcome to the callback once, on a later tick (a callback that
// throws is then an ordinary uncaught error, never a second call of the callback with it).
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { withTransaction } from '../db/transaction.js';
import { deleteExpiredSessions, deleteSession, deleteSessionsOfUser, findSession, upsertSession } from './repository.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the store API hands sessions back untyped
type Callback = (err?: any, value?: any) => void;
interface StoredSession {
  cookie?: { expires?: string | Date | null };
  staff?: { userId: number };
  [key: string]: unknown;
}

/** Sessions without a cookie expiry live this long in the store at most. */
const DEFAULT_TTL_MS = 12 * 3600_000;

/** Settles `work` into a node-style callback, exactly once. */
function settle<T>(work: () => Promise<T>, callback: Callback): void {
  work().then(
    (value) => process.nextTick(callback, null, value),
    (err: unknown) => process.nextTick(callback, err),
  );
}

export class SqliteSessionStore {
  /** Told the ids of sessions that ended, so what is kept per session (staff pages) goes with them. */
  private readonly endedListeners: ((sids: string[]) => void)[] = [];

  constructor(private readonly db: Db) {}

  get(sid: string, callback: Callback): void {
    settle(async () => {
      const row = await findSession(this.db, sid);
      if (!row || row.expiresAt < Date.now()) return null;
      return JSON.parse(row.data) as unknown;
    }, callback);
  }

  set(sid: string, value: object, callback: Callback): void {
    const session = value as StoredSession;
    settle(async () => {
      const expires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : Date.now() + DEFAULT_TTL_MS;
      const row = { sid, expiresAt: expires, userId: session.staff?.userId ?? null, data: JSON.stringify(session) };
      await upsertSession(this.db, row);
    }, callback);
  }

  /** `listener` hears the ids of the sessions ended by destroy or destroyForUser. */
  onEnded(listener: (sids: string[]) => void): void {
    this.endedListeners.push(listener);
  }

  private ended(sids: string[]): void {
    if (sids.length > 0) for (const listener of this.endedListeners) listener(sids);
  }

  destroy(sid: string, callback: Callback): void {
    settle(async () => {
      await deleteSession(this.db, sid);
      this.ended([sid]);
    }, callback);
  }

  /** Ends every session of a staff user, except `keepSid` (the one asking, for "other sessions"). */
  async destroyForUser(userId: number, keepSid?: string): Promise<void> {
    this.ended(await deleteSessionsOfUser(this.db, userId, keepSid));
  }

  /**
   * Deletes the sessions expired before `now` (issue 15: sessions at expiry, run by the retention
   * sweep, not only at start) and tells the listeners, so what was kept per session goes too.
   * `audit` runs in the same transaction with the count (never the ids: they were bearer secrets).
   */
  async sweep(now = Date.now(), audit?: (tx: Executor, count: number) => Promise<void>): Promise<number> {
    const ended = await withTransaction(this.db, async (tx) => {
      const sids = await deleteExpiredSessions(tx, now);
      if (sids.length > 0) await audit?.(tx, sids.length);
      return sids;
    });
    this.ended(ended);
    return ended.length;
  }
}
