// Issue 16 defect 7: five wrong passwords locked an account for 15 minutes, doubling to a day, so
// anyone who guessed user names could keep an office locked out. Now: a growing wait after the fifth
// failure in a row, capped at 15 minutes; tries during the wait are refused unchecked and not
// counted (a guesser cannot push it out); only failures count; a success ends it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkPassword, checkSecondFactor, findUser } from '../../src/users/index.js';
import { MAX_DELAY_MS, throttleDelayMs } from '../../src/users/service.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('the wait after failed sign-ins', () => {
  // Every try costs a scrypt (≈ 100 ms alone, several times that on a loaded CI machine).
  vi.setConfig({ testTimeout: 120_000 });
  it('grows from 30 s after the fifth failure and never passes 15 minutes', () => {
    expect([1, 2, 3, 4].map(throttleDelayMs)).toEqual([0, 0, 0, 0]);
    expect(throttleDelayMs(5)).toBe(30_000);
    expect(throttleDelayMs(6)).toBe(60_000);
    expect(throttleDelayMs(9)).toBe(480_000);
    expect(throttleDelayMs(10)).toBe(MAX_DELAY_MS);
    expect(throttleDelayMs(500)).toBe(MAX_DELAY_MS);
  });

  it('refuses tries during the wait without checking or counting them, and lets the right password in after it', async () => {
    const s: TestStaff = await createStaff(t.app, 'ca:220102', ['handler']);
    let now = Date.UTC(2026, 11, 7, 2, 0, 0);
    for (let i = 1; i <= 5; i++) {
      expect((await checkPassword(t.app.deps, s.user.username, 'wrong-Password-1', now)).ok).toBe(false);
      now += 1000;
    }
    const waiting = (await findUser(t.app.db, s.user.id))!;
    expect(waiting.failedLogins).toBe(5);
    expect(waiting.lockedUntil).toBe(now - 1000 + 30_000);
    // During the wait even the right password is refused, with the same neutral answer; nothing is counted.
    for (let i = 0; i < 10; i++) {
      const r = await checkPassword(t.app.deps, s.user.username, s.password, now + i * 1000);
      expect(r).toMatchObject({ ok: false });
    }
    expect((await findUser(t.app.db, s.user.id))!.failedLogins).toBe(5);
    expect((await findUser(t.app.db, s.user.id))!.lockedUntil).toBe(waiting.lockedUntil);
    // A second factor posted during the wait is not checked either.
    expect(await checkSecondFactor(t.app.deps, (await findUser(t.app.db, s.user.id))!, '000000', now)).toBe(false);
    expect((await findUser(t.app.db, s.user.id))!.failedLogins).toBe(5);
    // After the wait, the right password goes through.
    const after = await checkPassword(t.app.deps, s.user.username, s.password, waiting.lockedUntil! + 1);
    expect(after.ok).toBe(true);
  });

  it('keeps a guesser to one try per wait: after an hour of guessing the wait is still at most 15 minutes', async () => {
    const s = await createStaff(t.app, 'ca:220102', ['handler']);
    let now = Date.UTC(2026, 11, 7, 3, 0, 0);
    let tries = 0;
    const end = now + 3600_000;
    while (now < end) {
      await checkPassword(t.app.deps, s.user.username, `guess-${tries}-Aa1`, now);
      tries += 1;
      now += 120_000;
    }
    const user = (await findUser(t.app.db, s.user.id))!;
    // Hundreds of posts, but only the ones outside a wait were checked.
    expect(tries).toBe(30);
    expect(user.failedLogins).toBeLessThan(15);
    expect(user.lockedUntil! - now).toBeLessThanOrEqual(MAX_DELAY_MS);
  });
});
