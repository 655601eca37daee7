import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { stripMetadata } from '../../../src/evidence/media/strip.js';
import { sniffFile } from '../../../src/evidence/media/sniff.js';
import { MetadataStripError } from '../../../src/evidence/media/errors.js';
import { exifOrientation } from '../../../src/evidence/media/jpeg.js';
import { sniffResult } from '../../../src/evidence/media/formats.js';
import {
  CAMERA_MAKE,
  GPS_RATIONALS,
  VP8X_ALPHA,
  VP8X_EXIF,
  VP8X_ICC,
  VP8X_XMP,
  XMP_PACKET,
  exifSegment,
  exifTiff,
  fixture,
  jpegHeader,
  jpegImageData,
  jpegSegment,
  jpegWith,
  pictureHashes,
  pngChunk,
  pngChunks,
  pngWith,
  riffChunk,
  tempFolder,
  vp8xChunk,
  webpChunks,
  webpFile,
  webpImageChunk,
  xmpSegment,
} from './builders.js';

const tmp = tempFolder();
afterAll(() => tmp.remove());

let serial = 0;
/** Writes `bytes`, strips them as `format`, and returns the input path, output path and output bytes. */
async function strip(bytes: Buffer, format: 'jpeg' | 'png' | 'webp') {
  const n = ++serial;
  const input = tmp.file(`in-${n}`, bytes);
  const output = tmp.path(`out-${n}`);
  const result = await stripMetadata(input, output, sniffResult(format));
  return { input, output, result, out: fs.readFileSync(output) };
}

const has = (haystack: Buffer, needle: Buffer | string) => haystack.includes(typeof needle === 'string' ? Buffer.from(needle, 'latin1') : needle);

describe('JPEG', () => {
  const iptc = jpegSegment(0xed, Buffer.from('Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x0e\x1c\x02\x5a\0\x0aSecretCity', 'latin1'));
  const comment = jpegSegment(0xfe, Buffer.from('taken at the village office', 'latin1'));
  const trailer = Buffer.from('SEFH....SECRET-TRAILER with a motion photo', 'latin1');

  it('removes EXIF with GPS, XMP, IPTC, comments and trailing data, and keeps the image bytes', async () => {
    const original = Buffer.concat([jpegWith(exifSegment(6), xmpSegment(), iptc, comment), trailer]);
    expect(has(original, GPS_RATIONALS)).toBe(true);

    const { output, out, result } = await strip(original, 'jpeg');

    expect(result).toEqual({ cleaned: true });
    expect(has(out, GPS_RATIONALS)).toBe(false);
    expect(has(out, CAMERA_MAKE)).toBe(false);
    expect(has(out, 'GPSLatitude')).toBe(false);
    expect(has(out, 'http://ns.adobe.com/xap')).toBe(false);
    expect(has(out, 'SecretCity')).toBe(false);
    expect(has(out, 'village office')).toBe(false);
    expect(has(out, 'Lavc')).toBe(false); // ffmpeg's own comment in the fixture
    expect(has(out, 'SECRET-TRAILER')).toBe(false);
    expect(out.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));

    // Scans byte for byte, tables and frame header unchanged, same decoded picture.
    expect(jpegImageData(out).equals(jpegImageData(original))).toBe(true);
    const tables = (jpeg: Buffer) => jpegHeader(jpeg).segments.filter((s) => s.code < 0xe0).map((s) => s.bytes.toString('hex'));
    expect(tables(out)).toEqual(tables(original));
    expect(await pictureHashes(output)).toEqual(await pictureHashes(tmp.file('plain.jpg', fixture('base.jpg'))));
    expect(await sniffFile(output)).toEqual(sniffResult('jpeg'));
  });

  it('keeps only the orientation, so portrait photos do not turn sideways', async () => {
    const { out } = await strip(jpegWith(exifSegment(6)), 'jpeg');
    const app1 = jpegHeader(out).segments.filter((s) => s.code === 0xe1);
    expect(app1).toHaveLength(1);
    const payload = app1[0]!.bytes.subarray(4);
    expect(exifOrientation(payload)).toBe(6);
    // Header, one IFD entry, nothing else: no room for a GPS pointer.
    expect(payload.length).toBe(6 + 26);
    expect(exifOrientation(Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff(6)]))).toBe(6);
  });

  it('writes no EXIF at all for an upright photo', async () => {
    const { out } = await strip(jpegWith(exifSegment(1)), 'jpeg');
    expect(jpegHeader(out).segments.some((s) => s.code === 0xe1)).toBe(false);
  });

  it('removes EXIF that follows an FF E1 byte pair elsewhere (exif-be-gone 1.5.1 leaks it)', async () => {
    const decoy = jpegSegment(0xfe, Buffer.from([0x41, 0xff, 0xe1, 0x00, 0x10, 0x42]));
    const { out } = await strip(jpegWith(decoy, exifSegment()), 'jpeg');
    expect(has(out, GPS_RATIONALS)).toBe(false);
    expect(has(out, 'Exif\0\0MM\0*\0\0\0\x08\0\x03')).toBe(false);
  });

  it('keeps the ICC profile and copies segments larger than a read block', async () => {
    const icc = jpegSegment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0\x01\x01', 'latin1'), crypto.randomBytes(65_000)]));
    const bigXmp = xmpSegment(XMP_PACKET + ' '.repeat(64_000));
    const original = jpegWith(bigXmp, icc, exifSegment(1));
    const { out } = await strip(original, 'jpeg');
    const kept = jpegHeader(out).segments.find((s) => s.code === 0xe2);
    expect(kept?.bytes.equals(icc)).toBe(true);
    expect(has(out, 'GPSLatitude')).toBe(false);
    expect(has(out, GPS_RATIONALS)).toBe(false);
    expect(jpegImageData(out).equals(jpegImageData(original))).toBe(true);
  });

  it('refuses a JPEG whose segment runs past the end, leaving no output', async () => {
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8]), jpegSegment(0xe1, Buffer.alloc(100)).subarray(0, 50)]);
    const input = tmp.file('broken.jpg', broken);
    const output = tmp.path('broken-out.jpg');
    await expect(stripMetadata(input, output, sniffResult('jpeg'))).rejects.toBeInstanceOf(MetadataStripError);
    expect(fs.existsSync(output)).toBe(false);
  });

  it('writes the plaintext copy readable by the owner only', async () => {
    const { output } = await strip(jpegWith(exifSegment()), 'jpeg');
    expect(fs.statSync(output).mode & 0o777).toBe(0o600);
  });
});

