// Authenticated encryption (AES-256-GCM) and keyed hashes under the derived keys of plugins/keys.
import crypto from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** version ‖ iv ‖ tag ‖ ciphertext. `context` binds the ciphertext to its row (e.g. "report:12"). */
export function seal(key: Buffer, plaintext: string | Buffer, context = ''): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

export function unseal(key: Buffer, sealed: Buffer, context = ''): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error('not a sealed value');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

export function sealJson(key: Buffer, value: unknown, context = ''): Buffer {
  return seal(key, JSON.stringify(value), context);
}

export function unsealJson<T>(key: Buffer, sealed: Buffer, context = ''): T {
  return JSON.parse(unseal(key, sealed, context).toString('utf8')) as T;
}

export function hmacHex(key: Buffer, data: string | Buffer): string {
  return crypto.createHmac('sha256', key).update(data).digest('hex');
}

/** Constant-time comparison of two hex digests (false for different lengths). */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** A key derived from a secret the client holds (e.g. a form's submission nonce). */
export function keyFromSecret(secret: string, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret), Buffer.from('sunshine/client'), Buffer.from(purpose), 32));
}

export function randomToken(bytes = 24): string {
  return crypto.randomBytes(bytes).toString('base64url');
}
