// Password hashes (staff sign-in, src/users/passwords.ts, which owns the password rule and its
// normalization). A stored hash names its scheme, so both verify at once:
//   scrypt$N$r$p$salt$hash          the intl profile: memory-hard, Node's scrypt (no native dependency)
//   pbkdf2-sm3$iterations$salt$hash the sm profile (issue 23): PBKDF2 with HMAC-SM3
// The choice for the sm profile is PBKDF2-SM3, not scrypt: a 密评 assessor checks that stored
// authentication data is protected with approved algorithms, and scrypt's core (Salsa20/8, SHA-256)
// is not one; PBKDF2-SM3 is built from SM3 alone. It is not memory-hard, so it guesses faster on
// GPUs than scrypt: the iteration count is set as high as sign-in allows on a 2-core server, and
// the rest is carried by the password rule, the sign-in rate limits and the staff's TOTP.
// New hashes follow the active profile; a stored hash keeps verifying until it is replaced
// (passwordHashNeedsRehash says when a hash is not the one the active profile would write now).
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { activeProfile } from './profile.js';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>;
const pbkdf2 = promisify(crypto.pbkdf2);

/** N=2^15, r=8: 32 MiB and about 100 ms per hash on this machine: slow for guessing, fine for sign-in. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;
/** About 0.3 s per hash on an idle core here (OpenSSL's SM3 has no assembly, ~2.5× SHA-256's cost). */
const SM3_ITERATIONS = 100_000;

/**
 * The test suite's cheap costs (scrypt N=2^10, 10,000 PBKDF2 rounds: about 1 ms): the suite hashes
 * and verifies some two thousand staff passwords per engine, which at full cost was minutes of CI's
 * 30. Only with NODE_ENV=test and SUNSHINE_TEST_CHEAP_KDF=1 together (vitest.config.ts sets both);
 * read per call, so a test can check the real costs. A stored hash names its own cost, so a cheap
 * hash never passes for a full one, and the verify bounds below are unchanged.
 */
function costs(): { scrypt: typeof PARAMS; sm3Iterations: number } {
  if (process.env.NODE_ENV === 'test' && process.env.SUNSHINE_TEST_CHEAP_KDF === '1') return { scrypt: { ...PARAMS, N: 2 ** 10 }, sm3Iterations: 10_000 };
  return { scrypt: PARAMS, sm3Iterations: SM3_ITERATIONS };
}

/** The stored hash of `secret` (already normalized by the caller) under the active profile, with a fresh salt. */
export async function passwordHash(secret: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const cost = costs();
  if (activeProfile() === 'sm') {
    const hash = await pbkdf2(secret, salt, cost.sm3Iterations, KEY_LENGTH, 'sm3');
    return `pbkdf2-sm3$${cost.sm3Iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
  }
  const { N, r, p } = cost.scrypt;
  const hash = await scrypt(secret, salt, KEY_LENGTH, cost.scrypt);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether `stored` is the hash of `secret`, under the scheme it names; false for a damaged or unknown one. */
export async function verifyPasswordHash(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  let actual: Buffer;
  let expected: Buffer;
  if (parts[0] === 'scrypt') {
    const [, n, r, p, salt, hash] = parts;
    if (!salt || !hash) return false;
    expected = Buffer.from(hash, 'base64');
    actual = await scrypt(secret, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem });
  } else if (parts[0] === 'pbkdf2-sm3') {
    const [, iterations, salt, hash] = parts;
    const count = Number(iterations);
    // A stored count is trusted only within sane bounds (a damaged row must not hang sign-in).
    if (!salt || !hash || !Number.isSafeInteger(count) || count < 10_000 || count > 10_000_000) return false;
    expected = Buffer.from(hash, 'base64');
    actual = await pbkdf2(secret, Buffer.from(salt, 'base64'), count, expected.length, 'sm3');
  } else return false;
  return expected.length > 0 && crypto.timingSafeEqual(actual, expected);
}

/**
 * Whether `stored` is not what passwordHash would write now: another profile's scheme, or a lower
 * cost than the current one (a caller that has just verified the password may store a new hash).
 */
export function passwordHashNeedsRehash(stored: string): boolean {
  const parts = stored.split('$');
  const cost = costs();
  if (activeProfile() === 'sm') return parts[0] !== 'pbkdf2-sm3' || !(Number(parts[1]) >= cost.sm3Iterations);
  if (parts[0] !== 'scrypt') return true;
  const [, n, r, p] = parts.map(Number);
  return !(n! >= cost.scrypt.N && r! >= cost.scrypt.r && p! >= cost.scrypt.p);
}
