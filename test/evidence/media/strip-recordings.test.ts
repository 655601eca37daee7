import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { stripMetadata } from '../../../src/evidence/media/strip.js';
import { sniffFile } from '../../../src/evidence/media/sniff.js';
import { findFfmpeg } from '../../../src/evidence/media/ffmpeg.js';
import { MetadataStripError } from '../../../src/evidence/media/errors.js';
import { sniffResult, type SniffResult } from '../../../src/evidence/media/formats.js';
import { ffmpeg, fixture, heicFile, metadataOf, packetHashes, pdfFile, tempFolder } from './builders.js';

const tmp = tempFolder();
afterAll(() => tmp.remove());

let serial = 0;
async function strip(input: string, sniff: SniffResult) {
  const output = tmp.path(`out-${++serial}`);
  const result = await stripMetadata(input, output, sniff);
  return { output, result, out: fs.readFileSync(output) };
}

const has = (haystack: Buffer, needle: string) => haystack.includes(Buffer.from(needle, 'latin1'));
/** The 3GPP loci box ffmpeg writes for `location`: longitude 116.4074 as 16.16 fixed point. */
const LOCI_LONGITUDE = Buffer.from([0x00, 0x74, 0x68, 0x4b]);

describe('ffmpeg', () => {
  it('is found and runs', async () => {
    const command = await findFfmpeg();
    expect(command).not.toBeNull();
    expect(await ffmpeg(['-version'])).toMatch(/^ffmpeg version/);
  });
});

describe('MP4 video', () => {
  it('removes location, maker, title and dates without re-encoding, keeping the rotation', async () => {
    const input = tmp.file('phone.mp4', fixture('tagged.mp4'));
    const before = await metadataOf(input);
    expect(before).toContain('+39.9042+116.4074');
    expect(before).toContain('SunshinePhone');

    const { output, out, result } = await strip(input, sniffResult('mp4'));

    expect(result).toEqual({ cleaned: true });
    const after = await metadataOf(output);
    for (const gone of ['39.9042', 'location', 'SunshinePhone', 'SecretTitle', 'SecretStream', 'creation_time', 'encoder']) {
      expect(after).not.toContain(gone);
    }
    for (const gone of ['+39.9042', 'loci', 'com.apple.quicktime', 'com.android', 'SunshinePhone', 'SecretTitle', 'SecretStream', 'Lavf']) {
      expect(has(out, gone)).toBe(false);
    }
    expect(out.includes(LOCI_LONGITUDE)).toBe(false);
    expect(await packetHashes(output)).toEqual(await packetHashes(input));
    expect(await rotationOf(output)).toBe(90);
    expect(await sniffFile(output)).toEqual(sniffResult('mp4'));
  });

  it('drops subtitle tracks, where dashcams write their GPS trail', async () => {
    const srt = tmp.file('gps.srt', '1\n00:00:00,000 --> 00:00:01,000\nN39.9042 E116.4074 62km/h\n');
    const input = tmp.path('dashcam.mp4');
    await ffmpeg(['-i', tmp.file('dash-src.mp4', fixture('tagged.mp4')), '-i', srt, '-map', '0', '-map', '1', '-c', 'copy', '-c:s', 'mov_text', '-y', input]);
    expect(has(fs.readFileSync(input), 'N39.9042')).toBe(true);
    expect(await sniffFile(input)).toEqual(sniffResult('mp4'));

    const { output, out } = await strip(input, sniffResult('mp4'));
    expect(has(out, 'N39.9042')).toBe(false);
    expect(await packetHashes(output)).toEqual(await packetHashes(input, ['0:V', '0:a']));
  });
});

