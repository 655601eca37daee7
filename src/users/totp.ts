// Second factor: TOTP (RFC 6238) with one-time recovery codes.
import crypto from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import { hmacHex } from '../shared/crypto.js';
import { macCandidates } from '../shared/crypto/index.js';

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, username: string): string {
  return generateURI({ issuer: 'Sunshine 阳光救助监督平台', label: username, secret });
}

/** Accepts the current code or one step either side; never a step at or before `lastStep` (no replay). */
export async function checkTotp(secret: string, token: string, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(token)) return null;
  try {
    const result = await verify({ secret, token, epochTolerance: 30, ...(lastStep ? { afterTimeStep: lastStep } : {}) });
    return result.valid ? (result as { timeStep: number }).timeStep : null;
  } catch {
    return null;
  }
}

export function newRecoveryCodes(count = 8): string[] {
  return Array.from({ length: count }, () => {
    const raw = crypto.randomBytes(6).toString('hex');
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
  });
}

/** The shape newRecoveryCodes makes (xxxx-xxxx-xxxx, hex): anything else is never looked up. */
export function isRecoveryCode(code: string): boolean {
  return /^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/.test(code.trim().toLowerCase());
}

export function recoveryDigest(key: Buffer, code: string): string {
  return hmacHex(key, `recovery:${code.trim().toLowerCase()}`);
}

/** The digests a stored recovery code may have: under the active crypto profile, then the other (issue 23). */
export function recoveryDigests(key: Buffer, code: string): string[] {
  return macCandidates(key, `recovery:${code.trim().toLowerCase()}`);
}
