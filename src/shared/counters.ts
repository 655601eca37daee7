// The counters behind every rate limit (rate-limit.ts): in Redis when REDIS_URL is set, so that all
// app nodes count together (redis-counters.ts), in this process otherwise (the one node of
// `npm start`). No counter is named by a client's address (DESIGN.md §4): a subject — addressKey()
// of an address, or a report — is replaced by an HMAC-SHA256 under a random key of the current hour.
// Hour keys are never written down (this process's memory, or a Redis that keeps nothing on disk)
// and are forgotten at the end of the following hour; from then on no counter named under one can
// be linked to an address, even by someone who holds the counters and a list of candidate addresses.
//
// A window that spans the change of the hour is not restarted (a guesser would otherwise get fresh
// tries every hour): a counter is looked up under the current hour's key, then under the previous
// hour's, and one found under the previous is moved to the current name when it is counted again.
// Each counter lives at most an hour after it was last counted (enforced by rate-limit.ts), so it is
// always under one of the two keys that still exist.
import crypto from 'node:crypto';

export const HOUR_MS = 3600_000;

/** A fixed window as stored: events counted in it and ms until it ends (0 and 0 when none is open). */
export interface WindowCount {
  count: number;
  resetMs: number;
}

/** Free failures in a window, then a wait before the next try that doubles per failure (1 s, 2 s …) up to maxDelayMs. */
export interface DelayRule {
  free: number;
  windowMs: number;
  maxDelayMs: number;
}

export interface CounterStore {
  /** True when every app node counts in this store (Redis); false when each node counts alone. */
  readonly shared: boolean;
  /** Counts one event of `subject` in its fixed window of `limit` (opened now if none is). */
  hit(limit: string, subject: string, windowMs: number): Promise<WindowCount>;
  /** The open window of `subject`, without counting. */
  peek(limit: string, subject: string): Promise<WindowCount>;
  /** Counts one failure under a growing delay; returns the wait it sets before the next try (0 while free). */
  fail(limit: string, subject: string, rule: DelayRule): Promise<number>;
  /** How long `subject` must wait before its next try under a growing delay (0: now). */
  waitMs(limit: string, subject: string): Promise<number>;
  /**
   * A try under a growing delay, counted as a failure before it is checked, in one step with the
   * check of the wait: the wait left (> 0: refused, nothing counted) or 0 (go on; counted). Tries
   * sent at once thus meet the wait one by one, where reading the wait and counting the failure
   * later let every try of a burst through.
   */
  tryOnce(limit: string, subject: string, rule: DelayRule): Promise<number>;
  /** Takes back a try of tryOnce that turned out right: one failure uncounted and the wait ended. */
  forgive(limit: string, subject: string): Promise<void>;
  close(): Promise<void>;
}

/** Milliseconds since the epoch; injected by tests of the key rotation. */
export type Clock = () => number;
// Not `Date.now` itself: tests that fake Date replace it after the store was made.
export const systemClock: Clock = () => Date.now();

export const hourOf = (now: number): number => Math.floor(now / HOUR_MS);

/** The name of a subject's counter under one hour's key: limit and subject, MACed; base64url. */
export function counterName(hourKey: Buffer, limit: string, subject: string): string {
  return crypto.createHmac('sha256', hourKey).update(`${limit}\n${subject}`).digest('base64url');
}

/** The wait a growing delay sets after `fails` failures in its window (the Redis script computes the same). */
export function delayAfter(fails: number, rule: DelayRule): number {
  const over = fails - rule.free;
  return over <= 0 ? 0 : Math.min(rule.maxDelayMs, 1000 * 2 ** (over - 1));
}

interface Names {
  current: string;
  previous: string | null;
}

interface Entry {
  count: number;
  resetAt: number;
  /** End of the wait a growing delay set (0: none). */
  waitUntil: number;
}

/** Counters kept at once; past this the oldest are forgotten (a flood of subjects cannot fill memory). */
const MAX_ENTRIES = 200_000;
const SWEEP_EVERY_MS = 60_000;