describe('M4A audio', () => {
  it('removes title, artist and location, keeps the audio and the M4A brand', async () => {
    const input = tmp.file('voice.m4a', fixture('tagged.m4a'));
    expect(await metadataOf(input)).toContain('SecretArtist');

    const { output, out, result } = await strip(input, sniffResult('m4a'));

    expect(result).toEqual({ cleaned: true });
    const after = await metadataOf(output);
    for (const gone of ['SecretTitle', 'SecretArtist', '39.9042', 'location', 'encoder']) expect(after).not.toContain(gone);
    for (const gone of ['SecretTitle', 'SecretArtist', '+39.9042', 'loci', 'Lavf']) expect(has(out, gone)).toBe(false);
    expect(out.toString('latin1', 4, 12)).toBe('ftypM4A ');
    expect(await packetHashes(output)).toEqual(await packetHashes(input));
    expect(await sniffFile(output)).toEqual(sniffResult('m4a'));
  });

  it('turns an audio-only isom MP4 (Android recorder) into an M4A', async () => {
    const input = tmp.path('android.m4a');
    await ffmpeg(['-i', tmp.file('android-src.m4a', fixture('tagged.m4a')), '-c', 'copy', '-f', 'mp4', '-y', input]);
    expect(fs.readFileSync(input).toString('latin1', 8, 12)).toBe('isom');
    const sniff = await sniffFile(input);
    expect(sniff).toEqual(sniffResult('m4a'));

    const { output, out } = await strip(input, sniff!);
    expect(out.toString('latin1', 8, 12)).toBe('M4A ');
    expect(has(out, 'SecretArtist')).toBe(false);
    expect(await sniffFile(output)).toEqual(sniffResult('m4a'));
  });
});

describe('MP3 audio', () => {
  it('removes ID3v2 and ID3v1 tags and keeps every audio frame', async () => {
    const id3v1 = Buffer.alloc(128);
    id3v1.write('TAG', 0, 'latin1');
    id3v1.write('SecretSongV1', 3, 'latin1');
    id3v1.write('SecretArtistV1', 33, 'latin1');
    const input = tmp.file('voice.mp3', Buffer.concat([fixture('tagged.mp3'), id3v1]));
    const original = fs.readFileSync(input);
    expect(original.toString('latin1', 0, 3)).toBe('ID3');

    const { output, out, result } = await strip(input, sniffResult('mp3'));

    expect(result).toEqual({ cleaned: true });
    expect(out.toString('latin1', 0, 3)).not.toBe('ID3');
    expect(out.subarray(-128).toString('latin1', 0, 3)).not.toBe('TAG');
    for (const gone of ['SecretArtist', 'SecretComment', 'SecretSongV1', 'TPE1', 'COMM']) expect(has(out, gone)).toBe(false);
    const after = await metadataOf(output);
    expect(after).not.toContain('Secret');
    expect(await packetHashes(output)).toEqual(await packetHashes(input));
    expect(await sniffFile(output)).toEqual(sniffResult('mp3'));
  });
});

describe('formats that cannot be cleaned', () => {
  it.each([
    ['HEIC', () => heicFile(), sniffResult('heic')],
    ['PDF', () => pdfFile(), sniffResult('pdf')],
    ['AMR', () => fixture('voice.amr'), sniffResult('amr')],
    ['WAV', () => fixture('tone.wav'), sniffResult('wav')],
    ['WebM', () => fixture('voice.webm'), sniffResult('webmAudio')],
    ['OGG', () => fixture('tone.ogg'), sniffResult('ogg')],
  ])('%s is copied unchanged and reported as not cleaned', async (name, make, sniff) => {
    const bytes = make();
    const { out, result, output } = await strip(tmp.file(`keep-${name}`, bytes), sniff);
    expect(result).toEqual({ cleaned: false });
    expect(out.equals(bytes)).toBe(true);
    expect(fs.statSync(output).mode & 0o777).toBe(0o600);
  });
});

describe('failures', () => {
  it('a file ffmpeg cannot read is refused with MetadataStripError, leaving no output', async () => {
    const input = tmp.file('not-really.mp4', fixture('tagged.mp4').subarray(0, 400));
    const output = tmp.path('not-really-out.mp4');
    const error = await stripMetadata(input, output, sniffResult('mp4')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MetadataStripError);
    expect((error as Error).message).toMatch(/ffmpeg/);
    expect(fs.existsSync(output)).toBe(false);
  });
});

/** The display rotation ffmpeg reads from the track header, in degrees. */
async function rotationOf(file: string): Promise<number | null> {
  const command = (await findFfmpeg())!;
  const { spawnSync } = await import('node:child_process');
  const probe = spawnSync(command, ['-hide_banner', '-i', file], { encoding: 'utf8' });
  const match = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(probe.stderr);
  return match ? Math.abs(Number(match[1])) : null;
}
