// Password hashes name their scheme, so hashes of both profiles verify (issue 23); the master key's
// providers (file 0600 in DATA_DIR, or a given key).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../src/users/passwords.js';
import { activeProfile, fileKeyProvider, givenKeyProvider, KEY_FILE_NAME, useCryptoProfile } from '../../../src/shared/crypto/index.js';
import { keyProvider } from '../../../src/plugins/keys.js';
import { tempDir } from '../../helpers/app.js';

const start = activeProfile();
const cheap = process.env.SUNSHINE_TEST_CHEAP_KDF;
const nodeEnv = process.env.NODE_ENV;
afterEach(() => {
  useCryptoProfile(start);
  for (const [name, value] of [['SUNSHINE_TEST_CHEAP_KDF', cheap], ['NODE_ENV', nodeEnv]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('password hashes', () => {
  it('are cheap only for the test suite: NODE_ENV=test and SUNSHINE_TEST_CHEAP_KDF=1 together', async () => {
    useCryptoProfile('intl');
    process.env.NODE_ENV = 'test';
    process.env.SUNSHINE_TEST_CHEAP_KDF = '1';
    expect(await hashPassword('Zhang-San-2026')).toMatch(/^scrypt\$1024\$8\$1\$/);
    process.env.NODE_ENV = 'production';
    expect(await hashPassword('Zhang-San-2026')).toMatch(/^scrypt\$32768\$8\$1\$/);
    process.env.NODE_ENV = 'test';
    delete process.env.SUNSHINE_TEST_CHEAP_KDF;
    expect(await hashPassword('Zhang-San-2026')).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('are scrypt under intl and PBKDF2-SM3 under sm, and both verify under either profile', async () => {
    delete process.env.SUNSHINE_TEST_CHEAP_KDF;
    useCryptoProfile('intl');
    const old = await hashPassword('Zhang-San-2026');
    useCryptoProfile('sm');
    const now = await hashPassword('Zhang-San-2026');
    expect(old).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(now).toMatch(/^pbkdf2-sm3\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    for (const profile of ['intl', 'sm'] as const) {
      useCryptoProfile(profile);
      expect(await verifyPassword('Zhang-San-2026', old)).toBe(true);
      expect(await verifyPassword('Zhang-San-2026', now)).toBe(true);
      expect(await verifyPassword('Zhang-San-2027', now)).toBe(false);
    }
  });

  it('refuse a damaged or unknown stored hash instead of throwing or hanging', async () => {
    delete process.env.SUNSHINE_TEST_CHEAP_KDF;
    useCryptoProfile('sm');
    const now = await hashPassword('Zhang-San-2026');
    const [scheme, , salt, hash] = now.split('$');
    expect(await verifyPassword('Zhang-San-2026', `${scheme}$999999999$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword('Zhang-San-2026', `${scheme}$100000$${salt}$`)).toBe(false);
    expect(await verifyPassword('Zhang-San-2026', `bcrypt$10$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword('Zhang-San-2026', '')).toBe(false);
  });
});

describe('key providers', () => {
  it('the file provider creates DATA_DIR/master.key with mode 0600 once and reads it after', () => {
    const dir = tempDir('sunshine-key-');
    const first = fileKeyProvider(dir).masterKey();
    expect(fs.statSync(path.join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(fileKeyProvider(dir).masterKey()).toEqual(first);
    expect(first.length).toBe(32);
  });

  it('the configured key wins over the file, and must be 32 bytes', () => {
    const key = Buffer.alloc(32, 5);
    const provider = keyProvider({ masterKey: key, dataDir: tempDir('sunshine-key-') });
    expect(provider.kind).toBe('environment');
    expect(provider.masterKey()).toBe(key);
    expect(() => givenKeyProvider(Buffer.alloc(16))).toThrow();
  });
});
