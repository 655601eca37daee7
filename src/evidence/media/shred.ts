// Overwrites a file with zeros, makes that durable, then unlinks it (issue 15, PIPL art. 19 and
// 51). Used for every transient plaintext file (uploads being checked, ffmpeg's remux output) and
// for stored evidence the retention schedule deletes: an unlinked file's blocks stay readable on the
// disk until reused, and the data directory is what a stolen disk or a careless backup exposes.
// On copy-on-write or flash storage an overwrite may land elsewhere; full-disk encryption covers
// that case, this covers the plain file system the portal usually runs on.
import fs from 'node:fs';

const BLOCK = 64 * 1024;
const ZEROS = Buffer.alloc(BLOCK);

function missing(err: unknown): boolean {
  return (err as { code?: unknown }).code === 'ENOENT';
}

/** Zeros, fsync, unlink; a file already gone is fine (callers clean up after failures too). */
export function shredFileSync(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r+');
  } catch (err) {
    if (missing(err)) return;
    throw err;
  }
  try {
    const { size } = fs.fstatSync(fd);
    for (let pos = 0; pos < size; pos += BLOCK) fs.writeSync(fd, ZEROS, 0, Math.min(BLOCK, size - pos), pos);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.rmSync(file, { force: true });
}

/** The same, without blocking the event loop on a 20 MB file. */
export async function shredFile(file: string): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r+');
  } catch (err) {
    if (missing(err)) return;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    for (let pos = 0; pos < size; pos += BLOCK) await handle.write(ZEROS, 0, Math.min(BLOCK, size - pos), pos);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rm(file, { force: true });
}

/** Every file under `dir` shredded, then the folders removed (the temp folder swept at start). */
export function shredTreeSync(dir: string): void {
  const stat = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    // A link is removed, never followed: its target is not ours to overwrite.
    if (stat.isFile()) shredFileSync(dir);
    else fs.rmSync(dir, { force: true });
    return;
  }
  for (const name of fs.readdirSync(dir)) shredTreeSync(`${dir}/${name}`);
  fs.rmSync(dir, { recursive: true, force: true });
}
