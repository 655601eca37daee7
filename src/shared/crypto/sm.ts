// The `sm` profile's primitives, all from the runtime's OpenSSL 3 (checked on Node 20, 22 and 24:
// SM3 hash, HMAC-SM3, HKDF-SM3, PBKDF2-SM3 and SM4-CTR; Node 20 and 22 have no SM4-GCM/CCM (24's
// OpenSSL 3.5 has), hence the generic composition below, the same on every supported runtime;
// SM2 signing is in sm2.ts through a library).
//
// Sealed value, version 2 — SM4-CTR then HMAC-SM3 over everything before it (encrypt-then-MAC):
//   2 ‖ 12-byte random nonce ‖ 32-byte HMAC-SM3 tag ‖ ciphertext
//   enc key  HKDF-SM3(key, "", "sunshine seal v2: sm4-ctr", 16)
//   MAC key  HKDF-SM3(key, "", "sunshine seal v2: hmac-sm3", 32)   (never the same key twice)
//   counter  nonce ‖ 32-bit block counter from 0: a value may hold 2^32 blocks (64 GiB) before the
//            counter could reach another nonce's space; 96 random bits keep nonces apart
//   tag      HMAC-SM3(MAC key, 2 ‖ nonce ‖ len(context) as u32 ‖ context ‖ ciphertext)
// The tag is checked (in constant time) before a byte is decrypted.
import crypto from 'node:crypto';

export const SM_SEAL_VERSION = 2;
const NONCE_BYTES = 12;
export const SM_TAG_BYTES = 32;
const HEAD_BYTES = 1 + NONCE_BYTES + SM_TAG_BYTES;

export function hkdfSm(ikm: Buffer, salt: string | Buffer, info: string | Buffer, length: number): Buffer {
  return Buffer.from(crypto.hkdfSync('sm3', ikm, salt, info, length));
}

export function hmacSm3(key: Buffer, ...parts: (string | Buffer)[]): Buffer {
  const h = crypto.createHmac('sm3', key);
  for (const part of parts) h.update(part);
  return h.digest();
}

/** HMAC-SM3 as 64 hex digits (mac.ts adds the version prefix). */
export function macSm(key: Buffer, data: string | Buffer): string {
  return hmacSm3(key, data).toString('hex');
}

/** SM4-CTR over `data` with the 16-byte initial counter block `counter` (encrypts and decrypts). */
export function sm4Ctr(key: Buffer, counter: Buffer, data: string | Buffer): Buffer {
  const cipher = crypto.createCipheriv('sm4-ctr', key, counter);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

interface SubKeys {
  enc: Buffer;
  mac: Buffer;
}
const subKeys = new WeakMap<Buffer, SubKeys>();
function keysOf(key: Buffer): SubKeys {
  let k = subKeys.get(key);
  if (!k) {
    k = { enc: hkdfSm(key, '', 'sunshine seal v2: sm4-ctr', 16), mac: hkdfSm(key, '', 'sunshine seal v2: hmac-sm3', 32) };
    subKeys.set(key, k);
  }
  return k;
}

function contextBytes(context: string): Buffer {
  const ctx = Buffer.from(context);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(ctx.length);
  return Buffer.concat([len, ctx]);
}

export function sealSm(key: Buffer, plaintext: string | Buffer, context: string): Buffer {
  const { enc, mac } = keysOf(key);
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const body = sm4Ctr(enc, Buffer.concat([nonce, Buffer.alloc(4)]), plaintext);
  const version = Buffer.from([SM_SEAL_VERSION]);
  const tag = hmacSm3(mac, version, nonce, contextBytes(context), body);
  return Buffer.concat([version, nonce, tag, body]);
}

export function openSm(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < HEAD_BYTES || sealed[0] !== SM_SEAL_VERSION) throw new Error('not a sealed value');
  const { enc, mac } = keysOf(key);
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const tag = sealed.subarray(1 + NONCE_BYTES, HEAD_BYTES);
  const body = sealed.subarray(HEAD_BYTES);
  const expected = hmacSm3(mac, sealed.subarray(0, 1), nonce, contextBytes(context), body);
  if (!crypto.timingSafeEqual(tag, expected)) throw new Error('sealed value altered, or sealed under another key or context');
  return sm4Ctr(enc, Buffer.concat([nonce, Buffer.alloc(4)]), body);
}
