// Stored password hashes of both schemes, recorded before the hashing moved into src/shared/crypto/
// (issue 23 follow-up): they must keep verifying, whatever profile is active, and the NFKC
// normalization of the password must stay (a full-width "Ａｂｃ" was hashed as "Abc").
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/users/passwords.js';
import { activeProfile, useCryptoProfile } from '../../src/shared/crypto/index.js';

const start = activeProfile();
afterEach(() => {
  useCryptoProfile(start);
});

/** Recorded with the code of commit 53ac820: the test suite's cheap costs and the full ones. */
const STORED = [
  ['Li-Si-2026 密码', 'scrypt$1024$8$1$F1bDofZD+jmRNRHwbDjB1Q==$8BnT6H+RSp6ByytF7rK+MN+5wgIN8gwGaVOAF8nUzQ0='],
  ['Li-Si-2026 密码', 'pbkdf2-sm3$10000$iFA1l02tnI4TTx5JYHkktQ==$IWex4ReINVEuna7MW1zVNhuzizzUnAfDyT+oBUvPyNE='],
  ['Abc-2026', 'scrypt$32768$8$1$2KJ5f4xCzARDV197AQSigw==$Pd9Nd6IWSz0PmdKn7rRRWi5hlhc56dvwwVmXxYeesSg='],
  ['Abc-2026', 'pbkdf2-sm3$100000$t8yc3UE+sFMtS50/cJ0HEA==$/nqKTHJ8ubzE0JaZ/wppXPmsiddrdE49uReLo6yw29Y='],
] as const;

describe('password hashes stored before', () => {
  it.each(['intl', 'sm'] as const)('verify under the %s profile, and a wrong password does not', async (profile) => {
    useCryptoProfile(profile);
    for (const [password, stored] of STORED) {
      expect(await verifyPassword(password, stored), stored).toBe(true);
      expect(await verifyPassword(`${password}!`, stored), stored).toBe(false);
    }
    expect(await verifyPassword('Ａｂｃ-2026', STORED[2][1])).toBe(true);
  });
});
