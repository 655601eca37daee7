// Query codes guessed in a burst: forty wrong codes sent at once from one address. The wait was
// read before the lookup and the failure counted after it, so every request of a burst read "no
// wait" and was checked: a guesser got as many tries as it could send at once. Now a try is counted
// before its lookup, atomically with the check of the wait (one Lua script in Redis, one step in
// memory), and a right code is forgiven afterwards, so successes still never count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { openForm } from '../helpers/forms.js';
import { describeRedis, TEST_REDIS_URL } from '../helpers/redis.js';

async function burst(t: TestApp, address: string): Promise<void> {
    const forms = await Promise.all(Array.from({ length: 40 }, () => openForm(t.app, '/track')));
    const answers = await Promise.all(
      forms.map((form, i) =>
        t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: address, payload: { _csrf: form.csrf, code: `9999888877776${String(i).padStart(3, '0')}` } }),
      ),
    );
    const checked = answers.filter((r) => r.statusCode === 400).length;
    const refused = answers.filter((r) => r.statusCode === 429).length;
    expect(checked + refused).toBe(40);
    expect(checked).toBeLessThanOrEqual(6);
    expect(refused).toBeGreaterThanOrEqual(34);
}

describe('query-code guesses sent at once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ trackAttemptsPerWindow: 5 });
  });
  afterAll(() => t?.close());
  it('are checked at most the free tries and one more, counted in this process', () => burst(t, '10.44.0.1'));
});

describeRedis('query-code guesses sent at once to a node counting in Redis', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ trackAttemptsPerWindow: 5, redisUrl: TEST_REDIS_URL });
  });
  afterAll(() => t?.close());
  it('are checked at most the free tries and one more', () => burst(t, `10.45.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`));
});
