// Encrypted file storage: DATA_DIR/files holds ciphertext under random names; DATA_DIR/tmp holds
// transient plaintext (uploads being checked and cleaned), emptied at every start.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { shredFile, shredTreeSync } from './media/shred.js';
import { chunkCipher, chunkLayout, SEALED_CHUNK_BYTES, SEALED_HEADER_BYTES, sealedHeader, sealedSize, TAG_BYTES, type ChunkCipher } from './sealed-chunks.js';

/**
 * The format before issue 16: "SSF1", a 12-byte IV, one AES-256-GCM stream, its tag at the end.
 * Its plaintext can only be trusted once the whole file is read, so it is verified in full before
 * a byte is released (decryptLegacy). New files are sealed in chunks (sealed-chunks.ts).
 */
const LEGACY_MAGIC = Buffer.from('SSF1');
const LEGACY_IV_BYTES = 12;
const LEGACY_HEADER_BYTES = LEGACY_MAGIC.length + LEGACY_IV_BYTES;
const LEGACY_OVERHEAD = LEGACY_HEADER_BYTES + TAG_BYTES;
/** Ciphertext is read in slices of this size from a legacy file. */
const READ_BYTES = 64 * 1024;

/**
 * Whether a stored file of `storedBytes` fits a plaintext of `plainSize` (the backup's damage
 * check): in chunks as written now, or one stream as written before.
 */
export function storedSizeMatches(plainSize: number, storedBytes: number): boolean {
  return storedBytes === sealedSize(plainSize) || storedBytes === plainSize + LEGACY_OVERHEAD;
}

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
 * Encrypts a plaintext file into the store in sealed chunks, hashing the plaintext on the way.
 * Written as `.part`, fsynced, then renamed, so a crash never leaves a half file under a final name.
 */
export async function encryptIntoStore(dirs: StorageDirs, key: Buffer, plainPath: string): Promise<StoredFile> {
  const storedName = crypto.randomBytes(16).toString('hex');
  const finalPath = path.join(dirs.files, storedName);
  const partPath = `${finalPath}.part`;
  const header = sealedHeader();
  const sealer = chunkCipher(key, header, storedName)!;
  const hash = crypto.createHash('sha256');
  let size = 0;
  let index = 0;
  // One chunk is held back until more plaintext follows it, so the last one is known as last.
  let pending: Buffer = Buffer.alloc(0);
  const out = await fs.promises.open(partPath, 'wx');
  try {
    await out.write(header);
    for await (const chunk of fs.createReadStream(plainPath, { highWaterMark: SEALED_CHUNK_BYTES })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
      pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
      while (pending.length > SEALED_CHUNK_BYTES) {
        await out.write(sealer.seal(index++, false, pending.subarray(0, SEALED_CHUNK_BYTES)));
        pending = pending.subarray(SEALED_CHUNK_BYTES);
      }
    }
    await out.write(sealer.seal(index, true, pending));
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

/**
 * A stream of the decrypted file. No plaintext is released before the tag that covers it has been
 * checked: a chunked file yields chunk by chunk, each verified first; an altered, truncated,
 * reordered or extended file errors at the first chunk affected. A missing file or one that is
 * not a stored file throws at once.
 */
export function decryptFromStore(dirs: StorageDirs, key: Buffer, storedName: string): Readable {
  if (!isStoredName(storedName)) throw new Error('bad stored name');
  const file = path.join(dirs.files, storedName);
  const fd = fs.openSync(file, 'r');
  let size: number;
  const header = Buffer.alloc(Math.max(SEALED_HEADER_BYTES, LEGACY_HEADER_BYTES));
  try {
    size = fs.fstatSync(fd).size;
    fs.readSync(fd, header, 0, Math.min(size, header.length), 0);
  } finally {
    fs.closeSync(fd);
  }
  // The body is opened again inside the generator, so a stream never read holds no descriptor.
  const sealed = size >= SEALED_HEADER_BYTES ? chunkCipher(key, header, storedName) : null;
  if (sealed) return Readable.from(decryptChunks(file, size, sealed), { objectMode: false });
  if (size >= LEGACY_OVERHEAD && header.subarray(0, LEGACY_MAGIC.length).equals(LEGACY_MAGIC)) {
    return Readable.from(decryptLegacy(file, size, key, header.subarray(LEGACY_MAGIC.length, LEGACY_HEADER_BYTES), storedName), { objectMode: false });
  }
  throw new Error('not a stored file');
}

async function* decryptChunks(file: string, size: number, sealed: ChunkCipher): AsyncGenerator<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    for (const { index, offset, length, last } of chunkLayout(size)) {
      yield sealed.open(index, last, await readAt(handle, offset, length));
    }
  } finally {
    await handle.close();
  }
}

/** An old single-stream file: read once to check its tag, then again to release its plaintext. */
async function* decryptLegacy(file: string, size: number, key: Buffer, iv: Buffer, storedName: string): AsyncGenerator<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const tag = await readAt(handle, size - TAG_BYTES, TAG_BYTES);
    const decipher = () => crypto.createDecipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(storedName)).setAuthTag(tag);
    const body = async function* () {
      for (let at = LEGACY_HEADER_BYTES; at < size - TAG_BYTES; at += READ_BYTES) yield readAt(handle, at, Math.min(READ_BYTES, size - TAG_BYTES - at));
    };
    const check = decipher();
    for await (const slice of body()) check.update(slice);
    check.final(); // throws when the file was altered: nothing has been released yet
    const release = decipher();
    for await (const slice of body()) {
      const plain = release.update(slice);
      if (plain.length) yield plain;
    }
    release.final();
  } finally {
    await handle.close();
  }
}

/** Reads exactly `length` bytes at `position`; a file shorter than its layout said is damaged. */
async function readAt(handle: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  if (bytesRead !== length) throw new Error('stored file shorter than it was');
  return buf;
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
