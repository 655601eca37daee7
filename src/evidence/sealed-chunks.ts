// The stored format of evidence files since issue 16 (defect 10): the plaintext in chunks of
// 64 KiB, each sealed on its own, so a download can release each chunk as soon as its own tag has
// been checked instead of streaming a whole file whose single tag comes last (a tampered file then
// yielded partial output). The construction is the "STREAM" one of online authenticated encryption
// (as in age or Tink): a per-file key, the chunk's index in the nonce, and a last-chunk flag under
// the tag, so a flipped bit, reordered or dropped chunks, a truncation at a chunk boundary and
// appended chunks are all caught at the first chunk affected.
//
//   header  "SSF" · version · 16-byte random salt                            (20 bytes)
//   chunk i ciphertext of up to 64 KiB · 16-byte tag                           (… + 16 bytes)
//
// Version 0x02 (crypto profile intl), AES-256-GCM:
//   key     HKDF-SHA256(files key, salt, "sunshine evidence chunks v2\n" + stored name)
//   nonce   4 zero bytes · i as 64-bit big-endian
//   AAD     header · stored name · i as 64-bit big-endian · 1 if last else 0
// Version 0x03 (crypto profile sm, issue 23), SM4-CTR then HMAC-SM3 (encrypt-then-MAC):
//   keys    HKDF-SM3(files key, salt, "sunshine evidence chunks v3\n" + stored name, 48 bytes):
//           the first 16 the SM4 key, the other 32 the HMAC-SM3 key
//   counter i as 64-bit big-endian · 64-bit block counter from 0: a chunk is 4096 blocks, so no
//           counter block repeats within a file, and every file has its own key (fresh salt)
//   tag     HMAC-SM3 over header · len(stored name) as u32 · stored name · i as 64-bit big-endian ·
//           1 if last else 0 · ciphertext, cut to its first 16 bytes (truncation to 128 bits as
//           NIST SP 800-107 allows; the same strength as GCM's tag, and the same layout, so sizes
//           and chunk offsets do not depend on the version). The tag is checked before decrypting.
//
// New files are written under the active crypto profile; both versions are read at any time.
// Every chunk but the last is full; an empty file is one empty last chunk. Files written before
// begin "SSF1" (the ASCII '1' where the version byte is) and are read by storage.ts as before.
import crypto from 'node:crypto';
import { activeProfile, keyFor, type CryptoProfileName } from '../shared/crypto/index.js';
import { hkdfSm, hmacSm3, sm4Ctr } from '../shared/crypto/sm.js';

export const TAG_BYTES = 16;
export const SEALED_CHUNK_BYTES = 64 * 1024;
const MAGIC = Buffer.from('SSF');
const AES_VERSION = 0x02;
const SM_VERSION = 0x03;
const SALT_BYTES = 16;
export const SEALED_HEADER_BYTES = MAGIC.length + 1 + SALT_BYTES;
const RECORD_BYTES = SEALED_CHUNK_BYTES + TAG_BYTES;
const AES_INFO = 'sunshine evidence chunks v2\n';
const SM_INFO = 'sunshine evidence chunks v3\n';

/** A new file's header under the active crypto profile, with a fresh salt (hence a fresh key). */
export function sealedHeader(): Buffer {
  return sealedHeaderFor(activeProfile());
}

/** A new file's header under `profile` (key rotation writes the target profile's format whatever is active). */
export function sealedHeaderFor(profile: CryptoProfileName): Buffer {
  const version = profile === 'sm' ? SM_VERSION : AES_VERSION;
  return Buffer.concat([MAGIC, Buffer.from([version]), crypto.randomBytes(SALT_BYTES)]);
}

/**
 * The profile whose format a stored file's first bytes name: 0x02 and the single-stream "SSF1"
 * intl, 0x03 sm; null when they are no stored file's header.
 */
