// The rate-limit counters of several app nodes, in one Redis (REDIS_URL, issue 21). The rules of
// counters.ts hold here too: counters are named by HMACs under an hour key, never by an address.
// The hour key is 32 random bytes that the first node to need it stores in Redis itself, set only if
// absent and expiring at the end of the following hour (at most two hours), so every node uses the
// same one, it never touches a disk (this Redis keeps nothing: checked at start), and once it has
// expired the counters named under it — themselves expired by then — cannot be linked to anyone.
// Each count is one Lua script, so nodes counting at once never lose a try; every counter expires
// with its window (PEXPIRE).
//
// While Redis does not answer, each node counts alone in its own memory (the limits stay, per
// node) rather than refusing every reporter or letting every guess through; it logs that once a minute.
import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { hourOf, HOUR_MS, MemoryCounterStore, counterName, systemClock, type Clock, type CounterStore, type DelayRule, type WindowCount } from './counters.js';

const COUNTER_PREFIX = 'sunshine:counter:';
const HOUR_KEY_PREFIX = 'sunshine:counter-key:';
/** How long a node trusts the hour key it read: if Redis lost it (a restart), nodes agree again within this. */
const KEY_RECHECK_MS = 60_000;
const WARN_EVERY_MS = 60_000;

// A live counter found under the previous hour's name moves to the current one (counters.ts).
const CARRY = `
local function carry(current, previous)
  if current ~= previous and redis.call('EXISTS', current) == 0 and redis.call('EXISTS', previous) == 1 then
    redis.call('RENAME', previous, current)
  end
end
`;

// One failure under a growing delay. KEYS: count (current, previous), wait (current, previous);
// ARGV: free, window ms, max delay ms. Returns the wait it sets (0 while free tries remain); the
// formula is delayAfter() of counters.ts.
const COUNT_FAILURE = `
local function countFailure()
  carry(KEYS[1], KEYS[2])
  local free, window, maxDelay = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
  local fails = redis.call('INCR', KEYS[1])
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    ttl = window
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
  local over = fails - free
  if over <= 0 then return 0 end
  local delay = math.floor(math.min(maxDelay, 1000 * 2 ^ (over - 1)))
  redis.call('SET', KEYS[3], '1', 'PX', delay)
  -- The window lasts at least until the wait is over, so waiting it out does not reset the count.
  if ttl < delay + window then redis.call('PEXPIRE', KEYS[1], delay + window) end
  return delay
end
`;

