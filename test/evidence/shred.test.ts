// Plaintext temp files and erased evidence are overwritten with zeros before they are unlinked
// (issue 15). A descriptor opened before the shred still reaches the old blocks, so it shows what a
// disk reader would find there.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app.js';
import { shredFile, shredFileSync, shredTreeSync } from '../../src/evidence/media/shred.js';
import { discardFiles, eraseStored, storageDirs, sweepStorage, type CleanFile } from '../../src/evidence/index.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('sunshine-shred-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes `bytes` of non-zero plaintext and keeps a descriptor on it. */
function secretFile(name: string, bytes = 200_000): { file: string; fd: number; size: number } {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(bytes, 0x41));
  return { file, fd: fs.openSync(file, 'r'), size: bytes };
}

/** What the descriptor reads now: the blocks the file had. */
function blocksOf(h: { fd: number; size: number }): Buffer {
  const buf = Buffer.alloc(h.size);
  fs.readSync(h.fd, buf, 0, h.size, 0);
  fs.closeSync(h.fd);
  return buf;
}

const zeros = (b: Buffer) => b.every((x) => x === 0);

describe('shredding', () => {
  it('overwrites a file with zeros and unlinks it (sync and async)', async () => {
    const a = secretFile('a.upload');
    const b = secretFile('b.jpg');
    shredFileSync(a.file);
    await shredFile(b.file);
    expect(fs.existsSync(a.file)).toBe(false);
    expect(fs.existsSync(b.file)).toBe(false);
    expect(zeros(blocksOf(a))).toBe(true);
    expect(zeros(blocksOf(b))).toBe(true);
  });

  it('a file already gone is not an error', async () => {
    expect(() => shredFileSync(path.join(dir, 'missing'))).not.toThrow();
    await expect(shredFile(path.join(dir, 'missing'))).resolves.toBeUndefined();
  });

  it('a tree is shredded file by file, and a link is removed without touching its target', () => {
    const inner = secretFile('tree/sub/x.mp4');
    const outside = secretFile('outside.txt', 10);
    fs.symlinkSync(outside.file, path.join(dir, 'tree', 'link'));
    shredTreeSync(path.join(dir, 'tree'));
    expect(fs.existsSync(path.join(dir, 'tree'))).toBe(false);
    expect(zeros(blocksOf(inner))).toBe(true);
    expect(fs.readFileSync(outside.file, 'utf8')).toBe('AAAAAAAAAA');
    fs.closeSync(outside.fd);
  });

  it('discarded uploads, the temp folder swept at start and erased stored files are all zeroed', async () => {
    const dirs = storageDirs(dir);
    const upload = secretFile('tmp/discarded.png');
    discardFiles([{ path: upload.file } as CleanFile]);
    const leftover = secretFile('tmp/leftover.upload');
    sweepStorage(dirs, () => true, { graceMs: 0, namesReadAt: Date.now() });
    const stored = secretFile(`files/${'ab'.repeat(16)}`);
    await eraseStored(dirs, 'ab'.repeat(16));
    for (const h of [upload, leftover, stored]) {
      expect(fs.existsSync(h.file)).toBe(false);
      expect(zeros(blocksOf(h))).toBe(true);
    }
  });
});