export function headerProfile(header: Buffer): CryptoProfileName | null {
  if (header.length < MAGIC.length + 1 || !header.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const version = header[MAGIC.length];
  if (version === AES_VERSION || version === 0x31) return 'intl';
  if (version === SM_VERSION) return 'sm';
  return null;
}

/** The stored size of a plaintext of `plainSize` bytes. */
export function sealedSize(plainSize: number): number {
  return SEALED_HEADER_BYTES + plainSize + TAG_BYTES * Math.max(1, Math.ceil(plainSize / SEALED_CHUNK_BYTES));
}

export interface ChunkCipher {
  /** Ciphertext and tag of one chunk. */
  seal(index: number, last: boolean, plain: Buffer): Buffer;
  /** The plaintext of one record, or an error when its tag does not verify. */
  open(index: number, last: boolean, record: Buffer): Buffer;
}

/** The cipher for the file whose header is `header`, or null when it is not in this format. */
export function chunkCipher(key: Buffer, header: Buffer, storedName: string): ChunkCipher | null {
  if (header.length < SEALED_HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const version = header[MAGIC.length];
  if (version === 0x31) return null; // "SSF1": the single-stream format
  const head = header.subarray(0, SEALED_HEADER_BYTES);
  if (version === AES_VERSION) return aesChunks(keyFor(key, 'intl'), head, storedName);
  if (version === SM_VERSION) return smChunks(keyFor(key, 'sm'), head, storedName);
  throw new Error(`stored file format ${version} is not known`);
}

/** i as 64-bit big-endian, then the last-chunk flag. */
function position(index: number, last: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail[8] = last ? 1 : 0;
  return tail;
}

function aesChunks(key: Buffer, head: Buffer, storedName: string): ChunkCipher {
  const salt = head.subarray(MAGIC.length + 1);
  const fileKey = Buffer.from(crypto.hkdfSync('sha256', key, salt, AES_INFO + storedName, 32));
  const name = Buffer.from(storedName);
  const nonce = (index: number) => {
    const n = Buffer.alloc(12);
    n.writeBigUInt64BE(BigInt(index), 4);
    return n;
  };
  const aad = (index: number, last: boolean) => Buffer.concat([head, name, position(index, last)]);
  return {
    seal(index, last, plain) {
      const cipher = crypto.createCipheriv('aes-256-gcm', fileKey, nonce(index)).setAAD(aad(index, last));
      return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    },
    open(index, last, record) {
      if (record.length < TAG_BYTES) throw new Error('stored file damaged');
      const decipher = crypto.createDecipheriv('aes-256-gcm', fileKey, nonce(index)).setAAD(aad(index, last));
      decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
      const plain = decipher.update(record.subarray(0, record.length - TAG_BYTES));
      try {
        return Buffer.concat([plain, decipher.final()]);
      } catch {
        throw new Error(`stored file altered or damaged at chunk ${index}`);
      }
    },
  };
}

function smChunks(key: Buffer, head: Buffer, storedName: string): ChunkCipher {
  const salt = head.subarray(MAGIC.length + 1);
  const material = hkdfSm(key, salt, SM_INFO + storedName, 48);
  const encKey = material.subarray(0, 16);
  const macKey = material.subarray(16);
  const name = Buffer.from(storedName);
  const nameLength = Buffer.alloc(4);
  nameLength.writeUInt32BE(name.length);
  const counter = (index: number) => {
    const c = Buffer.alloc(16);
    c.writeBigUInt64BE(BigInt(index), 0);
    return c;
  };
  const tag = (index: number, last: boolean, body: Buffer) => hmacSm3(macKey, head, nameLength, name, position(index, last), body).subarray(0, TAG_BYTES);
  return {
    seal(index, last, plain) {
      const body = sm4Ctr(encKey, counter(index), plain);
      return Buffer.concat([body, tag(index, last, body)]);
    },
    open(index, last, record) {
      if (record.length < TAG_BYTES) throw new Error('stored file damaged');
      const body = record.subarray(0, record.length - TAG_BYTES);
      // Nothing is decrypted, let alone released, before the chunk's tag verifies.
      if (!crypto.timingSafeEqual(record.subarray(record.length - TAG_BYTES), tag(index, last, body))) {
        throw new Error(`stored file altered or damaged at chunk ${index}`);
      }
      return sm4Ctr(encKey, counter(index), body);
    },
  };
}

export interface ChunkRecord {
  index: number;
  offset: number;
  length: number;
  last: boolean;
}

/**
 * Where each record of a file of `size` bytes lies, judged from the size alone: whatever ends the
 * file is opened as the last chunk, so a file cut or extended fails on its tag.
 */
export function chunkLayout(size: number): ChunkRecord[] {
  const body = size - SEALED_HEADER_BYTES;
  if (body < TAG_BYTES) throw new Error('stored file damaged');
  const count = Math.ceil(body / RECORD_BYTES);
  return Array.from({ length: count }, (_, index) => {
    const offset = SEALED_HEADER_BYTES + index * RECORD_BYTES;
    return { index, offset, length: Math.min(RECORD_BYTES, size - offset), last: index === count - 1 };
  });
}
