// Issue 21: rate limits counted across app nodes through Redis, without storing a reporter's
// address (DESIGN.md §4). Two app instances on one Redis meet one limit; a report filed and tracked
// from a known address leaves that address nowhere: not in the database, the data directory, the
// logs, Redis's keys and values, or Redis's data directory.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { counterName, hourOf } from '../../src/shared/counters.js';
import { addressKey } from '../../src/shared/rate-limit.js';
import { testConfig } from '../../src/config.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, multipart, openForm, type FileField } from '../helpers/forms.js';
import { reportFields } from '../reports/fixtures.js';
import { jpegWith, exifSegment } from '../evidence/media/builders.js';
import { describeRedis, inspectRedis, TEST_REDIS_URL } from '../helpers/redis.js';

const octet = () => 1 + crypto.randomInt(254);
const hex = () => crypto.randomBytes(2).toString('hex').replace(/^0+(?=.)/, '');
/** Addresses of this run only (benchmark and documentation ranges): counts left in Redis by an earlier run cannot meet them. */
const freshIPv4 = () => `198.18.${octet()}.${octet()}`;
const freshIPv6 = () => `2001:db8:${hex()}:${hex()}::${hex()}`;

async function trackWith(t: TestApp, code: string, ip: string) {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: ip, payload: { _csrf: form.csrf, code } });
  return { res, jar: cookiesFrom(res, form.cookies) };
}

async function fileReport(t: TestApp, ip: string, files: FileField[] = []) {
  const form = await openForm(t.app, '/report');
  const body = await multipart({ ...reportFields(), submission_id: crypto.randomBytes(24).toString('base64url') }, files);
  return t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: ip });
}

const queryCodeIn = (html: string) => /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(html)?.[1];
const wrongCode = () => Array.from({ length: 16 }, () => crypto.randomInt(10)).join('');

describeRedis('rate limits shared by two app nodes through Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    // Two nodes as an operator runs them: the same master key and REDIS_URL, each its own data directory.
    const abuse = { ...testConfig({ dataDir: '/nonexistent' }).abuse, filingsPerAddress: 3 };
    const shared = { redisUrl: TEST_REDIS_URL, masterKey: crypto.randomBytes(32), trackAttemptsPerWindow: 3, abuse };
    a = await makeApp(shared);
    b = await makeApp(shared);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('wrong query codes spread over both nodes meet one limit', async () => {
    const ip = freshIPv4();
    // Three free wrong codes, alternating nodes; node A saw only two of them.
    for (const node of [a, b, a]) expect((await trackWith(node, wrongCode(), ip)).res.statusCode).toBe(400);
    // The fourth (on B) is still checked and sets a wait of 1 s ...
    expect((await trackWith(b, wrongCode(), ip)).res.statusCode).toBe(400);
    // ... which node A enforces, though on its own it counted two failures, under its free three.
    const refused = await trackWith(a, wrongCode(), ip);
    expect(refused.res.statusCode).toBe(429);
    expect(refused.res.headers['retry-after']).toBe('1');
    expect((await trackWith(b, wrongCode(), ip)).res.statusCode).toBe(429);
    // Another address is not affected, on either node.
    expect((await trackWith(a, wrongCode(), freshIPv4())).res.statusCode).toBe(400);
  });

  it('filings from one address spread over both nodes meet one budget', async () => {
    const ip = freshIPv4();
    const statuses: number[] = [];
    for (const node of [a, b, a, b]) statuses.push((await fileReport(node, ip)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await fileReport(a, ip)).statusCode).toBe(429);
    expect((await fileReport(b, freshIPv4())).statusCode).toBe(200);
  }, 60_000);
});

/** Every file under `dir` (recursively) whose bytes contain one of `needles`. */
function filesContaining(dir: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      // A file removed meanwhile (a temporary upload) holds nothing any more.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (needles.some((n) => bytes.includes(Buffer.from(n)))) found.push(file);
  }
  return found;
}

/** Every key of the Redis and its value as text (strings, hashes, and the other types as their elements). */
async function redisContents(redis: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown = null;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1');
      else value = (await redis.dumpBuffer(key))?.toString('latin1') ?? null;
      out.set(key, JSON.stringify(value));
    }
  } while (cursor !== '0');
  return out;
}

