// MACs and keyed hashes (audit chain, query-code lookup, ID-number hashes, recovery codes) as text
// that names its algorithm: 64 hex digits are HMAC-SHA256 (intl, the format of every existing row),
// "sm3:" and 64 hex digits are HMAC-SM3 (sm). Equal inputs under one profile give equal strings,
// so lookups by equality keep working; a value is verified under the algorithm it names.
import crypto from 'node:crypto';
import { keyFor } from './key-family.js';
import { macIntl } from './intl.js';
import { activeProfile, type CryptoProfileName } from './profile.js';
import { macSm } from './sm.js';

export const SM_MAC_PREFIX = 'sm3:';

export function macWith(profile: CryptoProfileName, key: Buffer, data: string | Buffer): string {
  return profile === 'sm' ? SM_MAC_PREFIX + macSm(keyFor(key, 'sm'), data) : macIntl(keyFor(key, 'intl'), data);
}

/** The MAC of `data` under the active profile. */
export function mac(key: Buffer, data: string | Buffer): string {
  return macWith(activeProfile(), key, data);
}

/**
 * The MAC of `data` under every profile, the active one first: for lookups by equality of values
 * stored under either profile (query codes issued before a switch, ID-number hashes of lists not
 * yet re-imported), e.g. `where digest in (…)`.
 */
export function macCandidates(key: Buffer, data: string | Buffer): string[] {
  const active = activeProfile();
  return [active, active === 'sm' ? 'intl' : 'sm'].map((profile) => macWith(profile as CryptoProfileName, key, data));
}

/** The profile a stored MAC was made under, or null when it is not one of ours. */
export function macProfile(digest: string): CryptoProfileName | null {
  if (/^[0-9a-f]{64}$/.test(digest)) return 'intl';
  if (digest.startsWith(SM_MAC_PREFIX) && /^[0-9a-f]{64}$/.test(digest.slice(SM_MAC_PREFIX.length))) return 'sm';
  return null;
}

/** Whether `stored` is the MAC of `data`, recomputed under the algorithm `stored` names. */
export function verifyMac(key: Buffer, data: string | Buffer, stored: string): boolean {
  const profile = macProfile(stored);
  return profile !== null && sameDigest(stored, macWith(profile, key, data));
}

function parts(digest: string): { prefix: string; bytes: Buffer } | null {
  const prefix = digest.startsWith(SM_MAC_PREFIX) ? SM_MAC_PREFIX : '';
  const hex = digest.slice(prefix.length);
  // Buffer.from(…, 'hex') stops at the first non-hex digit: a garbled digest must not compare equal.
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return null;
  return { prefix, bytes: Buffer.from(hex, 'hex') };
}

/** Constant-time comparison of two digests (false for different algorithms, lengths or non-hex text). */
export function sameDigest(a: string, b: string): boolean {
  const x = parts(a);
  const y = parts(b);
  return !!x && !!y && x.prefix === y.prefix && x.bytes.length === y.bytes.length && crypto.timingSafeEqual(x.bytes, y.bytes);
}
