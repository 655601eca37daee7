// A staff password hashed under the other crypto profile (scrypt after a switch to sm) is written
// again in the active scheme at the next right sign-in, the only moment the password is in hand
// (issue 23); a wrong password changes nothing, and a hash already current is left as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPassword, findUser } from '../../src/users/index.js';
import { useCryptoProfile, type CryptoProfileName } from '../../src/shared/crypto/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let staff: TestStaff;
let previous: CryptoProfileName;
beforeAll(async () => {
  t = await makeApp();
  previous = useCryptoProfile('intl');
  staff = await createStaff(t.app, 'ca:220102', ['handler']);
});
afterAll(async () => {
  useCryptoProfile(previous);
  await t.close();
});

const stored = async () => (await findUser(t.app.db, staff.user.id))!.passwordHash;

describe('a password hash of the other profile', () => {
  it('stays as it is at a sign-in under the profile it was made in', async () => {
    const before = await stored();
    expect(before).toMatch(/^scrypt\$/);
    expect((await checkPassword(t.app.deps, staff.user.username, staff.password)).ok).toBe(true);
    expect(await stored()).toBe(before);
  });

  it('is not touched by a wrong password after a switch to sm', async () => {
    useCryptoProfile('sm');
    const before = await stored();
    expect((await checkPassword(t.app.deps, staff.user.username, `${staff.password}x`)).ok).toBe(false);
    expect(await stored()).toBe(before);
  });

  it('is written again as PBKDF2-SM3 at the next right sign-in under sm, and the same password still signs in', async () => {
    useCryptoProfile('sm');
    expect((await checkPassword(t.app.deps, staff.user.username, staff.password)).ok).toBe(true);
    const after = await stored();
    expect(after).toMatch(/^pbkdf2-sm3\$/);
    expect((await checkPassword(t.app.deps, staff.user.username, staff.password)).ok).toBe(true);
    expect(await stored()).toBe(after);
  });
});
