// The ciphers of stored files (the evidence store, src/evidence/sealed-chunks.ts, which owns the
// container: header, chunk layout, sizes). A file is sealed in chunks, each on its own, so a reader
// can release a chunk as soon as its tag verifies ("STREAM" online authenticated encryption): a
// per-file key from the caller's key, the file's salt and its name; the chunk's index and a
// last-chunk flag under the tag. Features ask for the cipher of a profile and never name the
// algorithm; the bytes written are those recorded in test/evidence/stored-formats-known-answer.test.ts.
//
// intl (SSF version 0x02), AES-256-GCM:
//   key     HKDF-SHA256(key, salt, INTL_INFO + name, 32)
//   nonce   4 zero bytes · i as 64-bit big-endian
//   AAD     header · name · i as 64-bit big-endian · 1 if last else 0
// sm (SSF version 0x03), SM4-CTR then HMAC-SM3 (encrypt-then-MAC):
//   keys    HKDF-SM3(key, salt, SM_INFO + name, 48): the first 16 the SM4 key, the other 32 the HMAC-SM3 key
//   counter i as 64-bit big-endian · 64-bit block counter from 0: a chunk of 64 KiB is 4096 blocks,
//           so no counter block repeats within a file, and every file has its own key (fresh salt)
//   tag     HMAC-SM3 over header · len(name) as u32 · name · i as 64-bit big-endian · 1 if last else 0 ·
//           ciphertext, cut to its first 16 bytes (truncation to 128 bits as NIST SP 800-107 allows;
//           the same strength and layout as GCM's tag). The tag is checked before decrypting.
// Before chunks (the "SSF1" format, read only): one AES-256-GCM stream over the whole file, the name
// as additional data and the tag at the end (singleStreamDecipher).
import crypto from 'node:crypto';
import { hkdfIntl } from './intl.js';
import { keyFor } from './key-family.js';
import type { CryptoProfileName } from './profile.js';
import { hkdfSm, hmacSm3, sm4Ctr } from './sm.js';

/** Every chunk's tag, under either profile. */
export const FILE_CHUNK_TAG_BYTES = 16;
const INTL_INFO = 'sunshine evidence chunks v2\n';
const SM_INFO = 'sunshine evidence chunks v3\n';

export interface FileChunkCipher {
  /** Ciphertext and tag of one chunk. */
  seal(index: number, last: boolean, plain: Buffer): Buffer;
  /** The plaintext of one record (ciphertext and tag), or an error when its tag does not verify. */
  open(index: number, last: boolean, record: Buffer): Buffer;
}

export interface SealedFile {
  /** The file's header, bound to every chunk (its version byte names the profile). */
  header: Buffer;
  /** The file's random salt (in the header): a fresh key per file. */
  salt: Buffer;
  /** The file's stored name, bound to every chunk. */
  name: string;
}

/** The chunk cipher of a file written under `profile`, keyed from `key`'s member of that profile. */
export function fileChunkCipher(profile: CryptoProfileName, key: Buffer, file: SealedFile): FileChunkCipher {
  return profile === 'sm' ? smChunks(keyFor(key, 'sm'), file) : intlChunks(keyFor(key, 'intl'), file);
}

/** i as 64-bit big-endian, then the last-chunk flag. */
function position(index: number, last: boolean): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail[8] = last ? 1 : 0;
  return tail;
}

function intlChunks(key: Buffer, { header, salt, name: storedName }: SealedFile): FileChunkCipher {
  const fileKey = hkdfIntl(key, salt, INTL_INFO + storedName, 32);
  const name = Buffer.from(storedName);
  const nonce = (index: number) => {
    const n = Buffer.alloc(12);
    n.writeBigUInt64BE(BigInt(index), 4);
    return n;
  };
  const aad = (index: number, last: boolean) => Buffer.concat([header, name, position(index, last)]);
  return {
    seal(index, last, plain) {
      const cipher = crypto.createCipheriv('aes-256-gcm', fileKey, nonce(index)).setAAD(aad(index, last));
      return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    },
    open(index, last, record) {
      if (record.length < FILE_CHUNK_TAG_BYTES) throw new Error('stored file damaged');
      const decipher = crypto.createDecipheriv('aes-256-gcm', fileKey, nonce(index)).setAAD(aad(index, last));
      decipher.setAuthTag(record.subarray(record.length - FILE_CHUNK_TAG_BYTES));
      const plain = decipher.update(record.subarray(0, record.length - FILE_CHUNK_TAG_BYTES));
      try {
        return Buffer.concat([plain, decipher.final()]);
      } catch {
        throw new Error(`stored file altered or damaged at chunk ${index}`);
      }
    },
  };
}

function smChunks(key: Buffer, { header, salt, name: storedName }: SealedFile): FileChunkCipher {
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
  const tag = (index: number, last: boolean, body: Buffer) => hmacSm3(macKey, header, nameLength, name, position(index, last), body).subarray(0, FILE_CHUNK_TAG_BYTES);
  return {
    seal(index, last, plain) {
      const body = sm4Ctr(encKey, counter(index), plain);
      return Buffer.concat([body, tag(index, last, body)]);
    },
    open(index, last, record) {
      if (record.length < FILE_CHUNK_TAG_BYTES) throw new Error('stored file damaged');
      const body = record.subarray(0, record.length - FILE_CHUNK_TAG_BYTES);
      // Nothing is decrypted, let alone released, before the chunk's tag verifies.
      if (!crypto.timingSafeEqual(record.subarray(record.length - FILE_CHUNK_TAG_BYTES), tag(index, last, body))) {
        throw new Error(`stored file altered or damaged at chunk ${index}`);
      }
      return sm4Ctr(encKey, counter(index), body);
    },
  };
}

export interface StreamDecipher {
  /** Plaintext of the next slice of ciphertext (not to be released before final() succeeded on a first pass). */
  update(slice: Buffer): Buffer;
  /** Throws when the whole stream does not match its tag. */
  final(): void;
}

/**
 * A decipher of a file in the single-stream format written before chunks (always the intl
 * profile's, hence `key`'s intl member): the caller reads the file once to check the tag, then again
 * with a fresh decipher to release the plaintext.
 */
export function singleStreamDecipher(key: Buffer, iv: Buffer, storedName: string, tag: Buffer): StreamDecipher {
  const decipher = crypto.createDecipheriv('aes-256-gcm', keyFor(key, 'intl'), iv).setAAD(Buffer.from(storedName)).setAuthTag(tag);
  return {
    update: (slice) => decipher.update(slice),
    final: () => {
      decipher.final();
    },
  };
}