describeRedis('a reporter’s address is stored nowhere', () => {
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await makeApp({ redisUrl: TEST_REDIS_URL });
    redis = inspectRedis();
    await redis.connect();
  });
  afterAll(async () => {
    await t?.close();
    await redis?.quit();
  });

  it('after filing with a file, tracking, a wrong code and a failed sign-in from known addresses, neither the database, the data directory, the logs nor Redis holds them', async () => {
    const v4 = freshIPv4();
    const v6 = freshIPv6();
    const needles = [v4, v6, addressKey(v6)];
    for (const ip of [v4, v6]) {
      const filed = await fileReport(t, ip, [{ name: 'evidence', filename: '现场照片.jpg', content: jpegWith(exifSegment()), type: 'image/jpeg' }]);
      expect(filed.statusCode).toBe(200);
      const code = queryCodeIn(filed.body);
      expect(code).toBeDefined();
      expect((await trackWith(t, wrongCode(), ip)).res.statusCode).toBe(400);
      const tracked = await trackWith(t, code!, ip);
      expect(tracked.res.statusCode).toBe(303);
      expect((await t.app.inject({ url: '/track/report', cookies: tracked.jar })).statusCode).toBe(200);
      const login = await openForm(t.app, '/staff/login');
      const signIn = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: login.cookies, remoteAddress: ip, payload: { _csrf: login.csrf, username: 'nobody-here', password: 'Wrong-Password-1', next: '/staff' } });
      expect(signIn.statusCode).toBe(401);
    }

    // The counters are in Redis, named by an HMAC of the address under the hour's key, which is an
    // HMAC of the hour's nonce in Redis under the app's rate-limit key (never in Redis): found by
    // computing that name (under this hour's key or, at the turn of an hour, the previous one's) —
    // and not from what Redis holds alone.
    const hour = hourOf(Date.now());
    const nonces = (await Promise.all([hour, hour - 1].map((h) => redis.get(`sunshine:counter-key:${h}`)))).filter((k): k is string => k !== null);
    expect(nonces.length).toBeGreaterThan(0);
    const hourKeys = nonces.map((n) => crypto.createHmac('sha256', t.app.keys['rate-limit']).update(Buffer.from(n, 'base64')).digest());
    for (const [limit, ip] of [['query-code', v4], ['filings', v4], ['filings-with-files', v4], ['sign-in', v4], ['query-code', v6], ['sign-in', v6]] as const) {
      const fromRedisAlone = nonces.map((k) => `sunshine:counter:${limit}:${counterName(Buffer.from(k, 'base64'), limit, addressKey(ip))}`);
      expect(await Promise.all(fromRedisAlone.map((n) => redis.exists(n))), `${limit} counter of ${ip} named from Redis alone`).toEqual(fromRedisAlone.map(() => 0));
      const names = hourKeys.map((k) => `sunshine:counter:${limit}:${counterName(k, limit, addressKey(ip))}`);
      const counts = await Promise.all(names.map((n) => redis.get(n)));
      expect(counts.find((c) => c !== null), `${limit} counter of ${ip}`).toBe('1');
      const ttl = Math.max(...(await Promise.all(names.map((n) => redis.pttl(n)))));
      expect(ttl, `${limit} counter expires with its window`).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    }

    // Redis: no key and no value holds an address.
    const contents = await redisContents(redis);
    for (const [key, value] of contents) for (const n of needles) expect(`${key} ${value}`, `Redis key ${key}`).not.toContain(n);
    // Redis's data directory: the snapshot and append-only files it would write there (none, as it
    // keeps nothing; an old one left from before is searched too). Only Redis's own files: CI's
    // Redis uses /tmp, which holds every other test's files.
    const setting = async (name: string) => ((await redis.config('GET', name)) as string[])[1] ?? '';
    const dir = await setting('dir');
    const ownFiles = [await setting('dbfilename'), await setting('appendfilename'), await setting('appenddirname')].filter((f) => f !== '').map((f) => path.join(dir, f));
    let searched = 0;
    for (const file of ownFiles) {
      try {
        if (fs.statSync(file).isDirectory()) expect(filesContaining(file, needles)).toEqual([]);
        else {
          const bytes = fs.readFileSync(file);
          expect(needles.filter((n) => bytes.includes(Buffer.from(n))), file).toEqual([]);
        }
        searched++;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EACCES') console.warn(`${file} is not readable here: not searched`);
        else if (code !== 'ENOENT') throw err;
      }
    }
    expect(ownFiles.length, `Redis data files under ${dir} (${searched} present)`).toBeGreaterThan(0);

    // The logs.
    const logs = t.logs();
    expect(logs).toContain('request completed');
    for (const n of needles) expect(logs).not.toContain(n);
    // The data directory: the SQLite database with its write-ahead log, evidence, temporary files.
    expect(filesContaining(t.dataDir, needles)).toEqual([]);
    // On PostgreSQL (npm run test:pg) the database is not in the data directory: search a dump of it.
    if (t.config.databaseUrl) {
      const dump = execFileSync('pg_dump', ['--no-owner', t.config.databaseUrl], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
      expect(dump).toContain('CREATE TABLE');
      for (const n of needles) expect(dump).not.toContain(n);
    }
  }, 60_000);
});
