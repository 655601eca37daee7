// Encrypted file storage: DATA_DIR/files holds ciphertext under random names; DATA_DIR/tmp holds
// transient plaintext (uploads being checked and cleaned), emptied at every start.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { shredFile, shredTreeSync } from './media/shred.js';

const MAGIC = Buffer.from('SSF1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + IV_BYTES;
/** Bytes a stored file has beyond its plaintext: magic and IV before the ciphertext, the GCM tag after it. */
export const STORED_OVERHEAD = HEADER_BYTES + TAG_BYTES;

/** Whether `name` is one encryptIntoStore gives a stored file (32 hex digits). */
export const isStoredName = (name: string): boolean => /^[0-9a-f]{32}$/.test(name);

/** Makes a folder's entries (new files, renames) durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface StorageDirs {
  files: string;
  tmp: string;
}

export function storageDirs(dataDir: string): StorageDirs {
  const dirs = { files: path.join(dataDir, 'files'), tmp: path.join(dataDir, 'tmp') };
  fs.mkdirSync(dirs.files, { recursive: true });
  fs.mkdirSync(dirs.tmp, { recursive: true });
  return dirs;
}

export function tempPath(dirs: StorageDirs, suffix = ''): string {
  return path.join(dirs.tmp, crypto.randomBytes(16).toString('hex') + suffix);
}

export interface StoredFile {
  storedName: string;
  size: number;
  sha256: string;
}

/**
 * Encrypts a plaintext file into the store, hashing the plaintext on the way. Written as `.part`,
 * fsynced, then renamed, so a crash never leaves a half file under a final name.
 */
export async function encryptIntoStore(dirs: StorageDirs, key: Buffer, plainPath: string): Promise<StoredFile> {
  const storedName = crypto.randomBytes(16).toString('hex');
  const finalPath = path.join(dirs.files, storedName);
  const partPath = `${finalPath}.part`;
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(storedName));
  const hash = crypto.createHash('sha256');
  let size = 0;
  const out = await fs.promises.open(partPath, 'wx');
  try {
    await out.write(Buffer.concat([MAGIC, iv]));
    for await (const chunk of fs.createReadStream(plainPath)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      const encrypted = cipher.update(chunk as Buffer);
      if (encrypted.length) await out.write(encrypted);
    }
    const last = cipher.final();
    if (last.length) await out.write(last);
    await out.write(cipher.getAuthTag());
    await out.sync();
    await out.close();
  } catch (err) {
    await out.close().catch(() => undefined);
    fs.rmSync(partPath, { force: true });
    throw err;
  }
  fs.renameSync(partPath, finalPath);
  // The rename must reach the disk too, or a power cut could lose a file whose report is committed.
  fsyncDir(dirs.files);
  return { storedName, size, sha256: hash.digest('hex') };
}

/** A stream of the decrypted file; errors if the file was altered (GCM tag checked at the end). */
export function decryptFromStore(dirs: StorageDirs, key: Buffer, storedName: string): Readable {
  if (!isStoredName(storedName)) throw new Error('bad stored name');
  const file = path.join(dirs.files, storedName);
  const { size } = fs.statSync(file);
  const fd = fs.openSync(file, 'r');
  const header = Buffer.alloc(HEADER_BYTES);
  const tag = Buffer.alloc(TAG_BYTES);
  fs.readSync(fd, header, 0, HEADER_BYTES, 0);
  fs.readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
  fs.closeSync(fd);
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a stored file');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, header.subarray(MAGIC.length));
  decipher.setAAD(Buffer.from(storedName));
  decipher.setAuthTag(tag);
  const body = fs.createReadStream(file, { start: HEADER_BYTES, end: size - TAG_BYTES - 1 });
  return body.pipe(decipher);
}

/** Erases a stored file for the retention schedule: overwritten, fsynced, unlinked, and the unlink made durable. */
export async function eraseStored(dirs: StorageDirs, storedName: string): Promise<void> {
  if (!isStoredName(storedName)) throw new Error('bad stored name');
  await shredFile(path.join(dirs.files, storedName));
  fsyncDir(dirs.files);
}

export async function removeStored(dirs: StorageDirs, storedName: string): Promise<void> {
  await fs.promises.rm(path.join(dirs.files, storedName), { force: true });
}

/**
 * At start, nothing is in flight: every temporary file is a leftover, and every stored file with no
 * row is an orphan of a submission that died before its commit.
 */
export function sweepStorage(dirs: StorageDirs, isReferenced: (storedName: string) => boolean): { temp: number; orphans: number } {
  let temp = 0;
  let orphans = 0;
  for (const name of fs.readdirSync(dirs.tmp)) {
    shredTreeSync(path.join(dirs.tmp, name));
    temp++;
  }
  for (const name of fs.readdirSync(dirs.files)) {
    if (name.endsWith('.part') || !isReferenced(name)) {
      fs.rmSync(path.join(dirs.files, name), { force: true });
      orphans++;
    }
  }
  return { temp, orphans };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
