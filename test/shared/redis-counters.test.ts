// The counters shared through Redis (src/shared/redis-counters.ts) under an injected clock: every
// node uses the one hour key Redis holds, the key changes every hour and expires at the end of the
// next, a window that spans the turn keeps its count, and counters expire with their window. Also:
// a Redis that writes to disk is refused, an unreachable one named without its password, and while
// Redis is gone each node counts alone.
import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { counterName, hourOf, HOUR_MS } from '../../src/shared/counters.js';
import { connectRedisCounters, type RedisCounterStore } from '../../src/shared/redis-counters.js';
import { describeRedis, inspectRedis, TEST_REDIS_URL } from '../helpers/redis.js';

const MINUTE = 60_000;
/** The portal's rate-limit key (from the master key in the app; here any secret shared by both nodes). */
const SECRET = crypto.randomBytes(32);
/** 10:59:30 UTC on a day long past: its hour keys cannot be those of the apps counting now. */
const BEFORE_TURN = Date.UTC(2020, 5, 1, 10, 59, 30) + crypto.randomInt(1000);

describeRedis('counters shared through Redis', () => {
  let redis: Redis;
  let now = BEFORE_TURN;
  const clock = () => now;
  // One limit name per run, so that counters of an earlier run cannot meet these.
  const limit = `rotation-${crypto.randomBytes(4).toString('hex')}`;
  const nodes: RedisCounterStore[] = [];
  beforeAll(async () => {
    redis = inspectRedis();
    await redis.connect();
    for (let i = 0; i < 2; i++) nodes.push(await connectRedisCounters(TEST_REDIS_URL, { now: clock, secret: SECRET }));
  });
  afterAll(async () => {
    for (const node of nodes) await node.close();
    const keys = [...(await redis.keys(`sunshine:counter:${limit}:*`)), ...[0, 1, 2, 3].map((h) => `sunshine:counter-key:${hourOf(BEFORE_TURN) + h}`)];
    await redis.del(...keys);
    await redis.quit();
  });

  /** The hour's key: an HMAC under the portal's secret of the nonce Redis keeps (Redis alone cannot name a counter). */
  const hourKey = async (hour: number) => {
    const value = await redis.get(`sunshine:counter-key:${hour}`);
    return value === null ? null : crypto.createHmac('sha256', SECRET).update(Buffer.from(value, 'base64')).digest();
  };
  const nameUnder = (key: Buffer, subject: string) => `sunshine:counter:${limit}:${counterName(key, limit, subject)}`;

  it('shares one hour key between nodes, rotates it at the turn of the hour, and keeps a window that spans the turn', async () => {
    const [one, two] = nodes as [RedisCounterStore, RedisCounterStore];
    const subject = '198.18.7.7';
    expect((await one.hit(limit, subject, 10 * MINUTE)).count).toBe(1);
    expect((await two.hit(limit, subject, 10 * MINUTE)).count).toBe(2);

    // The hour key: 32 random bytes, in Redis, expiring at the end of the next hour (here 1 h 30 s away).
    const first = hourOf(BEFORE_TURN);
    const key1 = (await hourKey(first))!;
    expect(key1).toHaveLength(32);
    const keyTtl = await redis.pttl(`sunshine:counter-key:${first}`);
    expect(keyTtl).toBeGreaterThan(HOUR_MS);
    expect(keyTtl).toBeLessThanOrEqual((first + 2) * HOUR_MS - BEFORE_TURN);
    // The counter: named by the HMAC, expiring with its window.
    expect(await redis.get(nameUnder(key1, subject))).toBe('2');
    const counterTtl = await redis.pttl(nameUnder(key1, subject));
    expect(counterTtl).toBeGreaterThan(0);
    expect(counterTtl).toBeLessThanOrEqual(10 * MINUTE);

    // A minute later it is the next hour: a new key, and the window goes on under the new name.
    now += MINUTE;
    expect((await two.hit(limit, subject, 10 * MINUTE)).count).toBe(3);
    const key2 = (await hourKey(first + 1))!;
    expect(key2).toHaveLength(32);
    expect(key2.equals(key1)).toBe(false);
    expect(await redis.exists(nameUnder(key1, subject))).toBe(0);
    expect(await redis.get(nameUnder(key2, subject))).toBe('3');
    expect(await redis.pttl(nameUnder(key2, subject))).toBeLessThanOrEqual(counterTtl);
    // The other node reads the same count under the same new key.
    expect(await one.peek(limit, subject)).toMatchObject({ count: 3 });
    expect((await one.peek(limit, '198.18.7.8')).count).toBe(0);

    // Two turns later the store no longer looks under the first key at all.
    now += 2 * HOUR_MS;
    expect((await one.peek(limit, subject)).count).toBe(0);
  });

  it('counts the growing delay in one script on every node, its wait carried over the turn of the hour', async () => {
    now = BEFORE_TURN;
    const [one, two] = nodes as [RedisCounterStore, RedisCounterStore];
    const subject = '198.18.9.9';
    const rule = { free: 1, windowMs: 15 * MINUTE, maxDelayMs: 20_000 };
    // The same doubling as in memory (delayAfter): free, 1 s, 2 s, 4 s, 8 s, alternating nodes.
    const delays: number[] = [];
    for (const node of [one, two, one, two, one]) delays.push(await node.fail(limit, subject, rule));
    expect(delays).toEqual([0, 1000, 2000, 4000, 8000]);
    now += MINUTE;
    // The 8 s wait set before the turn still holds after it, on the other node.
    expect(await two.waitMs(limit, subject)).toBeGreaterThan(0);
    expect(await two.fail(limit, subject, rule)).toBe(16_000);
    expect(await one.fail(limit, subject, rule)).toBe(20_000);
    // The window lasts at least the wait plus a window, so waiting it out does not reset the count.
    const name = nameUnder((await hourKey(hourOf(now)))!, subject);
    expect(await redis.get(name)).toBe('7');
    expect(await redis.pttl(name)).toBeGreaterThan(15 * MINUTE);
    expect(await redis.pttl(name)).toBeLessThanOrEqual(15 * MINUTE + 20_000);
    expect(await redis.pttl(`${name}:wait`)).toBeGreaterThan(0);
    expect(await redis.pttl(`${name}:wait`)).toBeLessThanOrEqual(20_000);
  });
});

