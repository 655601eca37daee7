// Passwords: their hashing (by the crypto module, under the active profile: a stored hash names its
// scheme, so hashes of both profiles verify; see src/shared/crypto/password-hash.ts) and the
// strength rule. A password is hashed as its NFKC normalization, so a full-width "Ａ" typed on a
// Chinese keyboard is the "A" of the same password typed elsewhere.
import crypto from 'node:crypto';
import { passwordHash, verifyPasswordHash } from '../shared/crypto/index.js';

export async function hashPassword(password: string): Promise<string> {
  return passwordHash(password.normalize('NFKC'));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return verifyPasswordHash(password.normalize('NFKC'), stored);
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
