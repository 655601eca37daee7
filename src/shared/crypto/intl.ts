// The `intl` profile's primitives: AES-256-GCM, HMAC-SHA256, HKDF-SHA256. Its sealed format is the
// one the portal has always written (version byte 1), so every existing value stays readable.
import crypto from 'node:crypto';

/** version 1 ‖ 12-byte IV ‖ 16-byte GCM tag ‖ ciphertext; the context is GCM's additional data. */
export const INTL_SEAL_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function sealIntl(key: Buffer, plaintext: string | Buffer, context: string): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([INTL_SEAL_VERSION]), iv, cipher.getAuthTag(), body]);
}

export function openIntl(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== INTL_SEAL_VERSION) throw new Error('not a sealed value');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** HMAC-SHA256 as 64 lower-case hex digits: the unprefixed MAC format of all existing rows. */
export function macIntl(key: Buffer, data: string | Buffer): string {
  return crypto.createHmac('sha256', key).update(data).digest('hex');
}

export function hkdfIntl(ikm: Buffer, salt: string | Buffer, info: string | Buffer, length: number): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', ikm, salt, info, length));
}
