// File helpers shared by backup and restore: hashing copies, path containment, empty folders.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A failure with the exit code the command should return: 1 the backup or restore failed, 2 it was refused (usage, configuration). */
export class BackupError extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface CopiedFile {
  bytes: number;
  sha256: string;
}

export async function sha256File(file: string): Promise<CopiedFile> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Copies `from` to a new file `to` (0600, never overwriting), hashing on the way, and fsyncs it. */
export async function copyWithHash(from: string, to: string): Promise<CopiedFile> {
  return writeWithHash(fs.createReadStream(from), to);
}

/** Writes `source` to a new file `to` (0600, never overwriting), hashing on the way, and fsyncs it. */
export async function writeWithHash(source: AsyncIterable<unknown>, to: string): Promise<CopiedFile> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const out = await fs.promises.open(to, 'wx', 0o600);
  try {
    for await (const chunk of source) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      await out.write(chunk as Buffer);
    }
    await out.sync();
  } finally {
    await out.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** The absolute path with symbolic links resolved as far as the path exists. */
export function canonicalPath(p: string): string {
  const absolute = path.resolve(p);
  const rest: string[] = [];
  let existing = absolute;
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(fs.realpathSync(existing), ...rest);
}

/** Whether `inner` is `outer` or lies inside it (after resolving links). */
export function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(canonicalPath(outer), canonicalPath(inner));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** 'missing', 'empty', or the reason the folder cannot be used as a fresh target. */
export function folderState(dir: string): 'missing' | 'empty' | 'not-empty' | 'not-a-folder' {
  if (!fs.existsSync(dir)) return 'missing';
  if (!fs.statSync(dir).isDirectory()) return 'not-a-folder';
  return fs.readdirSync(dir).length === 0 ? 'empty' : 'not-empty';
}

/** Undoes a failed run: removes the folder if this run created it, otherwise only what it put inside. */
export function removeCreated(dir: string, createdFolder: boolean): void {
  if (createdFolder) {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}

/**
 * A fingerprint of the master key for the manifest: the crypto module's (HKDF output under its own
 * label, from which the key cannot be recovered); restore uses it to tell a wrong key before copying anything.
 */
export { masterKeyFingerprint as keyFingerprint } from '../shared/crypto/index.js';

/** Reads a base64 master key (a key file's content or an environment variable). */
export function parseMasterKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new BackupError(2, `${source} does not hold a 32-byte base64 master key.`);
  return key;
}
