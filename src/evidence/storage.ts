// Encrypted file storage: the store (DATA_DIR/files, or SUNSHINE_EVIDENCE_DIR shared by every node,
// issue 21) holds ciphertext under random names; DATA_DIR/tmp holds this node's transient plaintext
// (uploads being checked and cleaned), emptied at every start and never shared.
//
// Several nodes may write to one shared store, so a start-up sweep cannot take every file without a
// row for a leftover: it may be another node's upload between its file write and its commit. The
// order on the upload path makes that safe to tell apart (encryptIntoStore, then the caller's
// transaction): a file is fully written, fsynced and renamed into the store before the transaction
// that adds its row begins, and that transaction ends within a grace period of the file's last
// write (orphanGraceMs). So the sweep removes a file without a row only when it is older than the
// grace; and a node's own uploads, which died with it, it knows from its journal and removes at once.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { singleStreamDecipher, type CryptoProfileName } from '../shared/crypto/index.js';
import { shredFile, shredTreeSync } from './media/shred.js';
import { chunkCipher, chunkLayout, headerProfile, SEALED_CHUNK_BYTES, SEALED_HEADER_BYTES, sealedHeader, sealedHeaderFor, sealedSize, TAG_BYTES, type ChunkCipher } from './sealed-chunks.js';

/**
 * The format before issue 16: "SSF1", a 12-byte IV, one stream sealed as a whole (the crypto
 * module's singleStreamDecipher), its tag at the end.
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
  /** The store of ciphertext: DATA_DIR/files, or SUNSHINE_EVIDENCE_DIR when the nodes share one. */
  files: string;
  /** This node's transient plaintext, always in its own DATA_DIR: no other node's start sweeps it. */
  tmp: string;
  /**
   * This node's journal (in its own DATA_DIR) of the stored names it began to write: at its next
   * start, those without a row are its own dead uploads. Absent where files are only read.
   */
  journal?: string;
}

/** The journal's file in DATA_DIR; the previous generation is `${JOURNAL_NAME}.old`. */
const JOURNAL_NAME = 'evidence-journal';

/**
 * The store (`evidenceDir`, SUNSHINE_EVIDENCE_DIR, or DATA_DIR/files by default) and this node's
 * temporary folder and journal in `dataDir`. A configured store must exist already: creating a
 * missing mount point would put this node's files on its own disk, out of the other nodes' reach.
 */
export function storageDirs(dataDir: string, evidenceDir?: string | null): StorageDirs {
  const files = evidenceDir ?? path.join(dataDir, 'files');
  if (!evidenceDir) fs.mkdirSync(files, { recursive: true });
  else if (!fs.statSync(files, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`SUNSHINE_EVIDENCE_DIR ${files} is not a folder: create or mount the shared evidence store first.`);
  }
  const dirs = { files, tmp: path.join(dataDir, 'tmp'), journal: path.join(dataDir, JOURNAL_NAME) };
  fs.mkdirSync(dirs.tmp, { recursive: true });
  return dirs;
}

/**
 * How old a stored file without a row must be before a start-up sweep removes it. Its row is
 * committed right after the file is written: after the upload's other files are encrypted and the
 * transaction has waited for the database, never later than an upload may take at all (the request
 * timeout, SUNSHINE_REQUEST_TIMEOUT_SECONDS). The margin covers those waits and the clocks of the
 * nodes and the file server, which stamp and judge the file's time, not quite agreeing.
 */
export const ORPHAN_GRACE_MARGIN_MS = 60 * 60_000;
export function orphanGraceMs(requestTimeoutSeconds: number): number {
  return requestTimeoutSeconds * 1000 + ORPHAN_GRACE_MARGIN_MS;
}

/**
 * A name is moved to the journal's previous generation after this long, and dropped one more
 * generation later: by then its upload committed, was forgotten, or died long ago. Dropping it is
 * safe either way, only slower: its file, if left without a row, waits for the grace rule.
 */
const JOURNAL_GENERATION_MS = 60 * 60_000;
/** When each journal's current generation began (per process: the sweep at start resets it). */
const journalSince = new Map<string, number>();

/**
 * Notes `storedName` in this node's journal before anything is written under it. Not fsynced: a
 * SIGKILL keeps what was appended; a name a power cut loses leaves its file to the grace rule. Each
 * entry has its own line, so a torn append spoils no other name.
 */
