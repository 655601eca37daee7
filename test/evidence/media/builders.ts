// Builds test files byte by byte around the small fixtures in test/fixtures/media, so that each
// piece of metadata a test expects to disappear is visible here.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { findFfmpeg } from '../../../src/evidence/media/ffmpeg.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/media/', import.meta.url));

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

/** A temporary folder per test file; `file(name, bytes)` writes into it and returns the path. */
export function tempFolder() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-media-'));
  return {
    dir,
    path: (name: string) => path.join(dir, name),
    file(name: string, bytes: Buffer | string): string {
      const p = path.join(dir, name);
      fs.writeFileSync(p, bytes);
      return p;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

// ---------- EXIF ----------

/** GPS rationals of 39°54'15.12"N 116°24'26.64"E as they sit in the EXIF block (big-endian). */
export const GPS_RATIONALS = Buffer.from(
  [39, 1, 54, 1, 1512, 100, 116, 1, 24, 1, 2664, 100].flatMap((n) => [...u32be(n)]),
);
export const CAMERA_MAKE = 'SunshinePhone';

function u16be(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/**
 * A big-endian TIFF block: IFD0 with Make, Orientation and a GPS pointer; a GPS IFD with latitude
 * and longitude. Laid out by hand as a camera would write it.
 */
export function exifTiff(orientation = 6): Buffer {
  const make = Buffer.from(CAMERA_MAKE + '\0', 'latin1');
  const ifd0 = 8;
  const ifd0Entries = 3;
  const gpsIfd = ifd0 + 2 + ifd0Entries * 12 + 4;
  const gpsEntries = 4;
  const gpsData = gpsIfd + 2 + gpsEntries * 12 + 4;
  const makeAt = gpsData + GPS_RATIONALS.length;
  const entry = (tag: number, type: number, count: number, value: Buffer) =>
    Buffer.concat([u16be(tag), u16be(type), u32be(count), Buffer.concat([value, Buffer.alloc(4)]).subarray(0, 4)]);
  return Buffer.concat([
    Buffer.from('MM\0*', 'latin1'),
    u32be(ifd0),
    u16be(ifd0Entries),
    entry(0x010f, 2, make.length, u32be(makeAt)),
    entry(0x0112, 3, 1, u16be(orientation)),
    entry(0x8825, 4, 1, u32be(gpsIfd)),
    u32be(0),
    u16be(gpsEntries),
    entry(0x0001, 2, 2, Buffer.from('N\0')),
    entry(0x0002, 5, 3, u32be(gpsData)),
    entry(0x0003, 2, 2, Buffer.from('E\0')),
    entry(0x0004, 5, 3, u32be(gpsData + 24)),
    u32be(0),
    GPS_RATIONALS,
    make,
  ]);
}

export const XMP_PACKET =
  '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF ' +
  'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" ' +
  'exif:GPSLatitude="39,54.252N" exif:GPSLongitude="116,24.444E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';

// ---------- JPEG ----------

export function jpegSegment(code: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, code]), u16be(payload.length + 2), payload]);
}

export const exifSegment = (orientation = 6) => jpegSegment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff(orientation)]));
export const xmpSegment = (packet = XMP_PACKET) => jpegSegment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0' + packet, 'latin1'));

/** The segments between SOI and the first SOS, and the offset of that SOS marker. */
export function jpegHeader(jpeg: Buffer): { segments: { code: number; bytes: Buffer }[]; sos: number } {
  const segments: { code: number; bytes: Buffer }[] = [];
  let pos = 2;
  for (;;) {
    if (jpeg[pos] !== 0xff) throw new Error(`no marker at ${pos}`);
    const code = jpeg[pos + 1]!;
    const end = pos + 2 + jpeg.readUInt16BE(pos + 2);
    if (code === 0xda) return { segments, sos: pos };
    segments.push({ code, bytes: jpeg.subarray(pos, end) });
    pos = end;
  }
}

/** From the first SOS marker to the end of the image (EOI included). */
export function jpegImageData(jpeg: Buffer): Buffer {
  const { sos } = jpegHeader(jpeg);
  const eoi = jpeg.indexOf(Buffer.from([0xff, 0xd9]), sos);
  return jpeg.subarray(sos, eoi + 2);
}

/** The base JPEG with `segments` right after SOI, as cameras put EXIF. */
export function jpegWith(...segments: Buffer[]): Buffer {
  const base = fixture('base.jpg');
  return Buffer.concat([base.subarray(0, 2), ...segments, base.subarray(2)]);
}

// ---------- PNG ----------

export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  return Buffer.concat([u32be(data.length), body, u32be(zlib.crc32(body))]);
}

