// The evidence files of a copied portal into the store the PostgreSQL nodes share
// (SUNSHINE_EVIDENCE_DIR): ciphertext copied byte for byte (the master key stays the same, so they
// open as before), each checked against the size its row records, fsynced, and removed again when
// the copy fails. A file already there with the same bytes (an earlier, failed attempt) is kept.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, isStoredName, storedSizeMatches } from '../evidence/index.js';
import { CopyError } from './errors.js';

async function sha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks every referenced file is in `from` with a size that fits its row; returns how many. */
export function checkEvidence(from: string, files: readonly { name: string; size: number }[]): void {
  const missing: string[] = [];
  for (const { name, size } of files) {
    if (!isStoredName(name)) throw new CopyError(1, `evidence_files names an unexpected stored file: ${JSON.stringify(name)}`);
    const stat = fs.statSync(path.join(from, name), { throwIfNoEntry: false });
    if (!stat) missing.push(name);
    else if (!storedSizeMatches(size, stat.size)) throw new CopyError(1, `evidence file ${name} has ${stat.size} bytes, which does not fit the ${size} bytes recorded: it is damaged`);
  }
  if (missing.length > 0) throw new CopyError(1, `${missing.length} evidence file(s) referenced by the database are missing from ${from}: ${missing.slice(0, 10).join(', ')}`);
}

/** Copies the files from `from` to `to`; returns the names it wrote (for undoing) and how many were already there. */
export async function copyEvidence(from: string, to: string, files: readonly { name: string }[]): Promise<{ written: string[]; present: number }> {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  let present = 0;
  try {
    for (const { name } of files) {
      const source = path.join(from, name);
      const target = path.join(to, name);
      if (fs.existsSync(target)) {
        if ((await sha256(target)) !== (await sha256(source))) throw new CopyError(1, `${target} exists with other bytes than ${source}; the evidence folder must hold only this portal's files`);
        present += 1;
        continue;
      }
      await fs.promises.copyFile(source, target, fs.constants.COPYFILE_EXCL);
      written.push(name);
      const fd = fs.openSync(target, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    fsyncDir(to);
  } catch (err) {
    removeEvidence(to, written);
    throw err;
  }
  return { written, present };
}

export function removeEvidence(dir: string, names: readonly string[]): void {
  for (const name of names) fs.rmSync(path.join(dir, name), { force: true });
}
