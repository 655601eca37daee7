// Sign-in tries sent at once. Each request reads the account at its start; the failure count was
// then written back as "what I read + 1", so forty second-factor guesses fired together counted as
// one failure and none waited for the lock: a guesser holding the password could try codes in
// bursts without limit. A recovery code or a TOTP code sent twice at once was also accepted twice.
// Now every try is counted before it is checked, in one write transaction that reads the account
// afresh (write transactions run one at a time on both engines), and a success consumes its code in
// a transaction that checks it is still unused.
import { entriesFor } from '../../src/audit/index.js';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkPassword, checkSecondFactor, findUser, newRecoveryCodes, recoveryDigest, updateUser } from '../../src/users/index.js';
import { DELAY_AFTER_FAILURES } from '../../src/users/service.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff } from '../helpers/staff.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const failuresAudited = async (userId: number, result: string) => (await entriesFor(t.app.db, 'user', String(userId))).filter((e) => e.result === result).length;

describe('sign-in tries sent at once', () => {
  vi.setConfig({ testTimeout: 120_000 });

  it('checks no more second-factor codes than the failures allowed before the wait, however many arrive together', async () => {
    const s = await createStaff(t.app, 'ca:220102', ['handler']);
    const user = (await findUser(t.app.db, s.user.id))!;
    const now = Date.now();
    // Forty guesses, all made with the account as read before any of them (as forty requests would).
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => checkSecondFactor(t.app.deps, user, String(100000 + i), now)));
    expect(results.every((ok) => !ok)).toBe(true);
    const after = (await findUser(t.app.db, s.user.id))!;
    expect(after.failedLogins).toBe(DELAY_AFTER_FAILURES);
    expect(after.lockedUntil).toBeGreaterThan(now);
    expect(await failuresAudited(s.user.id, 'bad_second_factor')).toBe(DELAY_AFTER_FAILURES);
  });

  it('counts wrong passwords sent together one by one', async () => {
    const s = await createStaff(t.app, 'ca:220102', ['handler']);
    const now = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => checkPassword(t.app.deps, s.user.username, `wrong-Password-${i}`, now)));
    const after = (await findUser(t.app.db, s.user.id))!;
    expect(after.failedLogins).toBe(DELAY_AFTER_FAILURES);
    expect(after.lockedUntil).toBeGreaterThan(now);
  });

  it('accepts a recovery code once when it is sent twice at once', async () => {
    const s = await createStaff(t.app, 'ca:220102', ['handler']);
    const [code] = newRecoveryCodes(1) as [string];
    await updateUser(t.app.db, s.user.id, { recoveryCodes: JSON.stringify([recoveryDigest(t.app.keys['id-hash'], code)]) });
    const user = (await findUser(t.app.db, s.user.id))!;
    const results = await Promise.all([checkSecondFactor(t.app.deps, user, code), checkSecondFactor(t.app.deps, user, code)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(JSON.parse((await findUser(t.app.db, s.user.id))!.recoveryCodes!)).toEqual([]);
  });

  it('accepts a TOTP code once when it is sent twice at once', async () => {
    const s = await createStaff(t.app, 'ca:220102', ['handler']);
    const user = (await findUser(t.app.db, s.user.id))!;
    const code = await generate({ secret: s.totpSecret });
    const results = await Promise.all([checkSecondFactor(t.app.deps, user, code), checkSecondFactor(t.app.deps, user, code)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('recovery codes across a crypto-profile switch (issue 23)', () => {
  it('accepts a code issued under the other profile, once', async () => {
    const { useCryptoProfile, activeProfile } = await import('../../src/shared/crypto/index.js');
    const s = await createStaff(t.app, 'ca:220102', ['handler']);
    const [code] = newRecoveryCodes(1) as [string];
    const other = activeProfile() === 'sm' ? 'intl' : 'sm';
    const previous = useCryptoProfile(other);
    let stored: string;
    try {
      stored = recoveryDigest(t.app.keys['id-hash'], code);
    } finally {
      useCryptoProfile(previous);
    }
    await updateUser(t.app.db, s.user.id, { recoveryCodes: JSON.stringify([stored]) });
    const user = (await findUser(t.app.db, s.user.id))!;
    expect(await checkSecondFactor(t.app.deps, user, code)).toBe(true);
    expect(await checkSecondFactor(t.app.deps, (await findUser(t.app.db, s.user.id))!, code)).toBe(false);
  });
});
