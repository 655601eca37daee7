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
// Version 0x02 is written under the crypto profile intl, 0x03 under sm (issue 23); the ciphers
// (keys per file from the files key, the salt and the stored name; nonces; tags) are the crypto
// module's (src/shared/crypto/file-chunks.ts, which gives each version's construction), so this file
// names no algorithm: it owns the container — header, versions, chunk layout, sizes.
//
// New files are written under the active crypto profile; both versions are read at any time.
// Every chunk but the last is full; an empty file is one empty last chunk. Files written before
// begin "SSF1" (the ASCII '1' where the version byte is) and are read by storage.ts as before.
import crypto from 'node:crypto';
import { activeProfile, FILE_CHUNK_TAG_BYTES, fileChunkCipher, type CryptoProfileName, type FileChunkCipher } from '../shared/crypto/index.js';

export const TAG_BYTES = FILE_CHUNK_TAG_BYTES;
export const SEALED_CHUNK_BYTES = 64 * 1024;
const MAGIC = Buffer.from('SSF');
const INTL_VERSION = 0x02;
const SM_VERSION = 0x03;
const SALT_BYTES = 16;
export const SEALED_HEADER_BYTES = MAGIC.length + 1 + SALT_BYTES;
const RECORD_BYTES = SEALED_CHUNK_BYTES + TAG_BYTES;

/** A new file's header under the active crypto profile, with a fresh salt (hence a fresh key). */
export function sealedHeader(): Buffer {
  return sealedHeaderFor(activeProfile());
}

/** A new file's header under `profile` (key rotation writes the target profile's format whatever is active). */
export function sealedHeaderFor(profile: CryptoProfileName): Buffer {
  const version = profile === 'sm' ? SM_VERSION : INTL_VERSION;
  return Buffer.concat([MAGIC, Buffer.from([version]), crypto.randomBytes(SALT_BYTES)]);
}

/**
 * The profile whose format a stored file's first bytes name: 0x02 and the single-stream "SSF1"
 * intl, 0x03 sm; null when they are no stored file's header.
 */
export function headerProfile(header: Buffer): CryptoProfileName | null {
  if (header.length < MAGIC.length + 1 || !header.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const version = header[MAGIC.length];
  if (version === INTL_VERSION || version === 0x31) return 'intl';
  if (version === SM_VERSION) return 'sm';
  return null;
}

/** The stored size of a plaintext of `plainSize` bytes. */
export function sealedSize(plainSize: number): number {
  return SEALED_HEADER_BYTES + plainSize + TAG_BYTES * Math.max(1, Math.ceil(plainSize / SEALED_CHUNK_BYTES));
}

export type ChunkCipher = FileChunkCipher;

/** The cipher for the file whose header is `header`, or null when it is not in this format. */
export function chunkCipher(key: Buffer, header: Buffer, storedName: string): ChunkCipher | null {
  if (header.length < SEALED_HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const version = header[MAGIC.length];
  if (version === 0x31) return null; // "SSF1": the single-stream format
  const head = header.subarray(0, SEALED_HEADER_BYTES);
  const file = { header: head, salt: head.subarray(MAGIC.length + 1), name: storedName };
  if (version === INTL_VERSION) return fileChunkCipher('intl', key, file);
  if (version === SM_VERSION) return fileChunkCipher('sm', key, file);
  throw new Error(`stored file format ${version} is not known`);
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
