// The rate limits of the public forms and the staff sign-in, counted in a CounterStore
// (counters.ts): shared by every app node through Redis when REDIS_URL is set, in this process
// otherwise. An address is counted under addressKey() of it, and the store names every counter by
// an HMAC of that under an hourly key, never by the address (DESIGN.md §4).
//
// Two things stay per node by nature, in memory: the uploads in flight (InFlight: the sockets and
// temporary files are this node's) and the evidence-bytes budget (ByteBudget: it paces this node's
// disk writes and metadata cleaning, chunk by chunk while a file streams in, where a round trip to a
// shared store per chunk would cost more than it protects). Neither is keyed by an address across nodes.
import { HOUR_MS, type CounterStore } from './counters.js';

/**
 * A fixed window per client address (addressKey of it): `limit` events per `windowMs`. Only what
 * the caller counts with hit() counts (sign-in counts failures only).
 */
export class RateLimiter {
  constructor(
    private readonly store: CounterStore,
    /** Names the limit in the store, and enters the HMAC: two limits' counters of one address are not linkable. */
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    // A counter must end within an hour of its last count, while its hour key still exists (counters.ts).
    if (windowMs > HOUR_MS) throw new Error(`rate limit ${name}: a window longer than an hour outlives its hour key`);
  }

  /** Whether `address` may try again now, and if not in how many seconds (counts nothing). */
  async check(address: string): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const window = await this.store.peek(this.name, addressKey(address));
    const allowed = window.count < this.limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(window.resetMs / 1000)) };
  }

  /** Counts one event of `address`; returns whether it was within the limit. */
  async hit(address: string): Promise<boolean> {
    const window = await this.store.hit(this.name, addressKey(address), this.windowMs);
    return window.count <= this.limit;
  }

  /**
   * Starts a try that counts only if it fails: counted now (an atomic increment, so tries sent at
   * once meet the limit one by one, where check() then hit() let a whole burst through), and given
   * back with giveBack() when it succeeds.
   */
  async take(address: string): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const window = await this.store.hit(this.name, addressKey(address), this.windowMs);
    const allowed = window.count <= this.limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(window.resetMs / 1000)) };
  }

  /** A try started with take() succeeded: it does not count. */
  async giveBack(address: string): Promise<void> {
    await this.store.forgive(this.name, addressKey(address));
  }
}

/**
 * Free tries per window, then a wait before each next try that doubles with every further failure
 * (1 s, 2 s, 4 s … up to `maxDelayMs`) instead of a lock for the rest of the window (issue 20 item
 * 8). Villagers behind one carrier address who mistyped a few codes wait seconds, not a quarter of
 * an hour; a guesser's rate falls to a few tries an hour. Per client address (addressKey of it).
 */
export class GrowingDelay {
  private readonly rule: { free: number; windowMs: number; maxDelayMs: number };

  constructor(
    private readonly store: CounterStore,
    private readonly name: string,
    free: number,
    windowMs: number,
    maxDelayMs: number,
  ) {
    // Each failure can stretch the window to the wait plus a window; that must end within the hour (counters.ts).
    if (windowMs + maxDelayMs > HOUR_MS) throw new Error(`growing delay ${name}: a window and a wait longer than an hour outlive their hour key`);
    this.rule = { free, windowMs, maxDelayMs };
  }

  /** How long `address` must wait before its next try (0: it may try now). */
  async waitMs(address: string): Promise<number> {
    return this.store.waitMs(this.name, addressKey(address));
  }

  /** Counts one failed try; returns the wait it sets before the next (0 while free tries remain). */
  async fail(address: string): Promise<number> {
    return this.store.fail(this.name, addressKey(address), this.rule);
  }

  /**
   * Starts a try: the wait left (> 0: refuse it unchecked) or 0, and then the try is already counted
   * as a failure — call forgive() when it turns out right. Counting before checking keeps a burst of
   * simultaneous tries to the free ones and one more (CounterStore.tryOnce).
   */
  async attempt(address: string): Promise<number> {
    return this.store.tryOnce(this.name, addressKey(address), this.rule);
  }

  /** A try started with attempt() was right: it does not count. */
  async forgive(address: string): Promise<void> {
    await this.store.forgive(this.name, addressKey(address));
  }
}

/**
 * The key a client address is counted under: an IPv4 address as is, an IPv6 address by its /64
 * prefix (one subscriber gets a whole /64, so single IPv6 addresses would be free to rotate).
 * Never stored as such: the counter store keeps only an HMAC of it (counters.ts).
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

/** A budget of bytes per fixed window shared by every client of this node (the evidence budget). */
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
 * Requests in progress on this node per address and in all (uploads that hold a socket and a
 * temporary file here). `enter` refuses beyond either cap; every successful `enter` is matched by
 * one `leave`. Per node, in memory: the sockets and files it counts are this node's, and a count
 * kept in a shared store would outlive a node that died with uploads in flight.
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