/** A Redis of its own on a free port, for the tests that stop it or make it write to disk. */
async function ownRedis(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-redis-'));
  const port = 20_000 + crypto.randomInt(20_000);
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = `redis://127.0.0.1:${port}`;
  const probe = inspectRedis(url);
  probe.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    try {
      if ((await probe.ping()) === 'PONG') break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
  return { url, stop };
}

const redisServerInstalled = (process.env.PATH ?? '').split(':').some((dir) => fs.existsSync(path.join(dir, 'redis-server')));

describeRedis('the Redis the counters need', () => {
  it('refuses a Redis that writes snapshots or an append-only file', async () => {
    if (!redisServerInstalled) return console.warn('redis-server not installed: the persistence check was not run');
    for (const persisting of [['--save', '900 1', '--appendonly', 'no'], ['--save', '', '--appendonly', 'yes']]) {
      const server = await ownRedis(persisting);
      try {
        await expect(connectRedisCounters(server.url)).rejects.toThrow(/writes to disk/);
      } finally {
        await server.stop();
      }
    }
  });

  it('names an unreachable Redis in one line, without its password', async () => {
    const failure = await connectRedisCounters('redis://:hunter2@127.0.0.1:1').catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^REDIS_URL: cannot reach Redis at redis:\/\/127\.0\.0\.1:1\b/);
    expect((failure as Error).message).not.toContain('hunter2');
  });

  it('counts on this node alone while Redis is gone, and says so in the log', async () => {
    if (!redisServerInstalled) return console.warn('redis-server not installed: the fallback test was not run');
    const server = await ownRedis(['--save', '', '--appendonly', 'no']);
    const warnings: string[] = [];
    const store = await connectRedisCounters(server.url, { log: { info: () => {}, warn: (_obj, msg) => warnings.push(msg) } });
    try {
      expect((await store.hit('gone', '198.18.1.1', MINUTE)).count).toBe(1);
      await server.stop();
      expect((await store.hit('gone', '198.18.1.1', MINUTE)).count).toBe(1);
      expect((await store.hit('gone', '198.18.1.1', MINUTE)).count).toBe(2);
      expect(warnings.some((w) => w.includes('each node counts alone'))).toBe(true);
    } finally {
      await store.close();
      await server.stop();
    }
  }, 30_000);
});
