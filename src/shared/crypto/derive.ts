// Keys derived with each profile's KDF, registered as one family (key-family.ts).
import crypto from 'node:crypto';
import { keyFamily, keyFor } from './key-family.js';
import { hkdfIntl } from './intl.js';
import { activeProfile, type CryptoProfileName } from './profile.js';
import { hkdfSm } from './sm.js';

/**
 * A 32-byte key for `info`, derived from `ikm` once with HKDF-SHA256 (salt `intlSalt`) and once
 * with HKDF-SM3 (salt `smSalt`); returns the member of `active` with the other in its family.
 */
export function deriveFamily(ikm: Buffer, salts: { intl: string; sm: string }, info: string, active: CryptoProfileName = activeProfile()): Buffer {
  return keyFamily({ intl: hkdfIntl(ikm, salts.intl, info, 32), sm: hkdfSm(ikm, salts.sm, info, 32) }, active);
}

/**
 * A feature's own key under a purpose key (e.g. the exchange's partner-secret key under `identity`):
 * each member derived from the parent's member of the same profile with that profile's KDF, kept as
 * one family, so a value sealed under it before a switch of profile still opens after.
 */
export function subkeyFamily(parent: Buffer, salts: { intl: string; sm: string }, info: string, active: CryptoProfileName = activeProfile()): Buffer {
  return keyFamily({ intl: hkdfIntl(keyFor(parent, 'intl'), salts.intl, info, 32), sm: hkdfSm(keyFor(parent, 'sm'), salts.sm, info, 32) }, active);
}

/** A key derived from a secret the client holds (e.g. a form's submission nonce). */
export function keyFromSecret(secret: string, purpose: string): Buffer {
  return deriveFamily(Buffer.from(secret), { intl: 'sunshine/client', sm: 'sunshine/sm/client' }, purpose);
}

/**
 * A fingerprint of the master key (16 bytes as hex) from which the key cannot be recovered: a backup's
 * manifest carries it so restore tells a wrong key before copying anything. Always HKDF-SHA256
 * under its own label, whatever the profile: manifests of existing backups carry this value, and it
 * identifies the key rather than protecting data.
 */
export function masterKeyFingerprint(masterKey: Buffer): string {
  return hkdfIntl(masterKey, 'sunshine/v1', 'backup-key-fingerprint', 16).toString('hex');
}

export function randomToken(bytes = 24): string {
  return crypto.randomBytes(bytes).toString('base64url');
}