const SCRIPTS = {
  // KEYS: this hour's key, the previous hour's; ARGV: a fresh key, ms until the end of the next hour.
  counterHourKeys: {
    numberOfKeys: 2,
    lua: `
local current = redis.call('GET', KEYS[1])
if not current then
  current = ARGV[1]
  redis.call('SET', KEYS[1], current, 'PX', ARGV[2])
end
return {current, redis.call('GET', KEYS[2])}
`,
  },
  // KEYS: the counter's current and previous names; ARGV: window ms. Returns {count, ms left}.
  counterHit: {
    numberOfKeys: 2,
    lua: `${CARRY}
carry(KEYS[1], KEYS[2])
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {count, ttl}
`,
  },
  counterPeek: {
    numberOfKeys: 2,
    lua: `
for i = 1, 2 do
  local count = redis.call('GET', KEYS[i])
  if count then return {tonumber(count), redis.call('PTTL', KEYS[i])} end
end
return {0, 0}
`,
  },
  // KEYS: count (current, previous), wait (current, previous); ARGV: free, window ms, max delay ms.
  // The wait is a key that lives as long as the wait; the formula is delayAfter() of counters.ts.
  counterFail: {
    numberOfKeys: 4,
    lua: `${CARRY}${COUNT_FAILURE}
carry(KEYS[3], KEYS[4])
return countFailure()
`,
  },
  counterWait: {
    numberOfKeys: 2,
    lua: `return math.max(0, redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2]))`,
  },
  // counterFail's keys and arguments; the wait left (refused, nothing counted) or 0 (counted).
  counterTry: {
    numberOfKeys: 4,
    lua: `${CARRY}${COUNT_FAILURE}
local wait = math.max(0, redis.call('PTTL', KEYS[3]), redis.call('PTTL', KEYS[4]))
if wait > 0 then return wait end
countFailure()
return 0
`,
  },
  // KEYS: count (current, previous), wait (current, previous). One failure uncounted, the wait ended.
  counterForgive: {
    numberOfKeys: 4,
    lua: `${CARRY}
carry(KEYS[1], KEYS[2])
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
redis.call('DEL', KEYS[3], KEYS[4])
return 0
`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Scripted = { [name in ScriptName]: (...args: (string | number)[]) => Promise<unknown> };

export interface RedisCountersOptions {
  /** Chooses the hour (tests of the rotation); expiry is Redis's own clock. */
  now?: Clock;
  /**
   * A secret of the portal's (derived from the master key, never in Redis). Redis keeps only a random
   * nonce per hour; the hour's key is an HMAC of it under this secret, so a copy of Redis — a snapshot,
   * a replica, MONITOR — cannot test candidate addresses against the counters' names (found in review).
   */
  secret?: Buffer;
  log?: { info(msg: string): void; warn(obj: object, msg: string): void };
}

/** Where a Redis URL points, for messages: never its password. */
export function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
}

/**
 * Connects to the Redis of REDIS_URL and checks that it keeps nothing on disk; throws one clear
 * error when it cannot be reached or writes snapshots or an append-only file (DESIGN.md §4).
 */
export async function connectRedisCounters(url: string, options: RedisCountersOptions = {}): Promise<RedisCounterStore> {
  const where = redisAddress(url);
  const client = new Redis(url, {
    lazyConnect: true,
    // A request must not hang on a lost Redis: commands fail at once and the store counts in memory.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    commandTimeout: 2000,
  });
  const store = new RedisCounterStore(client, options);
  // connect() rejects with "Connection is closed"; the socket's own error says why (refused, DNS, TLS).
  let cause: Error | null = null;
  const remember = (err: Error) => (cause ??= err);
  client.on('error', remember);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new Error(`REDIS_URL: cannot reach Redis at ${where}: ${(cause ?? (err as Error)).message}`);
  } finally {
    client.off('error', remember);
  }
  // From now on a lost connection means counting alone until it is back (ioredis reconnects).
  client.on('error', (err: Error) => store.warnUnreachable(err));
  let persistence: { save: string; appendonly: string } | null = null;
  try {
    persistence = await readPersistence(client);
  } catch {
    // CONFIG is often renamed away on managed Redis: then the operator's word has to do.
    options.log?.warn({ redis: where }, 'REDIS_URL: could not read the Redis persistence settings; it must keep no snapshots and no append-only file (DESIGN.md §4)');
  }
  if (persistence && (persistence.save.trim() !== '' || persistence.appendonly === 'yes')) {
    client.disconnect();
    throw new Error(`REDIS_URL: Redis at ${where} writes to disk (save "${persistence.save}", appendonly ${persistence.appendonly}); rate-limit counters must stay in memory — set save "" and appendonly no`);
  }
  options.log?.info(`rate-limit counters shared through Redis at ${where}`);
  return store;
}

async function readPersistence(client: Redis): Promise<{ save: string; appendonly: string }> {
  const save = (await client.config('GET', 'save')) as string[];
  const appendonly = (await client.config('GET', 'appendonly')) as string[];
  return { save: save[1] ?? '', appendonly: appendonly[1] ?? 'no' };
}

export class RedisCounterStore implements CounterStore {
  readonly shared = true;
  private readonly scripts: Scripted;
  private readonly fallback: MemoryCounterStore;
  private readonly now: Clock;
  private held: { hour: number; at: number; current: Buffer; previous: Buffer | null } | null = null;
  private reading: { hour: number; keys: Promise<{ current: Buffer; previous: Buffer | null }> } | null = null;
  private lastWarning = 0;

  constructor(
    private readonly client: Redis,
    private readonly options: RedisCountersOptions = {},
  ) {
    this.now = options.now ?? systemClock;
    this.fallback = new MemoryCounterStore(this.now);
    for (const [name, script] of Object.entries(SCRIPTS)) client.defineCommand(name, script);
    this.scripts = client as unknown as Scripted;
  }

  async hit(limit: string, subject: string, windowMs: number): Promise<WindowCount> {
    return this.guarded(async () => {
      const [current, previous] = await this.names(limit, subject);
      const [count, resetMs] = (await this.scripts.counterHit(current, previous, windowMs)) as [number, number];
      return { count, resetMs };
    }, () => this.fallback.hit(limit, subject, windowMs));
  }

