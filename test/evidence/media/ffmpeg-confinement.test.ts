// Issue 16, defect 3: ffmpeg demuxes untrusted uploads, so it must be a current build, must not
// follow URLs or local paths named inside an upload (HLS, concat), and must run time- and
// memory-limited.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confinedArgs, describeFfmpeg, runFfmpeg, runLimited } from '../../../src/evidence/media/ffmpeg.js';
import { stripMetadata } from '../../../src/evidence/media/strip.js';
import { MetadataStripError } from '../../../src/evidence/media/errors.js';
import { sniffResult } from '../../../src/evidence/media/formats.js';
import { sniffFile } from '../../../src/evidence/media/sniff.js';
import { fixture, metadataOf, tempFolder } from './builders.js';

const tmp = tempFolder();
/** A listener that counts every request made to it: an upload must never make ffmpeg call out. */
let server: http.Server;
let hits: string[] = [];
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('#EXTM3U\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  tmp.remove();
  await new Promise((resolve) => server.close(resolve));
});

/** An HLS media playlist whose "segments" are /etc/passwd and a URL on the listener. */
function playlist(): string {
  return ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:10', '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXTINF:10.0,', 'file:/etc/passwd', '#EXTINF:10.0,', '/etc/passwd', '#EXTINF:10.0,', `${base}/segment.ts`, '#EXT-X-ENDLIST', ''].join('\n');
}

describe('which ffmpeg', () => {
  it.runIf(fs.existsSync('/usr/bin/ffmpeg'))('prefers the system ffmpeg to the 2018 static build', async () => {
    const info = await describeFfmpeg();
    expect(info?.source).toBe('system');
    expect(info?.command).toBe('/usr/bin/ffmpeg');
    expect(info?.version).toMatch(/^ffmpeg version /);
    expect(info?.version).not.toMatch(/johnvansickle|N-47683/);
  });
});

describe('an HLS playlist disguised as a recording', () => {
  it('is not taken for a picture or recording by the sniffer', async () => {
    expect(await sniffFile(tmp.file('clip.mp4', playlist()))).toBeNull();
  });

  it.each([['mp4'], ['m4a'], ['mp3']] as const)('named .%s and forced through the remux, opens nothing it names', async (format) => {
    hits = [];
    const input = tmp.file(`evil-${format}.${format}`, playlist());
    const output = tmp.path(`evil-${format}-out`);
    const error = await stripMetadata(input, output, sniffResult(format)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MetadataStripError);
    expect(fs.existsSync(output)).toBe(false);
    expect(hits).toEqual([]);
  });

  it('even where the HLS demuxer is asked for by name, the protocol whitelist stops the HTTP request', async () => {
    hits = [];
    const input = tmp.file('remote.m3u8', ['#EXTM3U', '#EXT-X-TARGETDURATION:10', '#EXTINF:10.0,', `${base}/segment.ts`, '#EXT-X-ENDLIST', ''].join('\n'));
    const output = tmp.path('remote-out.ts');
    await expect(runFfmpeg(['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'hls', '-i', `file:${input}`, '-c', 'copy', '-f', 'mpegts', '-y', `file:${output}`])).rejects.toThrow();
    expect(hits).toEqual([]);
  });

  it('a concat list naming /etc/passwd copies nothing of it', async () => {
    const input = tmp.file('list.mp4', `ffconcat version 1.0\nfile '/etc/passwd'\nfile '${base}/x.mp4'\n`);
    const output = tmp.path('list-out.mp4');
    await expect(stripMetadata(input, output, sniffResult('mp4'))).rejects.toBeInstanceOf(MetadataStripError);
    expect(fs.existsSync(output)).toBe(false);
    expect(hits).toEqual([]);
  });
});

describe('confinement', () => {
  it('puts the file-and-pipe protocol whitelist before every input and the output, replacing any other', () => {
    expect(confinedArgs(['-f', 'mov', '-i', 'file:/a', '-protocol_whitelist', 'http,file', '-c', 'copy', 'file:/b'])).toEqual([
      '-f', 'mov', '-protocol_whitelist', 'file,pipe', '-i', 'file:/a', '-c', 'copy', '-protocol_whitelist', 'file,pipe', 'file:/b',
    ]);
  });

  it.runIf(fs.existsSync('/usr/bin/prlimit'))('runs under address-space and CPU limits', async () => {
    const out = tmp.path('limits.txt');
    await runLimited('/bin/sh', ['-c', `ulimit -v > ${out}; ulimit -t >> ${out}`], { timeoutMs: 5000, memoryBytes: 512 * 1024 * 1024, cpuSeconds: 7 }, '/usr/bin/prlimit');
    expect(fs.readFileSync(out, 'utf8').trim().split('\n')).toEqual([String(512 * 1024), '7']);
  });

  it('kills a run that outlives its time limit', async () => {
    const started = Date.now();
    await expect(runLimited('/bin/sh', ['-c', 'sleep 5'], { timeoutMs: 300, memoryBytes: 1024 ** 3, cpuSeconds: 10 }, null)).rejects.toThrow(/killed/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('still removes an MP4 location tag under these limits', async () => {
    const input = tmp.file('phone.mp4', fixture('tagged.mp4'));
    expect(await metadataOf(input)).toContain('+39.9042+116.4074');
    const output = tmp.path('phone-out.mp4');
    expect(await stripMetadata(input, output, sniffResult('mp4'))).toEqual({ cleaned: true });
    expect(await metadataOf(output)).not.toContain('39.9042');
    expect(fs.readFileSync(output).includes(Buffer.from('+39.9042', 'latin1'))).toBe(false);
  });
});
