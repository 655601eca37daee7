// PNG: a walk over the chunks keeping only those needed to show the picture. A whitelist rather
// than a list of metadata chunks, because metadata also comes in chunks no list foresees (exIf from
// before eXIf was registered, caBX for C2PA manifests, private chunks of editing programs).
//
// exif-be-gone is not used: it keeps exIf and caBX, and it only treats a stream as PNG when the
// first buffer it receives holds the whole 8-byte signature.
import zlib from 'node:zlib';
import type { MediaFile } from './file.js';
import { MalformedMediaError } from './errors.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Ancillary chunks that change how the image looks (colour, transparency, animation, density). */
const KEEP_ANCILLARY = new Set([
  'tRNS', 'cHRM', 'gAMA', 'iCCP', 'sBIT', 'sRGB', 'cICP', 'mDCV', 'mDCv', 'cLLI', 'cLLi',
  'bKGD', 'hIST', 'pHYs', 'sPLT', 'acTL', 'fcTL', 'fdAT',
]);

/** Critical chunks (upper-case first letter) are needed to decode at all, so all of them stay. */
export function keepPngChunk(type: string): boolean {
  return (type.charCodeAt(0) & 0x20) === 0 || KEEP_ANCILLARY.has(type);
}

/** Signature, then an IHDR chunk of 13 bytes with a correct CRC. */
export async function isPng(file: MediaFile): Promise<boolean> {
  const head = await file.read(0, 8 + 8 + 13 + 4);
  if (head.length < 33 || !head.subarray(0, 8).equals(SIGNATURE)) return false;
  if (head.readUInt32BE(8) !== 13 || head.toString('latin1', 12, 16) !== 'IHDR') return false;
  return zlib.crc32(head.subarray(12, 29)) === head.readUInt32BE(29);
}

/** The PNG with only image chunks; data after IEND is dropped. */
export async function* cleanPng(file: MediaFile): AsyncGenerator<Buffer> {
  const signature = await file.exact(0, 8, 'PNG signature');
  if (!signature.equals(SIGNATURE)) throw new MalformedMediaError('not a PNG');
  yield signature;
  let pos = 8;
  while (pos + 12 <= file.size) {
    const header = await file.exact(pos, 8, 'PNG chunk header');
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff) throw new MalformedMediaError('PNG chunk header is not valid');
    const end = pos + 12 + length;
    if (end > file.size) throw new MalformedMediaError(`PNG ${type} chunk runs past the end of the file`);
    if (keepPngChunk(type)) yield* file.range(pos, end);
    if (type === 'IEND') return;
    pos = end;
  }
  // A file cut short before IEND: what there is of the image is kept, as decoders show it.
}
