// Structure checks for the audio formats whose magic bytes alone prove little: an MP3 frame
// header is two bytes that file-type takes on trust, and "#!AMR" is a text line.
import type { MediaFile } from './file.js';
import { readRiffHeader, riffChunks, payloadStart } from './riff.js';

// MPEG audio layer III, by version (index: bits 4–3 of the second header byte).
const MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MP3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MP3_SAMPLE_RATES: Record<number, readonly number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** The length of the layer III frame whose header starts `buf`, or null when it is not one. */
export function mp3FrameLength(buf: Buffer): number | null {
  if (buf.length < 4 || buf[0] !== 0xff || (buf[1]! & 0xe0) !== 0xe0) return null;
  const version = (buf[1]! >> 3) & 3;
  const layer = (buf[1]! >> 1) & 3;
  const bitrateIndex = buf[2]! >> 4;
  const rate = MP3_SAMPLE_RATES[version]?.[(buf[2]! >> 2) & 3];
  // Layer III only (mp1/mp2 are other formats); free-format bitrate (0) and 15 are refused.
  if (layer !== 1 || rate === undefined || bitrateIndex === 0 || bitrateIndex === 15) return null;
  const kbps = (version === 3 ? MP3_BITRATES_V1 : MP3_BITRATES_V2)[bitrateIndex]!;
  const padding = (buf[2]! >> 1) & 1;
  return Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / rate) + padding;
}

/** After any ID3v2 tags, a layer III frame followed by another frame, a tag or the end of the file. */
export async function isMp3(file: MediaFile): Promise<boolean> {
  let pos = 0;
  for (let tags = 0; tags < 4; tags++) {
    const head = await file.read(pos, 10);
    if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') break;
    // Sync-safe size: 7 bits per byte; a footer adds 10 bytes.
    const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    pos += 10 + size + (head[5]! & 0x10 ? 10 : 0);
  }
  const length = mp3FrameLength(await file.read(pos, 4));
  if (length === null || pos + length > file.size) return false;
  const next = await file.read(pos + length, 8);
  if (next.length < 4) return true;
  return mp3FrameLength(next) !== null || next.toString('latin1', 0, 3) === 'TAG' || next.toString('latin1', 0, 8) === 'APETAGEX';
}

// Speech frame sizes (without the TOC byte) by frame type; undefined types are invalid.
const AMR_NB_SIZES: Record<number, number> = { 0: 12, 1: 13, 2: 15, 3: 17, 4: 19, 5: 20, 6: 26, 7: 31, 8: 5, 15: 0 };
const AMR_WB_SIZES: Record<number, number> = { 0: 17, 1: 23, 2: 32, 3: 36, 4: 40, 5: 46, 6: 50, 7: 58, 8: 60, 9: 5, 14: 0, 15: 0 };

/** The AMR storage format (RFC 4867 §5): a magic line, then frames whose TOC bytes must all be valid. */
export async function isAmr(file: MediaFile): Promise<boolean> {
  const head = await file.read(0, 9);
  const wide = head.toString('latin1', 0, 9) === '#!AMR-WB\n';
  if (!wide && head.toString('latin1', 0, 6) !== '#!AMR\n') return false;
  const sizes = wide ? AMR_WB_SIZES : AMR_NB_SIZES;
  let pos = wide ? 9 : 6;
  const frames = await file.read(pos, 1024);
  let at = 0;
  for (let n = 0; n < 32 && at < frames.length; n++) {
    const toc = frames[at]!;
    const size = sizes[(toc >> 3) & 0x0f];
    // The padding bits (7, 1, 0) of a TOC byte are zero.
    if ((toc & 0x83) !== 0 || size === undefined) return false;
    at += 1 + size;
  }
  pos += at;
  return at > 0 && pos <= file.size;
}

/** A RIFF WAVE file whose format chunk comes before its data. */
export async function isWav(file: MediaFile): Promise<boolean> {
  const riff = await readRiffHeader(file);
  if (!riff || riff.form !== 'WAVE') return false;
  // Recorders that crash leave the RIFF size at 0 or 0xFFFFFFFF; walk to the real end then.
  const end = riff.declaredEnd > 12 && riff.declaredEnd <= file.size ? riff.declaredEnd : file.size;
  for await (const chunk of riffChunks(file, 12, end)) {
    if (chunk.fourcc === 'data') return false;
    if (chunk.fourcc === 'fmt ') {
      const format = await file.read(payloadStart(chunk), 2);
      return chunk.size >= 16 && format.length === 2;
    }
  }
  return false;
}

/** The first Ogg page: version 0, beginning-of-stream flag, and a segment table that fits the file. */
export async function isOgg(file: MediaFile): Promise<boolean> {
  const head = await file.read(0, 27 + 255);
  if (head.length < 28 || head.toString('latin1', 0, 4) !== 'OggS' || head[4] !== 0 || (head[5]! & 0x02) === 0) return false;
  const segments = head[26]!;
  if (head.length < 27 + segments) return false;
  let body = 0;
  for (let i = 0; i < segments; i++) body += head[27 + i]!;
  return 27 + segments + body <= file.size;
}
