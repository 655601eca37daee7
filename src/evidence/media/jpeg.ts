// JPEG: a walk over the marker segments. Metadata lives in APPn and COM segments (EXIF, XMP,
// IPTC, MPF, C2PA…) and in data appended after the image (Samsung trailers, motion-photo videos,
// the extra pictures of an MPF file). The image data is copied byte for byte.
//
// exif-be-gone is not used: it looks for the first FF E1 pair in each buffer and, when that pair
// is not an EXIF header, passes the whole buffer on, EXIF included (GPS leaked from a JPEG whose
// comment held FF E1). It also keeps IPTC, comments, extended XMP and trailers.
import { BLOCK_BYTES, type MediaFile } from './file.js';
import { MalformedMediaError } from './errors.js';

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const COM = 0xfe;

const isStandalone = (code: number) => code === 0x01 || (code >= 0xd0 && code <= 0xd7) || code === SOI || code === EOI;
const isFrameHeader = (code: number) => code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;
const isMarkerCode = (code: number) => code === 0x01 || (code >= 0xc0 && code <= 0xfe);

interface Marker {
  code: number;
  /** Offset just after the marker code. */
  next: number;
}

/** The marker at `pos` (after any fill bytes), or null at the end of the file. */
async function readMarker(file: MediaFile, pos: number): Promise<Marker | null> {
  const head = await file.read(pos, 64);
  if (head.length === 0) return null;
  if (head[0] !== 0xff) throw new MalformedMediaError('JPEG segment does not start with a marker');
  let i = 1;
  while (i < head.length && head[i] === 0xff) i++;
  const code = head[i];
  if (code === undefined) return null;
  if (!isMarkerCode(code)) throw new MalformedMediaError(`JPEG marker ${code.toString(16)} is not valid`);
  return { code, next: pos + i + 1 };
}

async function segmentEnd(file: MediaFile, marker: Marker): Promise<number> {
  const length = (await file.exact(marker.next, 2, 'JPEG segment length')).readUInt16BE(0);
  const end = marker.next + length;
  if (length < 2 || end > file.size) throw new MalformedMediaError('JPEG segment runs past the end of the file');
  return end;
}

/**
 * Whether the bytes are a JPEG up to its image data: SOI, well-formed segments, a frame header,
 * then a scan. Stops at the first scan, so it reads only the headers.
 */
export async function isJpeg(file: MediaFile): Promise<boolean> {
  const soi = await file.read(0, 2);
  if (soi[0] !== 0xff || soi[1] !== SOI) return false;
  let pos = 2;
  let sawFrame = false;
  for (;;) {
    const marker = await readMarker(file, pos);
    if (!marker || isStandalone(marker.code)) return false;
    const end = await segmentEnd(file, marker);
    if (isFrameHeader(marker.code)) sawFrame = true;
    if (marker.code === SOS) return sawFrame && end < file.size;
    pos = end;
  }
}

function startsWith(buf: Buffer, text: string): boolean {
  return buf.subarray(0, text.length).equals(Buffer.from(text, 'latin1'));
}

/**
 * Keeps what decoding needs: JFIF (density), the ICC profile (colours), Adobe (CMYK transform)
 * and every non-APP segment. Drops other APPn (EXIF, XMP, IPTC, MPF, maker data) and comments.
 */
function keepSegment(code: number, id: Buffer): boolean {
  if (code === COM) return false;
  if (code < APP0 || code > 0xef) return true;
  if (code === APP0) return startsWith(id, 'JFIF\0');
  if (code === APP2) return startsWith(id, 'ICC_PROFILE\0');
  if (code === APP14) return startsWith(id, 'Adobe');
  return false;
}

/** The EXIF orientation (2–8) of an APP1 payload, or null. */
export function exifOrientation(payload: Buffer): number | null {
  if (!startsWith(payload, 'Exif\0\0')) return null;
  const tiff = payload.subarray(6);
  if (tiff.length < 8) return null;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    // Orientation: tag 0x0112, type SHORT, one value.
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3 && u32(entry + 4) === 1) {
      const value = u16(entry + 8);
      return value >= 2 && value <= 8 ? value : null;
    }
  }
  return null;
}

/**
 * An APP1 segment with an EXIF block holding only the orientation. Without it a portrait phone
 * photo would show sideways to the handler; the orientation says nothing about the reporter.
 */
export function orientationSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  // Bytes 20–21 pad the value field; bytes 22–25 (no next IFD) stay zero.
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xff00 | APP1, 0);
  header.writeUInt16BE(2 + 6 + tiff.length, 2);
  return Buffer.concat([header, Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/**
 * Copies entropy-coded data from `pos` up to the next marker and returns where that marker starts.
 * Inside scan data FF is followed by 00 (stuffing), a restart code or another FF (fill).
 */
async function* scanData(file: MediaFile, pos: number): AsyncGenerator<Buffer, number> {
  while (pos < file.size) {
    const block = await file.read(pos, BLOCK_BYTES);
    let i = block.indexOf(0xff);
    while (i !== -1 && i + 1 < block.length) {
      const next = block[i + 1]!;
      if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) {
        if (i > 0) yield block.subarray(0, i);
        return pos + i;
      }
      i = block.indexOf(0xff, i + 1);
    }
    // A final FF is re-read with the next block, where its partner byte is.
    const take = i !== -1 && pos + block.length < file.size ? i : block.length;
    if (take > 0) yield block.subarray(0, take);
    pos += take;
  }
  return pos;
}

/** The JPEG without metadata segments or trailing data; scans are copied unchanged. */
export async function* cleanJpeg(file: MediaFile): AsyncGenerator<Buffer> {
  const soi = await file.exact(0, 2, 'JPEG start');
  if (soi[0] !== 0xff || soi[1] !== SOI) throw new MalformedMediaError('not a JPEG');
  yield soi;
  let pos = 2;
  let orientationDone = false;
  for (;;) {
    const marker = await readMarker(file, pos);
    // A truncated file ends without EOI; what there is of the image is kept.
    if (!marker) return;
    const { code } = marker;
    if (code === EOI) {
      // Anything after the end of the image is dropped: trailers, appended files, MPF pictures.
      yield Buffer.from([0xff, EOI]);
      return;
    }
    if (isStandalone(code)) {
      yield Buffer.from([0xff, code]);
      pos = marker.next;
      continue;
    }
    const end = await segmentEnd(file, marker);
    const payloadStart = marker.next + 2;
    if (code === APP1 && !orientationDone) {
      const orientation = exifOrientation(await file.exact(payloadStart, end - payloadStart, 'EXIF segment'));
      if (orientation !== null) {
        yield orientationSegment(orientation);
        orientationDone = true;
      }
    }
    const id = await file.read(payloadStart, Math.min(16, end - payloadStart));
    if (keepSegment(code, id)) {
      yield Buffer.from([0xff, code]);
      yield* file.range(marker.next, end);
    }
    pos = end;
    if (code === SOS) pos = yield* scanData(file, pos);
  }
}
