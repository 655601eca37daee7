// Redis for the tests of the rate limits shared by several app nodes (issue 21). `.ci/run` starts
// one on 127.0.0.1:6379 (REDIS_URL points elsewhere); where none answers, the suites that need it
// are skipped with a line that says so and how to start one.
//
//   describeRedis('two nodes', () => { … makeApp({ redisUrl: TEST_REDIS_URL }) … });
import { describe } from 'vitest';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.REDIS_URL && process.env.REDIS_URL !== '' ? process.env.REDIS_URL : 'redis://127.0.0.1:6379';

/** A client for looking into the test Redis; the caller quits it. */
export function inspectRedis(url = TEST_REDIS_URL): Redis {
  return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
}

async function reachable(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1500, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export const redisUp = await reachable(TEST_REDIS_URL);

/** describe(), or a loud skip when no Redis answers at TEST_REDIS_URL. */
export function describeRedis(name: string, suite: () => void): void {
  if (redisUp) {
    describe(name, suite);
    return;
  }
  console.warn(`SKIPPED "${name}": no Redis answers at ${TEST_REDIS_URL} (start one: redis-server --save "" --appendonly no --daemonize yes; or set REDIS_URL). .ci/run starts it, so CI runs these tests.`);
  describe.skip(`${name} [skipped: no Redis at ${TEST_REDIS_URL}]`, suite);
}
