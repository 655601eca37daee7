// RIFF (WebP, WAV): "RIFF", a little-endian size, a form type, then chunks of FourCC, size,
// payload and a pad byte when the size is odd.
import type { MediaFile } from './file.js';
import { MalformedMediaError } from './errors.js';

export interface RiffChunk {
  fourcc: string;
  /** Offset of the chunk header. */
  start: number;
  size: number;
}

export const payloadStart = (chunk: RiffChunk) => chunk.start + 8;

/** The form type ("WEBP", "WAVE") and the end of the RIFF data, or null when not RIFF. */
export async function readRiffHeader(file: MediaFile): Promise<{ form: string; declaredEnd: number } | null> {
  const head = await file.read(0, 12);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF') return null;
  return { form: head.toString('latin1', 8, 12), declaredEnd: 8 + head.readUInt32LE(4) };
}

/**
 * The chunks between `start` and `end`, read header by header. A last odd-sized chunk whose pad
 * byte is missing is tolerated (some writers leave it out).
 */
export async function* riffChunks(file: MediaFile, start: number, end: number): AsyncGenerator<RiffChunk> {
  let pos = start;
  while (pos + 8 <= end) {
    const header = await file.exact(pos, 8, 'RIFF chunk header');
    const fourcc = header.toString('latin1', 0, 4);
    const size = header.readUInt32LE(4);
    if (!/^[\x20-\x7e]{4}$/.test(fourcc)) throw new MalformedMediaError('RIFF chunk name is not valid');
    if (pos + 8 + size > end) throw new MalformedMediaError(`RIFF ${fourcc.trim()} chunk runs past the end`);
    yield { fourcc, start: pos, size };
    pos += 8 + size + (size & 1);
  }
}
