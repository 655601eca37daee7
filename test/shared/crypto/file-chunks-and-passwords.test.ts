// What the crypto module took over from the features (issue 23 follow-up): the stored files' chunk
// cipher, the password hash and whether a hash needs renewing, the seal versions and the master
// key's fingerprint — each by purpose, reached through the module's index only.
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  activeProfile,
  deriveFamily,
  FILE_CHUNK_TAG_BYTES,
  fileChunkCipher,
  masterKeyFingerprint,
  passwordHash,
  passwordHashNeedsRehash,
  sealVersion,
  sealWith,
  useCryptoProfile,
  verifyPasswordHash,
} from '../../../src/shared/crypto/index.js';
import { keyFingerprint } from '../../../src/backup/index.js';

const start = activeProfile();
const cheap = process.env.SUNSHINE_TEST_CHEAP_KDF;
afterEach(() => {
  useCryptoProfile(start);
  if (cheap === undefined) delete process.env.SUNSHINE_TEST_CHEAP_KDF;
  else process.env.SUNSHINE_TEST_CHEAP_KDF = cheap;
});

describe('the stored files\' chunk cipher', () => {
  const family = deriveFamily(crypto.randomBytes(32), { intl: 'test/intl', sm: 'test/sm' }, 'files');
  const file = { header: Buffer.from('SSF\u0002header'), salt: crypto.randomBytes(16), name: 'a'.repeat(32) };

  it.each(['intl', 'sm'] as const)('under %s seals a chunk that opens at its place only, under its own profile', (profile) => {
    const other = profile === 'sm' ? 'intl' : 'sm';
    const plain = crypto.randomBytes(1000);
    const record = fileChunkCipher(profile, family, file).seal(3, false, plain);
    expect(record.length).toBe(plain.length + FILE_CHUNK_TAG_BYTES);
    // A fresh cipher for the same file (the reader's) opens it.
    expect(fileChunkCipher(profile, family, file).open(3, false, record).equals(plain)).toBe(true);
    expect(() => fileChunkCipher(profile, family, file).open(4, false, record)).toThrow(/altered or damaged at chunk 4/);
    expect(() => fileChunkCipher(profile, family, file).open(3, true, record)).toThrow(/altered or damaged/);
    expect(() => fileChunkCipher(profile, family, { ...file, name: 'b'.repeat(32) }).open(3, false, record)).toThrow(/altered or damaged/);
    expect(() => fileChunkCipher(other, family, file).open(3, false, record)).toThrow(/altered or damaged/);
    expect(() => fileChunkCipher(profile, family, file).open(0, true, Buffer.alloc(FILE_CHUNK_TAG_BYTES - 1))).toThrow(/damaged/);
  });
});

describe('password hashes by purpose', () => {
  it('say when a stored hash is not what the active profile writes now', async () => {
    delete process.env.SUNSHINE_TEST_CHEAP_KDF;
    useCryptoProfile('intl');
    const scryptHash = await passwordHash('Wang-Wu-2026');
    useCryptoProfile('sm');
    const smHash = await passwordHash('Wang-Wu-2026');
    expect(passwordHashNeedsRehash(smHash)).toBe(false);
    expect(passwordHashNeedsRehash(scryptHash)).toBe(true);
    expect(passwordHashNeedsRehash(smHash.replace(/^pbkdf2-sm3\$100000\$/, 'pbkdf2-sm3$10000$'))).toBe(true);
    expect(passwordHashNeedsRehash('')).toBe(true);
    useCryptoProfile('intl');
    expect(passwordHashNeedsRehash(scryptHash)).toBe(false);
    expect(passwordHashNeedsRehash(smHash)).toBe(true);
    expect(passwordHashNeedsRehash(scryptHash.replace(/^scrypt\$32768\$/, 'scrypt$1024$'))).toBe(true);
    expect(passwordHashNeedsRehash('scrypt$$$')).toBe(true);
    // Either verifies whatever is active.
    expect(await verifyPasswordHash('Wang-Wu-2026', smHash)).toBe(true);
    expect(await verifyPasswordHash('Wang-Wu-2026', scryptHash)).toBe(true);
  });
});

describe('seal versions and the key fingerprint', () => {
  it('sealVersion is the first byte of a value sealed under that profile', () => {
    const key = crypto.randomBytes(32);
    for (const profile of ['intl', 'sm'] as const) expect(sealWith(profile, key, 'x')[0]).toBe(sealVersion(profile));
    expect(sealVersion('intl')).not.toBe(sealVersion('sm'));
  });

  it('masterKeyFingerprint is the fingerprint backups have always carried', () => {
    for (let i = 0; i < 3; i++) {
      const key = crypto.randomBytes(32);
      expect(masterKeyFingerprint(key)).toMatch(/^[0-9a-f]{32}$/);
      expect(masterKeyFingerprint(key)).toBe(keyFingerprint(key));
    }
  });
});
