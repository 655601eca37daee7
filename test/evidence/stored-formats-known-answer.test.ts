// Known answers for the stored evidence formats (issue 23 follow-up): the bytes each version writes
// for a fixed key, salt, stored name and plaintext, recorded before the chunk ciphers moved into
// src/shared/crypto/, so that move (or any later one) cannot change a byte of what is written, and
// files written before it — chunked 0x02 and 0x03, and the single-stream "SSF1" — still open.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptFromStore, readAll, storageDirs, type StorageDirs } from '../../src/evidence/index.js';
import { chunkCipher, SEALED_CHUNK_BYTES } from '../../src/evidence/sealed-chunks.js';
import { tempDir } from '../helpers/app.js';

const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 3));
const SALT = Buffer.from(Array.from({ length: 16 }, (_, i) => 0xa0 + i));
const NAME = '0123456789abcdef0123456789abcdef';
/** Two chunks: one full, one of 1000 bytes. */
const PLAIN = Buffer.from(Array.from({ length: SEALED_CHUNK_BYTES + 1000 }, (_, i) => i % 251));
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** Recorded with the code of commit 53ac820, before the chunk ciphers moved. */
const KNOWN = {
  0x02: { sha256: 'ae7a317a18731985f083dbf88c0a5f3251fffd741874a0661d8b77639003938f', empty: '53534602a0a1a2a3a4a5a6a7a8a9aaabacadaeaf535ee4fe6808c153d742d5a22d527694' },
  0x03: { sha256: 'dbf2e381cf8a140a22086a3fb6c8bd0f15addcad81a2a02e296e02b308ce73b4', empty: '53534603a0a1a2a3a4a5a6a7a8a9aaabacadaeafcc348a4edbcdd8090e42087997dde48d' },
} as const;

let dirs: StorageDirs;
beforeAll(() => {
  dirs = storageDirs(tempDir('sunshine-known-formats-'));
});

async function opened(bytes: Buffer): Promise<Buffer> {
  fs.writeFileSync(path.join(dirs.files, NAME), bytes);
  return readAll(decryptFromStore(dirs, KEY, NAME));
}

describe.each([0x02, 0x03] as const)('stored file version %i', (version) => {
  const header = Buffer.concat([Buffer.from('SSF'), Buffer.from([version]), SALT]);

  it('writes the recorded bytes for a fixed header', () => {
    const cipher = chunkCipher(KEY, header, NAME)!;
    const file = Buffer.concat([header, cipher.seal(0, false, PLAIN.subarray(0, SEALED_CHUNK_BYTES)), cipher.seal(1, true, PLAIN.subarray(SEALED_CHUNK_BYTES))]);
    expect(file.length).toBe(20 + PLAIN.length + 2 * 16);
    expect(sha256(file)).toBe(KNOWN[version].sha256);
    expect(Buffer.concat([header, chunkCipher(KEY, header, NAME)!.seal(0, true, Buffer.alloc(0))]).toString('hex')).toBe(KNOWN[version].empty);
  });

  it('opens a file written before, and refuses it with one bit changed', async () => {
    const cipher = chunkCipher(KEY, header, NAME)!;
    const file = Buffer.concat([header, cipher.seal(0, false, PLAIN.subarray(0, SEALED_CHUNK_BYTES)), cipher.seal(1, true, PLAIN.subarray(SEALED_CHUNK_BYTES))]);
    expect(sha256(file)).toBe(KNOWN[version].sha256);
    expect((await opened(file)).equals(PLAIN)).toBe(true);
    expect((await opened(Buffer.from(KNOWN[version].empty, 'hex'))).length).toBe(0);
    const flipped = Buffer.from(file);
    flipped[flipped.length - 1]! ^= 1;
    await expect(opened(flipped)).rejects.toThrow(/altered or damaged at chunk 1/);
  });
});

describe('the single-stream format before chunks ("SSF1")', () => {
  // Written here as the portal wrote it before issue 16: "SSF1", IV, AES-256-GCM over the whole
  // file with the stored name as additional data, the tag at the end.
  const iv = Buffer.alloc(12, 0x5a);
  const gcm = crypto.createCipheriv('aes-256-gcm', KEY, iv).setAAD(Buffer.from(NAME));
  const body = Buffer.concat([gcm.update(PLAIN), gcm.final()]);
  const file = Buffer.concat([Buffer.from('SSF1'), iv, body, gcm.getAuthTag()]);

  it('opens, and releases nothing when a bit was changed', async () => {
    expect((await opened(file)).equals(PLAIN)).toBe(true);
    const flipped = Buffer.from(file);
    flipped[40]! ^= 1;
    const chunks: Buffer[] = [];
    fs.writeFileSync(path.join(dirs.files, NAME), flipped);
    await expect(
      (async () => {
        for await (const c of decryptFromStore(dirs, KEY, NAME)) chunks.push(c as Buffer);
      })(),
    ).rejects.toThrow();
    expect(chunks).toEqual([]);
  });
});
