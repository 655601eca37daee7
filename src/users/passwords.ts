// Password hashing and the strength rule. A stored hash names its scheme, so both verify at once:
//   scrypt$N$r$p$salt$hash          the intl profile: memory-hard, Node's scrypt (no native dependency)
//   pbkdf2-sm3$iterations$salt$hash the sm profile (issue 23): PBKDF2 with HMAC-SM3
// The choice for the sm profile is PBKDF2-SM3, not scrypt: a 密评 assessor checks that stored
// authentication data is protected with approved algorithms, and scrypt's core (Salsa20/8, SHA-256)
// is not one; PBKDF2-SM3 is built from SM3 alone. It is not memory-hard, so it guesses faster on
// GPUs than scrypt: the iteration count is set as high as sign-in allows on a 2-core server, and
// the rest is carried by the password rule below, the sign-in rate limits and the staff's TOTP.
// New hashes follow the active profile; an account keeps its old hash until its next password change.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { activeProfile } from '../shared/crypto/index.js';

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

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const normalized = password.normalize('NFKC');
  const cost = costs();
  if (activeProfile() === 'sm') {
    const hash = await pbkdf2(normalized, salt, cost.sm3Iterations, KEY_LENGTH, 'sm3');
    return `pbkdf2-sm3$${cost.sm3Iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
  }
  const { N, r, p } = cost.scrypt;
  const hash = await scrypt(normalized, salt, KEY_LENGTH, cost.scrypt);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const normalized = password.normalize('NFKC');
  let actual: Buffer;
  let expected: Buffer;
  if (parts[0] === 'scrypt') {
    const [, n, r, p, salt, hash] = parts;
    if (!salt || !hash) return false;
    expected = Buffer.from(hash, 'base64');
    actual = await scrypt(normalized, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem });
  } else if (parts[0] === 'pbkdf2-sm3') {
    const [, iterations, salt, hash] = parts;
    const count = Number(iterations);
    // A stored count is trusted only within sane bounds (a damaged row must not hang sign-in).
    if (!salt || !hash || !Number.isSafeInteger(count) || count < 10_000 || count > 10_000_000) return false;
    expected = Buffer.from(hash, 'base64');
    actual = await pbkdf2(normalized, Buffer.from(salt, 'base64'), count, expected.length, 'sm3');
  } else return false;
  return expected.length > 0 && crypto.timingSafeEqual(actual, expected);
}

/** A hash of nothing in particular, verified when a user name is unknown so both paths cost the same. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return dummy;
}

// The most common passwords in leaked Chinese and international lists, plus keyboard and date runs.
const COMMON = new Set(
  `123456 12345678 123456789 1234567890 password password1 11111111 88888888 66666666 00000000 12341234 123123123
  qwertyui qwerty123 1qaz2wsx 1q2w3e4r zxcvbnm1 asdfghjk a1234567 a12345678 abc12345 abcd1234 woaini1314 iloveyou
  aa123456 aaaaaaaa 5201314520 147258369 987654321 11223344 asd123456 qq123456 admin123 administrator root1234
  passw0rd p@ssw0rd sunshine sunshine1 welcome1 changeme letmein1 12qwaszx qazwsxedc 1qazxsw2 zaq12wsx
  minzheng 12345qwert dibao123 admin888 88888888a`.split(/\s+/),
);

export type PasswordProblem = 'too_short' | 'too_long' | 'classes' | 'common' | 'contains_username' | 'repetitive' | 'reused';

/**
 * How many of the four kinds of character a password uses: lower-case letters, upper-case letters,
 * digits, and anything else (punctuation, spaces, Chinese characters).
 */
export function characterClasses(password: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
}

/** Length, three of the four kinds of character (等保's usual reading of "complexity"), no common or repetitive password. */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if (password.length < 8) return 'too_short';
  if (password.length > 200) return 'too_long';
  if (characterClasses(password) < 3) return 'classes';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'common';
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'contains_username';
  if (new Set(lower).size <= 2) return 'repetitive';
  return null;
}

/**
 * A generated password for new accounts and resets: 16 characters, no look-alikes, drawn again
 * until it has upper- and lower-case letters and digits (the policy's three kinds).
 */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  for (;;) {
    let out = '';
    for (let i = 0; i < 16; i++) out += alphabet[crypto.randomInt(alphabet.length)];
    if (characterClasses(out) >= 3) return out;
  }
}