  async peek(limit: string, subject: string): Promise<WindowCount> {
    return this.guarded(async () => {
      const [count, resetMs] = (await this.scripts.counterPeek(...(await this.names(limit, subject)))) as [number, number];
      return count > 0 ? { count, resetMs: Math.max(0, resetMs) } : { count: 0, resetMs: 0 };
    }, () => this.fallback.peek(limit, subject));
  }

  async fail(limit: string, subject: string, rule: DelayRule): Promise<number> {
    return this.guarded(async () => Number(await this.scripts.counterFail(...(await this.delayKeys(limit, subject)), rule.free, rule.windowMs, rule.maxDelayMs)), () => this.fallback.fail(limit, subject, rule));
  }

  async waitMs(limit: string, subject: string): Promise<number> {
    return this.guarded(async () => {
      const [current, previous] = await this.names(limit, subject);
      return Number(await this.scripts.counterWait(`${current}:wait`, `${previous}:wait`));
    }, () => this.fallback.waitMs(limit, subject));
  }

  async tryOnce(limit: string, subject: string, rule: DelayRule): Promise<number> {
    return this.guarded(async () => Number(await this.scripts.counterTry(...(await this.delayKeys(limit, subject)), rule.free, rule.windowMs, rule.maxDelayMs)), () => this.fallback.tryOnce(limit, subject, rule));
  }

  async forgive(limit: string, subject: string): Promise<void> {
    await this.guarded(async () => this.scripts.counterForgive(...(await this.delayKeys(limit, subject))), () => this.fallback.forgive(limit, subject));
  }

  async close(): Promise<void> {
    await this.fallback.close();
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** A growing delay's keys: the count under this hour's and the previous hour's names, then their waits. */
  private async delayKeys(limit: string, subject: string): Promise<[string, string, string, string]> {
    const [current, previous] = await this.names(limit, subject);
    return [current, previous, `${current}:wait`, `${previous}:wait`];
  }

  /** The Redis names of a subject's counter under this hour's key and the previous hour's (the same name twice when there was none). */
  private async names(limit: string, subject: string): Promise<[string, string]> {
    const { current, previous } = await this.hourKeys();
    const name = (key: Buffer) => `${COUNTER_PREFIX}${limit}:${counterName(key, limit, subject)}`;
    const here = name(current);
    return [here, previous ? name(previous) : here];
  }

  private async hourKeys(): Promise<{ current: Buffer; previous: Buffer | null }> {
    const now = this.now();
    const hour = hourOf(now);
    const held = this.held;
    if (held && held.hour === hour && now - held.at < KEY_RECHECK_MS) return held;
    // One read at a time: a burst of requests at the turn of the hour asks Redis once.
    if (this.reading?.hour !== hour) {
      const reading = { hour, keys: this.readHourKeys(hour, now) };
      this.reading = reading;
      const done = () => {
        if (this.reading === reading) this.reading = null;
      };
      reading.keys.then(done, done);
    }
    return this.reading!.keys;
  }

  private async readHourKeys(hour: number, now: number): Promise<{ current: Buffer; previous: Buffer | null }> {
    const fresh = crypto.randomBytes(32).toString('base64');
    const untilEndOfNextHour = (hour + 2) * HOUR_MS - now;
    const [current, previous] = (await this.scripts.counterHourKeys(`${HOUR_KEY_PREFIX}${hour}`, `${HOUR_KEY_PREFIX}${hour - 1}`, fresh, untilEndOfNextHour)) as [string, string | null];
    const hourKey = (nonce: string) => {
      const raw = Buffer.from(nonce, 'base64');
      return this.options.secret ? crypto.createHmac('sha256', this.options.secret).update(raw).digest() : raw;
    };
    const keys = { current: hourKey(current), previous: previous ? hourKey(previous) : null };
    this.held = { hour, at: now, ...keys };
    return keys;
  }

  private async guarded<T>(shared: () => Promise<T>, alone: () => Promise<T>): Promise<T> {
    try {
      return await shared();
    } catch (err) {
      this.warnUnreachable(err as Error);
      return alone();
    }
  }

  /** Logs, at most once a minute, that Redis does not answer and this node counts alone. */
  warnUnreachable(err: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.options.log?.warn({ err: { message: err.message } }, 'rate-limit counters: Redis does not answer; each node counts alone until it does');
  }
}
