// Positioned reads on an upload. Parsers jump from header to header instead of streaming the
// whole file through memory; copies go block by block (uploads reach 20 MB, several at once).
import fs from 'node:fs/promises';
import { MalformedMediaError } from './errors.js';

export const BLOCK_BYTES = 64 * 1024;

export class MediaFile {
  private constructor(
    private readonly handle: fs.FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<MediaFile> {
    const handle = await fs.open(path, 'r');
    try {
      return new MediaFile(handle, (await handle.stat()).size);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Up to `length` bytes from `position`: fewer only at the end of the file. Always a new buffer. */
  async read(position: number, length: number): Promise<Buffer> {
    const wanted = Math.max(0, Math.min(length, this.size - position));
    const buf = Buffer.alloc(wanted);
    let done = 0;
    while (done < wanted) {
      const { bytesRead } = await this.handle.read(buf, done, wanted - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === wanted ? buf : buf.subarray(0, done);
  }

  /** Exactly `length` bytes, or MalformedMediaError naming what was cut short. */
  async exact(position: number, length: number, what: string): Promise<Buffer> {
    const buf = await this.read(position, length);
    if (buf.length !== length) throw new MalformedMediaError(`${what} is cut short`);
    return buf;
  }

  /**
   * Bytes [start, end) in blocks. Each block is a fresh buffer: a write stream may still be
   * holding the previous one when the next is read.
   */
  async *range(start: number, end: number): AsyncGenerator<Buffer> {
    if (end > this.size) throw new MalformedMediaError('a part runs past the end of the file');
    for (let pos = start; pos < end; ) {
      const block = await this.read(pos, Math.min(BLOCK_BYTES, end - pos));
      if (block.length === 0) throw new MalformedMediaError('the file shrank while being read');
      yield block;
      pos += block.length;
    }
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export async function withMediaFile<T>(path: string, use: (file: MediaFile) => Promise<T>): Promise<T> {
  const file = await MediaFile.open(path);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}
