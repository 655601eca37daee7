// The counters of one node (src/shared/counters.ts) under an injected clock: fixed windows, the
// growing delay, and the hourly key rotation — a window that spans the turn of the hour keeps its
// count, and a counter is named differently every hour, never by the address itself.
import { describe, expect, it } from 'vitest';
import { counterName, delayAfter, HOUR_MS, MemoryCounterStore } from '../../src/shared/counters.js';
import { GrowingDelay, RateLimiter } from '../../src/shared/rate-limit.js';
import { loadConfig, ConfigError } from '../../src/config.js';

const MINUTE = 60_000;
/** 10:59:30 UTC on a fixed day: half a minute before the turn of an hour. */
const BEFORE_TURN = Date.UTC(2026, 2, 4, 10, 59, 30);

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('fixed windows in memory', () => {
  it('counts to the limit, then refuses with the time left, and opens a new window when it ends', async () => {
    const c = clock(Date.UTC(2026, 2, 4, 8, 0, 0));
    const limiter = new RateLimiter(new MemoryCounterStore(c.now), 'sign-in', 3, 15 * MINUTE);
    for (let i = 0; i < 3; i++) {
      expect((await limiter.check('10.0.0.1')).allowed).toBe(true);
      expect(await limiter.hit('10.0.0.1')).toBe(true);
    }
    c.advance(5 * MINUTE);
    expect(await limiter.check('10.0.0.1')).toEqual({ allowed: false, retryAfterSeconds: 600 });
    expect(await limiter.hit('10.0.0.1')).toBe(false);
    expect((await limiter.check('10.0.0.2')).allowed).toBe(true);
    c.advance(10 * MINUTE);
    expect(await limiter.check('10.0.0.1')).toEqual({ allowed: true, retryAfterSeconds: 0 });
  });

  it('counts an IPv6 client by its /64', async () => {
    const limiter = new RateLimiter(new MemoryCounterStore(), 'filings', 1, MINUTE);
    expect(await limiter.hit('2001:db8:1:2::1')).toBe(true);
    expect(await limiter.hit('2001:db8:1:2:ffff::9')).toBe(false);
    expect(await limiter.hit('2001:db8:1:3::1')).toBe(true);
  });

  it('refuses windows an hour key could not outlive', () => {
    const store = new MemoryCounterStore();
    expect(() => new RateLimiter(store, 'x', 1, 2 * HOUR_MS)).toThrow(/hour/);
    expect(() => new GrowingDelay(store, 'x', 1, 45 * MINUTE, 30 * MINUTE)).toThrow(/hour/);
  });
});

describe('the growing delay in memory', () => {
  it('lets the free tries through, then doubles the wait, and the window outlasts the wait', async () => {
    const c = clock(Date.UTC(2026, 2, 4, 8, 0, 0));
    const guesses = new GrowingDelay(new MemoryCounterStore(c.now), 'query-code', 2, 15 * MINUTE, 15 * MINUTE);
    expect([await guesses.fail('10.0.0.1'), await guesses.fail('10.0.0.1')]).toEqual([0, 0]);
    expect(await guesses.fail('10.0.0.1')).toBe(1000);
    expect(await guesses.waitMs('10.0.0.1')).toBe(1000);
    c.advance(1000);
    expect(await guesses.waitMs('10.0.0.1')).toBe(0);
    expect(await guesses.fail('10.0.0.1')).toBe(2000);
    expect(await guesses.waitMs('10.0.0.2')).toBe(0);
    expect([5, 10, 11, 100].map((n) => delayAfter(n, { free: 2, windowMs: 15 * MINUTE, maxDelayMs: 15 * MINUTE }))).toEqual([4000, 128_000, 256_000, 15 * MINUTE]);
  });
});

describe('the hourly key in memory', () => {
  it('names a counter by an HMAC that changes every hour and never contains the address', async () => {
    const key1 = Buffer.alloc(32, 1);
    const key2 = Buffer.alloc(32, 2);
    const one = counterName(key1, 'query-code', '203.0.113.5');
    expect(one).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one).not.toContain('203');
    expect(counterName(key2, 'query-code', '203.0.113.5')).not.toBe(one);
    expect(counterName(key1, 'sign-in', '203.0.113.5')).not.toBe(one);
  });

  it('keeps a window that spans the turn of the hour, and forgets counters once their hour key is gone', async () => {
    const c = clock(BEFORE_TURN);
    const store = new MemoryCounterStore(c.now);
    const limiter = new RateLimiter(store, 'filings', 3, 10 * MINUTE);
    const guesses = new GrowingDelay(store, 'query-code', 1, 15 * MINUTE, 15 * MINUTE);
    expect(await limiter.hit('10.0.0.1')).toBe(true);
    expect(await limiter.hit('10.0.0.1')).toBe(true);
    expect(await guesses.fail('10.0.0.1')).toBe(0);
    expect(await guesses.fail('10.0.0.1')).toBe(1000);
    // Past the turn of the hour: a new key, the same window.
    c.advance(MINUTE);
    expect(await store.peek('filings', '10.0.0.1')).toEqual({ count: 2, resetMs: 9 * MINUTE });
    expect(await limiter.hit('10.0.0.1')).toBe(true);
    expect(await limiter.hit('10.0.0.1')).toBe(false);
    expect(await guesses.fail('10.0.0.1')).toBe(2000);
    // The window ends on time, not at the turn of the hour.
    c.advance(9 * MINUTE);
    expect(await limiter.hit('10.0.0.1')).toBe(true);

    // A counter left under the previous hour's key is still found; two turns later that key is
    // forgotten and the counter with it, whatever its window said (which is why rate-limit.ts
    // refuses windows longer than an hour: they would restart here).
    const longLived = new MemoryCounterStore(c.now);
    await longLived.hit('probe', 'left', 3 * HOUR_MS);
    c.advance(HOUR_MS);
    expect((await longLived.peek('probe', 'left')).count).toBe(1);
    c.advance(HOUR_MS);
    expect((await longLived.peek('probe', 'left')).count).toBe(0);
  });
});

describe('REDIS_URL', () => {
  it('takes redis:// and rediss:// URLs, nothing else, and is absent by default', () => {
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(loadConfig({ REDIS_URL: 'rediss://:secret@redis.internal:6380/2' }).redisUrl).toBe('rediss://:secret@redis.internal:6380/2');
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });
});
