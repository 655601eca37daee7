// Wrong passwords for many user names sent at once from one address to a node counting in Redis.
// The limit was read before the password check and the failure counted after it, so every request
// of a burst read "under the limit": a password sprayer got as many tries as it could send at once.
// Now a try is counted first (an atomic increment) and given back when it succeeds, so successes
// still never count (an office behind one NAT address does not lock itself out).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { openForm } from '../helpers/forms.js';
import { describeRedis, TEST_REDIS_URL } from '../helpers/redis.js';
import { createStaff, signIn } from '../helpers/staff.js';

const LIMIT = 20;

describeRedis('sign-in tries sent at once to a node counting in Redis', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ redisUrl: TEST_REDIS_URL });
  });
  afterAll(() => t?.close());

  it('checks no more passwords than the limit, and a right one still does not count', async () => {
    const address = `10.46.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const office = await createStaff(t.app, 'ca:220102', ['handler']);
    // Successes first: they never count.
    for (let i = 0; i < 3; i++) await signIn(t.app, office, address);
    const forms = await Promise.all(Array.from({ length: 40 }, () => openForm(t.app, '/staff/login')));
    const answers = await Promise.all(
      forms.map((form, i) => t.app.inject({ method: 'POST', url: '/staff/login', cookies: form.cookies, remoteAddress: address, payload: { _csrf: form.csrf, username: `nobody-${i}`, password: 'Guess-Password-1', next: '/staff' } })),
    );
    const checked = answers.filter((r) => r.statusCode === 401).length;
    expect(checked + answers.filter((r) => r.statusCode === 429).length).toBe(40);
    expect(checked).toBe(LIMIT);
  }, 120_000);
});
