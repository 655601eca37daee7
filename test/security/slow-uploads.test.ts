// Issue 16, defect 5: multipart posts that send a byte now and then each held a socket and a
// plaintext temporary file until the process ran out of files. Scaled down to run in seconds:
// small caps on uploads in flight, a two-second idle period, and a floor on the average rate.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { exifSegment, jpegWith } from '../evidence/media/builders.js';
import { reportFields } from '../reports/fixtures.js';

const abuse = { ...testConfig({ dataDir: '/nonexistent' }).abuse, uploadsPerAddress: 3, uploadsTotal: 8, uploadIdleSeconds: 2, uploadMinBytesPerSecond: 2000 };

let t: TestApp;
let port = 0;
beforeAll(async () => {
  t = await makeApp({ abuse });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as net.AddressInfo).port;
});
afterAll(() => t.close());

const base = () => `http://127.0.0.1:${port}`;
const tmpFiles = () => fs.readdirSync(path.join(t.dataDir, 'tmp'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The report form's CSRF token and cookies, over HTTP. */
async function openForm(): Promise<{ csrf: string; cookie: string }> {
  const res = await fetch(`${base()}/report`);
  const html = await res.text();
  const csrf = /_csrf=([^"&]+)/.exec(html)![1]!.replace(/&#x3D;/g, '=');
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { csrf, cookie };
}

interface Slow {
  /** Everything the server answered. */
  response: () => string;
  closed: Promise<number>;
}

/**
 * A multipart report whose text arrives at once and whose file then trickles a byte every 200 ms,
 * from a loopback address of its own (Linux routes all of 127/8 to the loopback interface).
 */
function slowUpload(from: string, form: { csrf: string; cookie: string }): Slow {
  const started = Date.now();
  const boundary = `----slow${crypto.randomBytes(8).toString('hex')}`;
  const fields = { ...reportFields(), submission_id: crypto.randomBytes(24).toString('base64url') };
  const head = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')
    + `--${boundary}\r\nContent-Disposition: form-data; name="evidence"; filename="slow.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => (answer += text));
  socket.on('error', () => undefined);
  socket.write(`POST /report?_csrf=${encodeURIComponent(form.csrf)} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${form.cookie}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 1000000\r\n\r\n`);
  socket.write(Buffer.concat([Buffer.from(head), jpegWith(exifSegment()).subarray(0, 64)]));
  const trickle = setInterval(() => socket.writable && socket.write('x'), 200);
  const closed = new Promise<number>((resolve) => socket.on('close', () => {
    clearInterval(trickle);
    resolve(Date.now() - started);
  }));
  return { response: () => answer, closed };
}

/** A villager's filing with a photo, over HTTP, from 127.0.0.1. */
async function normalFiling(): Promise<{ status: number; html: string }> {
  const form = await openForm();
  const body = new FormData();
  for (const [k, v] of Object.entries({ ...reportFields(), submission_id: crypto.randomBytes(24).toString('base64url') })) body.append(k, v);
  body.append('evidence', new Blob([new Uint8Array(jpegWith(exifSegment()))], { type: 'image/jpeg' }), '照片.jpg');
  const res = await fetch(`${base()}/report?_csrf=${encodeURIComponent(form.csrf)}`, { method: 'POST', body, headers: { cookie: form.cookie } });
  return { status: res.status, html: await res.text() };
}

describe('slow uploads', () => {
  it('are capped per address, leave the home page and a normal filing working, and are cut off with their temporary files', async () => {
    const form = await openForm();
    // 40 trickling posts from one address and 10 from another (the issue saw 10,000 from one client).
    const slow = [...Array.from({ length: 40 }, () => slowUpload('127.0.0.2', form)), ...Array.from({ length: 10 }, () => slowUpload('127.0.0.3', form))];
    const isRefused = (s: Slow) => s.response().startsWith('HTTP/1.1 429');
    // Waits up to 15 s: on a loaded two-core machine the last refusals can take seconds to be written.
    for (let i = 0; i < 150 && slow.filter(isRefused).length < 44; i++) await sleep(100);

    // Beyond three per address, refused at once, before a temporary file, and the connection closed.
    const refused = slow.filter(isRefused);
    expect(refused).toHaveLength(44);
    expect(refused[0]!.response()).toMatch(/\r\nretry-after: 60\r\n/i);
    expect(refused[0]!.response()).toMatch(/\r\nconnection: close\r\n/i);
    expect(refused[0]!.response()).toContain('您所在的网络正在同时传好几份材料');
    for (const s of refused) expect(await Promise.race([s.closed, sleep(1000).then(() => -1)])).toBeGreaterThan(0);
    // The six admitted hold a plaintext temporary file each for now.
    expect(tmpFiles().length).toBeGreaterThan(0);
    expect(tmpFiles().length).toBeLessThanOrEqual(6);

    // Meanwhile the site works: the home page, and a villager's filing with a photo.
    const home = await fetch(`${base()}/`);
    expect(home.status).toBe(200);
    const filed = await normalFiling();
    expect(filed.status).toBe(200);
    expect(filed.html).toMatch(/class="query-code"[^>]*>\d{4} \d{4} \d{4} \d{4}</);
    expect(filed.html).toContain('照片.jpg — 已删除位置和设备信息');

    // After the idle period the trickling sockets are closed by the server and their files are gone.
    const admitted = slow.filter((s) => !refused.includes(s));
    const times = await Promise.all(admitted.map((s) => Promise.race([s.closed, sleep(8000).then(() => -1)])));
    for (const ms of times) expect(ms).toBeGreaterThan(1500);
    for (const ms of times) expect(ms).toBeLessThan(6000);
    for (let i = 0; i < 20 && tmpFiles().length > 0; i++) await sleep(100);
    expect(tmpFiles()).toEqual([]);
    expect((await fetch(`${base()}/`)).status).toBe(200);
    expect((await normalFiling()).status).toBe(200);
    // Their places are free again.
    const again = slowUpload('127.0.0.2', await openForm());
    await sleep(300);
    expect(again.response()).toBe('');
    await again.closed;
    expect(t.logs()).not.toContain('127.0.0.2');
    // One warning per upload cut off, no error with a stack trace for each.
    expect(t.logs()).toContain('upload cut off');
    expect(t.logs()).not.toContain('"level":50');
  }, 30_000);

  it('past the cap for everyone, refuse with 503 and a page that says to wait', async () => {
    const form = await openForm();
    const from = ['127.0.0.4', '127.0.0.5', '127.0.0.6'];
    const slow = from.flatMap((ip) => [slowUpload(ip, form), slowUpload(ip, form), slowUpload(ip, form)]);
    const isBusy = (s: Slow) => s.response().startsWith('HTTP/1.1 503');
    for (let i = 0; i < 30 && !slow.some(isBusy); i++) await sleep(100);
    const busy = slow.filter(isBusy);
    expect(busy).toHaveLength(1);
    expect(busy[0]!.response()).toContain('这会儿提交的人太多');
    await Promise.all(slow.map((s) => s.closed));
    for (let i = 0; i < 20 && tmpFiles().length > 0; i++) await sleep(100);
    expect(tmpFiles()).toEqual([]);
  }, 30_000);
});
