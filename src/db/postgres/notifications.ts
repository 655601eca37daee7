// Signals between the app nodes of one PostgreSQL database (issue 21): a node that changed something
// other nodes keep in memory says so with NOTIFY on a channel; every node LISTENs on a connection of
// its own. LISTEN belongs to one session, so the listener is a pg.Client outside the pool, kept for
// the node's life. The payload is the sender's random node id: a node's own notifications come back
// to its listener (the pool's sessions are other sessions) and are ignored.
//
// A notification sent while a listener is disconnected is lost, so a listener that loses its session
// tells its subscribers ('lost'), reconnects with backoff and tells them again once it listens anew
// ('resumed'): they must assume they missed something and drop what they hold. A connection that
// dies without a word (a silent network cut) is found by a heartbeat query.
//
// NOTIFY is delivered to listeners of the same database only, and only when the sending transaction
// commits; a pooler in transaction mode (PgBouncer) cannot carry LISTEN: the URL must reach
// PostgreSQL directly or through session pooling.
import crypto from 'node:crypto';
import pg from 'pg';
import type { PgDb } from './connection.js';

/** Why a subscriber is called: another node changed something, or the listener lost or regained its session. */
export type SignalEvent = 'changed' | 'lost' | 'resumed';

export interface ClusterSignal {
  /** This node's random id, also in the listener's application_name (pg_stat_activity shows each node's listener). */
  readonly nodeId: string;
  /**
   * Listens on `channel`: `onSignal` is called when another node sends on it, and on every loss and
   * regain of the listening session. Resolves once the LISTEN is in place (or the session is down).
   */
  subscribe(channel: string, onSignal: (event: SignalEvent) => void): Promise<void>;
  /** Whether a notification sent on `channel` now reaches this node (false while reconnecting). */
  isListening(channel: string): boolean;
  /** Tells every other node listening on `channel`. Never rejects: a failure is retried, then logged. */
  send(channel: string): Promise<void>;
  /** Stops listening and waits for notifications still being sent; before the pool is closed. */
  close(): Promise<void>;
}

export interface SignalLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ClusterSignalOptions {
  /** First reconnect delay, doubled on each failed attempt up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** How often the listening session is asked a trivial query, and how long it may take to answer. */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
}

const SEND_ATTEMPTS = 3;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Opens this node's listener on the database at `url` and sends through `db`'s pool. Waits for the
 * first connection; if that fails the node still starts, not listening, and keeps trying.
 */