/**
 * The counters of one process: the store of a single node, and the fallback of the Redis store while
 * Redis does not answer. Hour keys are random bytes in this process, never persisted.
 */
export class MemoryCounterStore implements CounterStore {
  readonly shared = false;
  private readonly entries = new Map<string, Entry>();
  private readonly hourKeys = new Map<number, Buffer>();
  private lastSweep = 0;

  constructor(
    private readonly now: Clock = systemClock,
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  async hit(limit: string, subject: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    const names = this.names(limit, subject, now);
    const entry = this.find(names, now, true) ?? this.open(names.current, now, windowMs);
    entry.count += 1;
    return { count: entry.count, resetMs: entry.resetAt - now };
  }

  async peek(limit: string, subject: string): Promise<WindowCount> {
    const now = this.now();
    const entry = this.find(this.names(limit, subject, now), now, false);
    return entry ? { count: entry.count, resetMs: entry.resetAt - now } : { count: 0, resetMs: 0 };
  }

  async fail(limit: string, subject: string, rule: DelayRule): Promise<number> {
    const now = this.now();
    const names = this.names(limit, subject, now);
    const entry = this.find(names, now, true) ?? this.open(names.current, now, rule.windowMs);
    entry.count += 1;
    const delay = delayAfter(entry.count, rule);
    if (delay > 0) {
      entry.waitUntil = now + delay;
      // The window lasts at least until the wait is over, so waiting it out does not reset the count.
      entry.resetAt = Math.max(entry.resetAt, entry.waitUntil + rule.windowMs);
    }
    return delay;
  }

  async waitMs(limit: string, subject: string): Promise<number> {
    const now = this.now();
    const entry = this.find(this.names(limit, subject, now), now, false);
    return entry ? Math.max(0, entry.waitUntil - now) : 0;
  }

  async tryOnce(limit: string, subject: string, rule: DelayRule): Promise<number> {
    // No await before the count: one synchronous step, as the Redis script is one.
    const now = this.now();
    const entry = this.find(this.names(limit, subject, now), now, false);
    if (entry && entry.waitUntil > now) return entry.waitUntil - now;
    await this.fail(limit, subject, rule);
    return 0;
  }

  async forgive(limit: string, subject: string): Promise<void> {
    const now = this.now();
    const entry = this.find(this.names(limit, subject, now), now, true);
    if (!entry) return;
    entry.count = Math.max(0, entry.count - 1);
    entry.waitUntil = 0;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.hourKeys.clear();
  }

  /** Names of `subject` under the current hour's key and, while it is held, the previous hour's. */
  private names(limit: string, subject: string, now: number): Names {
    const hour = hourOf(now);
    let key = this.hourKeys.get(hour);
    if (!key) {
      key = crypto.randomBytes(32);
      this.hourKeys.set(hour, key);
      for (const held of this.hourKeys.keys()) if (held < hour - 1) this.hourKeys.delete(held);
    }
    const before = this.hourKeys.get(hour - 1);
    return { current: `${limit}:${counterName(key, limit, subject)}`, previous: before ? `${limit}:${counterName(before, limit, subject)}` : null };
  }

  private live(name: string | null, now: number): Entry | undefined {
    if (name === null) return undefined;
    const entry = this.entries.get(name);
    if (entry && entry.resetAt <= now) {
      this.entries.delete(name);
      return undefined;
    }
    return entry;
  }

  /** The open window of a subject; `carry` moves one found under the previous hour's name to the current. */
  private find({ current, previous }: Names, now: number, carry: boolean): Entry | undefined {
    this.sweep(now);
    const here = this.live(current, now);
    if (here) return here;
    const before = this.live(previous, now);
    if (before && carry) {
      this.entries.delete(previous!);
      this.entries.set(current, before);
    }
    return before;
  }

  private open(name: string, now: number, windowMs: number): Entry {
    const entry: Entry = { count: 0, resetAt: now + windowMs, waitUntil: 0 };
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(name, entry);
    return entry;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [name, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(name);
  }
}