describe('PNG', () => {
  const gpsExif = exifTiff(1);
  const metadata = [
    pngChunk('eXIf', gpsExif),
    pngChunk('tEXt', Buffer.from('Author\0SecretAuthor', 'latin1')),
    pngChunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0${XMP_PACKET}`, 'latin1')),
    pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), Buffer.from('eJwLTk1OLsosKcnMzwMAIL8EsQ==', 'base64')])),
    pngChunk('tIME', Buffer.from([0x07, 0xe8, 5, 1, 10, 0, 0])),
    pngChunk('exIf', gpsExif),
    pngChunk('caBX', Buffer.from('c2pa manifest: SecretSigner', 'latin1')),
  ];

  it('keeps only image chunks: eXIf, text, XMP, time, C2PA and trailing data are gone', async () => {
    const original = pngWith(metadata, Buffer.from('PK\x03\x04 appended archive', 'latin1'));
    const base = fixture('base.png');
    const { output, out, result } = await strip(original, 'png');

    expect(result).toEqual({ cleaned: true });
    expect(pngChunks(out).map((c) => c.type)).toEqual(pngChunks(base).map((c) => c.type));
    expect(out.equals(base)).toBe(true);
    for (const secret of ['SecretAuthor', 'GPSLatitude', 'SecretSigner', 'appended archive']) expect(has(out, secret)).toBe(false);
    expect(has(out, GPS_RATIONALS)).toBe(false);
    expect(await pictureHashes(output)).toEqual(await pictureHashes(tmp.file('plain.png', base)));
    expect(await sniffFile(output)).toEqual(sniffResult('png'));
  });

  it('keeps colour and transparency chunks, and IDAT chunks larger than a read block', async () => {
    const base = fixture('base.png');
    const gama = pngChunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f]));
    const big = pngChunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), Buffer.alloc(100_000, 0x20)]));
    const { out } = await strip(pngWith([gama, big]), 'png');
    expect(pngChunks(out).map((c) => c.type)).toEqual(['IHDR', 'gAMA', ...pngChunks(base).map((c) => c.type).slice(1)]);
    expect(out.length).toBe(base.length + gama.length);
  });
});

describe('WebP', () => {
  const exifChunk = riffChunk('EXIF', exifTiff(1));
  const xmpChunk = riffChunk('XMP ', Buffer.from(XMP_PACKET, 'latin1'));

  it('drops EXIF, XMP and unknown chunks, clears the VP8X flags and fixes the RIFF size', async () => {
    const image = webpImageChunk('lossy.webp');
    const icc = riffChunk('ICCP', crypto.randomBytes(150_001));
    const original = webpFile([
      vp8xChunk(VP8X_ICC | VP8X_EXIF | VP8X_XMP, 32, 24),
      icc,
      image,
      exifChunk,
      riffChunk('SECR', Buffer.from('private chunk: SecretEditor')),
      xmpChunk,
      riffChunk('EXIF', crypto.randomBytes(70_001)),
    ]);
    const { output, out, result } = await strip(original, 'webp');

    expect(result).toEqual({ cleaned: true });
    expect(out.toString('latin1', 0, 4)).toBe('RIFF');
    expect(out.readUInt32LE(4)).toBe(out.length - 8);
    const chunks = webpChunks(out);
    expect(chunks.map((c) => c.fourcc)).toEqual(['VP8X', 'ICCP', 'VP8 ']);
    expect(chunks[0]!.bytes[8]).toBe(VP8X_ICC);
    expect(chunks[0]!.bytes.subarray(12).equals(vp8xChunk(0, 32, 24).subarray(12))).toBe(true);
    expect(chunks[1]!.bytes.equals(icc)).toBe(true);
    expect(chunks[2]!.bytes.equals(image)).toBe(true);
    expect(has(out, GPS_RATIONALS)).toBe(false);
    expect(has(out, 'GPSLatitude')).toBe(false);
    expect(has(out, 'SecretEditor')).toBe(false);
    expect(await sniffFile(output)).toEqual(sniffResult('webp'));
  });

  it('leaves a lossless picture with alpha decodable and unchanged', async () => {
    const image = webpImageChunk('lossless.webp');
    const original = webpFile([vp8xChunk(VP8X_ALPHA | VP8X_EXIF | VP8X_XMP, 32, 24), image, exifChunk, xmpChunk]);
    const { output, out } = await strip(original, 'webp');
    expect(webpChunks(out).map((c) => c.fourcc)).toEqual(['VP8X', 'VP8L']);
    expect(webpChunks(out)[0]!.bytes[8]).toBe(VP8X_ALPHA);
    expect(webpChunks(out)[1]!.bytes.equals(image)).toBe(true);
    expect(await pictureHashes(output)).toEqual(await pictureHashes(tmp.file('plain.webp', fixture('lossless.webp'))));
  });

  it('pads odd chunks, including a last chunk whose pad byte the writer left out', async () => {
    const lossless = Buffer.from([0x2f, 1, 2]);
    const alone = webpFile([riffChunk('VP8L', lossless, false)]);
    expect(alone.length % 2).toBe(1);
    const { out } = await strip(alone, 'webp');
    expect(out.subarray(12)).toEqual(riffChunk('VP8L', lossless));
    expect(out.readUInt32LE(4)).toBe(out.length - 8);

    const withExif = webpFile([vp8xChunk(VP8X_EXIF, 1, 1), riffChunk('VP8L', lossless), riffChunk('EXIF', Buffer.from('MM\0*x'), false)]);
    const second = await strip(withExif, 'webp');
    expect(webpChunks(second.out).map((c) => c.fourcc)).toEqual(['VP8X', 'VP8L']);
    expect(second.out.subarray(30)).toEqual(riffChunk('VP8L', lossless));
    expect(second.out.readUInt32LE(4)).toBe(second.out.length - 8);
  });

  it('drops bytes after the RIFF data', async () => {
    const original = Buffer.concat([fixture('lossy.webp'), Buffer.from('<html>appended</html>')]);
    const { out } = await strip(original, 'webp');
    expect(out.equals(fixture('lossy.webp'))).toBe(true);
  });

  it('refuses a chunk that runs past the end, leaving no output', async () => {
    const input = tmp.file('broken.webp', fixture('lossy.webp').subarray(0, 100));
    const output = tmp.path('broken-out.webp');
    await expect(stripMetadata(input, output, sniffResult('webp'))).rejects.toBeInstanceOf(MetadataStripError);
    expect(fs.existsSync(output)).toBe(false);
  });
});
