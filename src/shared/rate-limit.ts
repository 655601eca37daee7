// A fixed-window counter per key, in memory only: client addresses used as keys are never written
// down (DESIGN.md §4) and are forgotten when their window ends.
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Whether `key` may try again now (without counting a try). */
  allowed(key: string, now = Date.now()): boolean {
    const entry = this.hits.get(key);
    return !entry || entry.resetAt <= now || entry.count < this.limit;
  }

  /** Counts one try against `key`; returns whether it was within the limit. */
  hit(key: string, now = Date.now()): boolean {
    this.sweep(now);
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= now) {
      this.hits.set(key, { count: 1, resetAt: now + this.windowMs });
      return true;
    }
    entry.count += 1;
    return entry.count <= this.limit;
  }

  retryAfterSeconds(key: string, now = Date.now()): number {
    const entry = this.hits.get(key);
    return entry ? Math.max(1, Math.ceil((entry.resetAt - now) / 1000)) : 0;
  }

  private lastSweep = 0;
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, entry] of this.hits) if (entry.resetAt <= now) this.hits.delete(key);
  }
}

/**
 * Free tries per window, then a wait before each next try that doubles with every further failure
 * (1 s, 2 s, 4 s … up to `maxDelayMs`) instead of a lock for the rest of the window (issue 20 item
 * 8). Villagers behind one carrier address who mistyped a few codes wait seconds, not a quarter of
 * an hour; a guesser's rate falls to a few tries an hour. Memory only, like every key here.
 */
export class GrowingDelay {
  private readonly entries = new Map<string, { fails: number; resetAt: number; nextAt: number }>();

  constructor(
    private readonly free: number,
    private readonly windowMs: number,
    private readonly maxDelayMs: number,
  ) {}

  /** How long `key` must wait before its next try (0: it may try now). */
  waitMs(key: string, now = Date.now()): number {
    const entry = this.entries.get(key);
    if (!entry || entry.resetAt <= now) return 0;
    return Math.max(0, entry.nextAt - now);
  }

  /** Counts one failed try; returns the wait it sets before the next (0 while free tries remain). */
  fail(key: string, now = Date.now()): number {
    this.sweep(now);
    let entry = this.entries.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { fails: 0, resetAt: now + this.windowMs, nextAt: 0 };
      this.entries.set(key, entry);
    }
    entry.fails += 1;
    const over = entry.fails - this.free;
    if (over <= 0) return 0;
    const delay = Math.min(this.maxDelayMs, 1000 * 2 ** (over - 1));
    entry.nextAt = now + delay;
    // The window lasts at least until the wait is over, so waiting it out does not reset the count.
    entry.resetAt = Math.max(entry.resetAt, entry.nextAt + this.windowMs);
    return delay;
  }

  private lastSweep = 0;
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) if (entry.resetAt <= now) this.entries.delete(key);
  }
}

/**
 * The key a client address is counted under: an IPv4 address as is, an IPv6 address by its /64
 * prefix (one subscriber gets a whole /64, so single IPv6 addresses would be free to rotate).
 * Memory only, like every key here.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** A budget of bytes per fixed window shared by every client (the global evidence budget). */
export class ByteBudget {
  private used = 0;
  private windowEnd = 0;

  constructor(
    private readonly bytesPerWindow: number,
    private readonly windowMs: number,
  ) {}

  private roll(now: number): void {
    if (now >= this.windowEnd) {
      this.used = 0;
      this.windowEnd = now + this.windowMs;
    }
  }

  /** Whether the window's bytes are all taken. */
  spent(now = Date.now()): boolean {
    this.roll(now);
    return this.used >= this.bytesPerWindow;
  }

  take(bytes: number, now = Date.now()): void {
    this.roll(now);
    this.used += bytes;
  }
}

/**
 * Requests in progress per address and in all (uploads that hold a socket and a temporary file).
 * `enter` refuses beyond either cap; every successful `enter` is matched by one `leave`.
 */
export class InFlight {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perKeyLimit: number,
    private readonly totalLimit: number,
  ) {}

  enter(key: string): 'ok' | 'address' | 'total' {
    const mine = this.perKey.get(key) ?? 0;
    if (mine >= this.perKeyLimit) return 'address';
    if (this.total >= this.totalLimit) return 'total';
    this.perKey.set(key, mine + 1);
    this.total += 1;
    return 'ok';
  }

  leave(key: string): void {
    const mine = this.perKey.get(key) ?? 0;
    if (mine <= 1) this.perKey.delete(key);
    else this.perKey.set(key, mine - 1);
    this.total = Math.max(0, this.total - 1);
  }

  get size(): number {
    return this.total;
  }
}