export async function openClusterSignal(db: PgDb, url: string, log: SignalLog, options: ClusterSignalOptions = {}): Promise<ClusterSignal> {
  const minDelay = options.minDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 5_000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const heartbeatTimeout = options.heartbeatTimeoutMs ?? 5_000;
  const nodeId = crypto.randomBytes(8).toString('hex');
  const pool = db.$client;
  const subscribers = new Map<string, Set<(event: SignalEvent) => void>>();
  const sending = new Set<Promise<void>>();

  /** The session being opened or listening; null between attempts and after close. */
  let current: pg.Client | null = null;
  /** Channels the live session LISTENs on; empty while no session is up (a session being opened keeps its own). */
  let listened = new Set<string>();
  let up = false;
  /** A session failed since the last one was up: subscribers may have missed notifications. */
  let resumeOwed = false;
  let failures = 0;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;

  const tell = (channels: Iterable<string>, event: SignalEvent) => {
    for (const channel of channels) {
      for (const onSignal of subscribers.get(channel) ?? []) {
        try {
          onSignal(event);
        } catch (err) {
          log.error({ err, channel, event }, 'a database notification subscriber failed');
        }
      }
    }
  };

  const scheduleConnect = () => {
    if (closed || retryTimer) return;
    const delay = Math.min(maxDelay, minDelay * 2 ** Math.min(failures - 1, 16));
    // Jitter, so that the nodes of a restarted database do not all come back in the same instant.
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay * (0.8 + Math.random() * 0.4));
    retryTimer.unref();
  };

  /** Forgets a session that failed or ended; the subscribers hear of it if it was listening. */
  const drop = (client: pg.Client, err?: unknown) => {
    if (current !== client) return;
    current = null;
    clearInterval(heartbeatTimer);
    heartbeatTimer = undefined;
    client.end().catch(() => {});
    if (closed) return;
    const wasUp = up;
    up = false;
    listened = new Set();
    failures++;
    resumeOwed = true;
    if (wasUp) {
      log.warn({ err: err instanceof Error ? err.message : undefined }, 'database notifications: the listening session is gone; reconnecting');
      tell(subscribers.keys(), 'lost');
    } else if (failures === 1) {
      log.warn({ err: err instanceof Error ? err.message : undefined }, 'database notifications: cannot listen; retrying');
    }
    scheduleConnect();
  };

  const heartbeat = (client: pg.Client) => {
    let asking = false;
    heartbeatTimer = setInterval(() => {
      if (asking || current !== client) return;
      asking = true;
      void withTimeout(client.query('SELECT 1'), heartbeatTimeout, 'the listener heartbeat')
        .catch((err: unknown) => drop(client, err))
        .finally(() => {
          asking = false;
        });
    }, heartbeatMs);
    heartbeatTimer.unref();
  };

  /** A subscribed channel not in `listening` yet. */
  const pending = (listening: Set<string>) => [...subscribers.keys()].find((channel) => !listening.has(channel));

  async function connect(): Promise<void> {
    if (closed || current) return;
    // A connection attempt into a silent network would otherwise wait forever and never be retried.
    const client = new pg.Client({ connectionString: url, application_name: `sunshine listener ${nodeId}`, keepAlive: true, connectionTimeoutMillis: 10_000 });
    current = client;
    client.on('error', (err) => drop(client, err));
    client.on('end', () => drop(client));
    client.on('notification', (message) => {
      if (current !== client || message.payload === nodeId) return;
      tell([message.channel], 'changed');
    });
    const listening = new Set<string>();
    try {
      await client.connect();
      // Channels subscribed while this session was being opened are listened to as well.
      for (let channel = pending(listening); channel !== undefined; channel = pending(listening)) {
        await withTimeout(client.query(`LISTEN ${client.escapeIdentifier(channel)}`), heartbeatTimeout, 'LISTEN');
        listening.add(channel);
      }
    } catch (err) {
      drop(client, err);
      return;
    }
    if (current !== client) return; // dropped or closed meanwhile
    listened = listening;
    up = true;
    failures = 0;
    heartbeat(client);
    if (resumeOwed) {
      resumeOwed = false;
      log.info({}, 'database notifications: listening again');
      tell(subscribers.keys(), 'resumed');
    }
  }

  async function sendOnce(channel: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await pool.query('SELECT pg_notify($1, $2)', [channel, nodeId]);
        return;
      } catch (err) {
        // A pooled session that broke is discarded by the pool: the next attempt gets another.
        if (attempt >= SEND_ATTEMPTS || closed) {
          log.error({ err: err instanceof Error ? err.message : String(err), channel }, 'database notifications: could not tell the other nodes');
          return;
        }
        await sleep(50 * attempt);
      }
    }
  }

  await connect();

  return {
    nodeId,
    async subscribe(channel, onSignal) {
      let set = subscribers.get(channel);
      if (!set) subscribers.set(channel, (set = new Set()));
      set.add(onSignal);
      const client = current;
      if (!up || !client || listened.has(channel)) return;
      try {
        await withTimeout(client.query(`LISTEN ${client.escapeIdentifier(channel)}`), heartbeatTimeout, 'LISTEN');
        // A session that failed meanwhile was replaced or is being replaced: the new one listens to every channel.
        if (current === client && up) listened.add(channel);
      } catch (err) {
        drop(client, err);
      }
    },
    isListening(channel) {
      return up && listened.has(channel);
    },
    send(channel) {
      if (closed) return Promise.resolve();
      const sent = sendOnce(channel);
      sending.add(sent);
      void sent.finally(() => sending.delete(sent));
      return sent;
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(heartbeatTimer);
      up = false;
      await Promise.allSettled([...sending]);
      const client = current;
      current = null;
      if (client) await withTimeout(client.end(), 2_000, 'closing the listener').catch(() => {});
    },
  };
}
