// seal/open for features: written under the active profile, read under whichever profile the
// value's first byte names (1 = intl AES-256-GCM, 2 = sm SM4-CTR + HMAC-SM3).
import { keyFor } from './key-family.js';
import { INTL_SEAL_VERSION, openIntl, sealIntl } from './intl.js';
import { activeProfile, type CryptoProfileName } from './profile.js';
import { openSm, sealSm, SM_SEAL_VERSION } from './sm.js';

/** Seals under `profile` (the active one by default). `context` binds the value to its row (e.g. "report:12"). */
export function sealWith(profile: CryptoProfileName, key: Buffer, plaintext: string | Buffer, context = ''): Buffer {
  return profile === 'sm' ? sealSm(keyFor(key, 'sm'), plaintext, context) : sealIntl(keyFor(key, 'intl'), plaintext, context);
}

export function seal(key: Buffer, plaintext: string | Buffer, context = ''): Buffer {
  return sealWith(activeProfile(), key, plaintext, context);
}

/** The profile a sealed value was written under, or null when it is not a sealed value. */
export function sealedProfile(sealed: Buffer): CryptoProfileName | null {
  if (sealed[0] === INTL_SEAL_VERSION) return 'intl';
  if (sealed[0] === SM_SEAL_VERSION) return 'sm';
  return null;
}

/**
 * The first byte of every value sealed under `profile`: for finding the values not yet re-sealed
 * into a profile (key rotation's "not sealed as" queries) without naming the format.
 */
export function sealVersion(profile: CryptoProfileName): number {
  return profile === 'sm' ? SM_SEAL_VERSION : INTL_SEAL_VERSION;
}

/** The plaintext, or an error when the value was altered or sealed under another key or context. */
export function unseal(key: Buffer, sealed: Buffer, context = ''): Buffer {
  const profile = sealedProfile(sealed);
  if (profile === 'sm') return openSm(keyFor(key, 'sm'), sealed, context);
  if (profile === 'intl') return openIntl(keyFor(key, 'intl'), sealed, context);
  throw new Error('not a sealed value');
}

export function sealJson(key: Buffer, value: unknown, context = ''): Buffer {
  return seal(key, JSON.stringify(value), context);
}

export function unsealJson<T>(key: Buffer, sealed: Buffer, context = ''): T {
  return JSON.parse(unseal(key, sealed, context).toString('utf8')) as T;
}