async function noteWriting(journal: string, storedName: string): Promise<void> {
  const now = Date.now();
  const since = journalSince.get(journal);
  if (since === undefined) journalSince.set(journal, now);
  else if (now - since > JOURNAL_GENERATION_MS) {
    try {
      fs.renameSync(journal, `${journal}.old`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    journalSince.set(journal, now);
  }
  await fs.promises.appendFile(journal, `\n${storedName}\n`, { mode: 0o600 });
}

/** The stored names in both generations of a journal (none when there is no journal). */
function journalNames(journal: string | undefined): Set<string> {
  const names = new Set<string>();
  if (!journal) return names;
  for (const file of [journal, `${journal}.old`]) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (isStoredName(line)) names.add(line);
  }
  return names;
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
 * Written as `.part`, fsynced, then renamed, so a crash never leaves a half file under a final name;
 * the name is in this node's journal before the first byte (see sweepStorage).
 */
export async function encryptIntoStore(dirs: StorageDirs, key: Buffer, plainPath: string): Promise<StoredFile> {
  return writeSealed(dirs, key, fs.createReadStream(plainPath, { highWaterMark: SEALED_CHUNK_BYTES }), sealedHeader());
}

/**
 * Key rotation (issue 23): a copy of the stored file `storedName` under a new stored name in the
 * format of `profile`, its plaintext streamed from the old file (each chunk verified before it is
 * used) into the new one; fsynced and renamed like an upload. The old file is left as it is: the
 * caller swaps the row to the new name in a transaction and removes the old file after the commit.
 * The new name is not put in this node's journal: the rotation may run beside a portal whose
 * start-up sweep would take a journalled name without a row for a dead upload while the copy is
 * still being written. A copy left behind by a crash has no row and is removed by the orphan sweep
 * once older than its grace.
 */
export async function reencryptStored(dirs: StorageDirs, key: Buffer, storedName: string, profile: CryptoProfileName): Promise<StoredFile> {
  return writeSealed({ ...dirs, journal: undefined }, key, decryptFromStore(dirs, key, storedName), sealedHeaderFor(profile));
}

/** The profile whose format the stored file is in (by its header), or null when it is no stored file. */
export async function storedFileProfile(dirs: StorageDirs, storedName: string): Promise<CryptoProfileName | null> {
  if (!isStoredName(storedName)) throw new Error('bad stored name');
  const handle = await fs.promises.open(path.join(dirs.files, storedName), 'r');
  try {
    const header = Buffer.alloc(SEALED_HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    return headerProfile(header.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

async function writeSealed(dirs: StorageDirs, key: Buffer, source: AsyncIterable<unknown>, header: Buffer): Promise<StoredFile> {
  const storedName = crypto.randomBytes(16).toString('hex');
  if (dirs.journal) await noteWriting(dirs.journal, storedName);
  const finalPath = path.join(dirs.files, storedName);
  const partPath = `${finalPath}.part`;
  const sealer = chunkCipher(key, header, storedName)!;
  const hash = crypto.createHash('sha256');
  let size = 0;
  let index = 0;
  // One chunk is held back until more plaintext follows it, so the last one is known as last.
  let pending: Buffer = Buffer.alloc(0);
  const out = await fs.promises.open(partPath, 'wx');
  try {
    await out.write(header);
    for await (const chunk of source) {
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
    // Written before the SM profile existed: singleStreamDecipher takes the intl member of the key family.
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
    const decipher = () => singleStreamDecipher(key, iv, storedName, tag);
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

export interface SweepOptions {
  /** orphanGraceMs(): a stored file without a row younger than this may be in flight on another node. */
  graceMs: number;
  /**
   * When the referenced names were read, taken before reading them: a file older than the grace at
   * that moment had its row committed before it, so a file without a row then never gets one.
   */
  namesReadAt: number;
}

export interface SweepResult {
  /** This node's leftover temporary files, shredded. */
  temp: number;
  /** This node's own uploads that died before their commit (from its journal), removed at once. */
  own: number;
  /** Other files without a row older than the grace, removed. */
  orphans: number;
  /** Files without a row younger than the grace, left alone: perhaps another node's upload in flight. */
  young: number;
}

/**
 * At start, nothing of this node is in flight: every file in its own temporary folder is a leftover,
 * and so is every file its journal names that has no row. Other files without a row in the store
 * may belong to another node; they are removed only once older than the grace. A file whose commit
 * failed on a live node is not left for this sweep: that node removes it itself (the callers of
 * encryptUploads call forgetUploads when their transaction throws; encryptUploads removes what it
 * wrote when encryption fails). Only names a stored file can have are touched (not a mount's
 * lost+found, nor an NFS client's .nfs… files).
 */
export function sweepStorage(dirs: StorageDirs, isReferenced: (storedName: string) => boolean, options: SweepOptions): SweepResult {
  const result: SweepResult = { temp: 0, own: 0, orphans: 0, young: 0 };
  for (const name of fs.readdirSync(dirs.tmp)) {
    shredTreeSync(path.join(dirs.tmp, name));
    result.temp++;
  }
  for (const name of journalNames(dirs.journal)) {
    if (isReferenced(name)) continue;
    for (const file of [name, `${name}.part`]) if (removeIfPresent(path.join(dirs.files, file))) result.own++;
  }
  if (dirs.journal) {
    fs.rmSync(dirs.journal, { force: true });
    fs.rmSync(`${dirs.journal}.old`, { force: true });
    journalSince.delete(dirs.journal);
  }
  const aged = sweepAgedOrphans(dirs, isReferenced, options);
  return { ...result, orphans: aged.orphans, young: aged.young };
}

/**
 * The part of the sweep that is safe while this node runs: stored files without a row older than
 * the grace, whoever wrote them. Run at start and then periodically (the scheduler), so that a file
 * left behind while its node ran — an upload whose transaction failed when the database could not
 * say which of its files a row names (forgetUploads) — does not wait for the next restart.
 */
export function sweepAgedOrphans(dirs: StorageDirs, isReferenced: (storedName: string) => boolean, options: SweepOptions): { orphans: number; young: number } {
  const result = { orphans: 0, young: 0 };
  for (const name of fs.readdirSync(dirs.files)) {
    const part = name.endsWith('.part');
    if (!isStoredName(part ? name.slice(0, -'.part'.length) : name)) continue;
    // A half-written file never gets a row, but it may still be being written on another node.
    if (!part && isReferenced(name)) continue;
    const file = path.join(dirs.files, name);
    const stat = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile()) continue;
    if (options.namesReadAt - stat.mtimeMs <= options.graceMs) result.young++;
    else if (removeIfPresent(file)) result.orphans++;
  }
  return result;
}

/** Unlinks `file`; false when another node's sweep removed it first. */
function removeIfPresent(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