/** Chunks of a PNG: type and the whole chunk bytes (length, type, data, CRC). */
export function pngChunks(png: Buffer): { type: string; bytes: Buffer }[] {
  const chunks: { type: string; bytes: Buffer }[] = [];
  for (let pos = 8; pos + 12 <= png.length; ) {
    const end = pos + 12 + png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    chunks.push({ type, bytes: png.subarray(pos, end) });
    pos = end;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** The base PNG with `chunks` after IHDR and `trailer` after IEND. */
export function pngWith(chunks: Buffer[], trailer = Buffer.alloc(0)): Buffer {
  const base = fixture('base.png');
  const afterIhdr = 8 + 12 + 13;
  return Buffer.concat([base.subarray(0, afterIhdr), ...chunks, base.subarray(afterIhdr), trailer]);
}

// ---------- WebP ----------

export function riffChunk(fourcc: string, data: Buffer, pad = true): Buffer {
  const parts = [Buffer.from(fourcc, 'latin1'), u32le(data.length), data];
  if (pad && data.length % 2 === 1) parts.push(Buffer.alloc(1));
  return Buffer.concat(parts);
}

export function webpFile(chunks: Buffer[]): Buffer {
  const body = Buffer.concat(chunks);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(4 + body.length), Buffer.from('WEBP', 'latin1'), body]);
}

export const VP8X_ICC = 0x20;
export const VP8X_ALPHA = 0x10;
export const VP8X_EXIF = 0x08;
export const VP8X_XMP = 0x04;

export function vp8xChunk(flags: number, width: number, height: number): Buffer {
  const data = Buffer.alloc(10);
  data[0] = flags;
  data.writeUIntLE(width - 1, 4, 3);
  data.writeUIntLE(height - 1, 7, 3);
  return riffChunk('VP8X', data);
}

/** Chunks of a WebP: FourCC, declared size and the whole chunk bytes with padding. */
export function webpChunks(webp: Buffer): { fourcc: string; size: number; bytes: Buffer }[] {
  const chunks: { fourcc: string; size: number; bytes: Buffer }[] = [];
  for (let pos = 12; pos + 8 <= webp.length; ) {
    const size = webp.readUInt32LE(pos + 4);
    const end = Math.min(pos + 8 + size + (size % 2), webp.length);
    chunks.push({ fourcc: webp.toString('latin1', pos, pos + 4), size, bytes: webp.subarray(pos, end) });
    pos = end;
  }
  return chunks;
}

/** The image chunk (VP8 or VP8L, with its header) of a simple-format fixture. */
export function webpImageChunk(name: string): Buffer {
  return fixture(name).subarray(12);
}

// ---------- other formats ----------

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/** The outline of an iPhone HEIC: ftyp, a meta box with a picture handler, and mdat. */
export function heicFile(): Buffer {
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32be(0), Buffer.from('mif1heic', 'latin1'));
  const hdlr = box('hdlr', u32be(0), u32be(0), Buffer.from('pict', 'latin1'), Buffer.alloc(13));
  const meta = box('meta', u32be(0), hdlr);
  return Buffer.concat([ftyp, meta, box('mdat', Buffer.alloc(64, 7))]);
}

export function pdfFile(): Buffer {
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n',
  ];
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += o;
  }
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n \n`;
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A ZIP archive with one stored file, as a browser would download it. */
export function zipFile(): Buffer {
  const name = Buffer.from('report.txt');
  const data = Buffer.from('hello');
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(30 + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

// ---------- ffmpeg as an independent reader ----------

const execFileAsync = promisify(execFile);

export async function ffmpeg(args: string[]): Promise<string> {
  const command = await findFfmpeg();
  if (!command) throw new Error('ffmpeg is needed by these tests');
  const { stdout } = await execFileAsync(command, ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** The metadata ffmpeg reads from a file, as key=value lines (global, then per stream). */
export async function metadataOf(file: string): Promise<string> {
  // bitexact: otherwise the ffmetadata writer adds an encoder line of its own.
  return ffmpeg(['-i', file, '-fflags', '+bitexact', '-f', 'ffmetadata', '-']);
}

/** MD5 of every packet, in order: equal lists mean the media data was copied, not re-encoded. */
export async function packetHashes(file: string, maps = ['0']): Promise<string[]> {
  const out = await ffmpeg(['-i', file, ...maps.flatMap((m) => ['-map', m]), '-c', 'copy', '-f', 'framemd5', '-']);
  return out.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => `${l.split(',')[0]?.trim()}:${l.split(',').pop()?.trim()}`);
}

/**
 * MD5 of the decoded pictures: equal lists mean the same image. As stored, not as shown: a current
 * ffmpeg turns a picture by its EXIF orientation, which the cleaned copy keeps and the plain fixture lacks.
 */
export async function pictureHashes(file: string): Promise<string[]> {
  const out = await ffmpeg(['-noautorotate', '-i', file, '-f', 'framemd5', '-']);
  return out.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop()!.trim());
}
