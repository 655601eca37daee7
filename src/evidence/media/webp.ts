// WebP: the RIFF container rewritten chunk by chunk, keeping only image chunks and clearing the
// EXIF and XMP flags of the VP8X header. Our own code: exif-be-gone counts a WebP chunk as 12
// header bytes instead of 8, ignores padding and never fixes the RIFF size or the VP8X flags.
import type { MediaFile } from './file.js';
import { MalformedMediaError } from './errors.js';
import { payloadStart, readRiffHeader, riffChunks, type RiffChunk } from './riff.js';

const IMAGE_CHUNKS = new Set(['VP8 ', 'VP8L', 'ALPH', 'ANMF']);
/** Everything else (EXIF, "XMP ", unknown chunks) is dropped. */
const KEEP_CHUNKS = new Set([...IMAGE_CHUNKS, 'VP8X', 'ANIM', 'ICCP']);

/** VP8X flag bits in the first payload byte. */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;
const VP8X_PAYLOAD = 10;

/** The validated chunk list of a WebP file. */
async function webpChunks(file: MediaFile): Promise<RiffChunk[]> {
  const riff = await readRiffHeader(file);
  if (!riff || riff.form !== 'WEBP') throw new MalformedMediaError('not a WebP file');
  // One byte of slack for a missing final pad byte; bytes after the RIFF data are not part of it.
  if (riff.declaredEnd > file.size + 1) throw new MalformedMediaError('WebP is cut short');
  const chunks: RiffChunk[] = [];
  for await (const chunk of riffChunks(file, 12, Math.min(riff.declaredEnd, file.size))) chunks.push(chunk);
  const first = chunks[0];
  if (!first || !['VP8 ', 'VP8L', 'VP8X'].includes(first.fourcc)) throw new MalformedMediaError('WebP does not start with an image header');
  if (chunks.some((c, i) => c.fourcc === 'VP8X' && (i !== 0 || c.size !== VP8X_PAYLOAD))) {
    throw new MalformedMediaError('WebP VP8X header is misplaced or has the wrong size');
  }
  if (!chunks.some((c) => IMAGE_CHUNKS.has(c.fourcc))) throw new MalformedMediaError('WebP holds no image data');
  return chunks;
}

export async function isWebp(file: MediaFile): Promise<boolean> {
  const chunks = await webpChunks(file);
  const first = chunks[0]!;
  const start = await file.read(payloadStart(first), 6);
  // A lossy frame starts with the VP8 start code after its 3-byte tag; lossless with 0x2F.
  if (first.fourcc === 'VP8 ') return start[3] === 0x9d && start[4] === 0x01 && start[5] === 0x2a;
  if (first.fourcc === 'VP8L') return start[0] === 0x2f;
  return true;
}

const padded = (size: number) => size + (size & 1);

/** The WebP without metadata chunks: a new RIFF size, kept chunks copied unchanged but for VP8X. */
export async function* cleanWebp(file: MediaFile): AsyncGenerator<Buffer> {
  const kept = (await webpChunks(file)).filter((c) => KEEP_CHUNKS.has(c.fourcc));
  const riffSize = 4 + kept.reduce((sum, c) => sum + 8 + padded(c.size), 0);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(riffSize, 4);
  header.write('WEBP', 8, 'latin1');
  yield header;
  for (const chunk of kept) {
    if (chunk.fourcc === 'VP8X') {
      const vp8x = await file.exact(chunk.start, 8 + VP8X_PAYLOAD, 'WebP VP8X header');
      vp8x[8] = vp8x[8]! & ~(VP8X_EXIF | VP8X_XMP);
      yield vp8x;
    } else {
      yield* file.range(chunk.start, payloadStart(chunk) + chunk.size);
    }
    if (chunk.size & 1) yield Buffer.alloc(1);
  }
}
