// A wrong query code stays in the box (16 digits are not retyped), only there, on a no-store
// page, and the guessing limit is explained in plain words: issue 20, item 8.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { postTrackCode } from '../helpers/forms.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ trackAttemptsPerWindow: 3 });
});
afterAll(() => t.close());

const tryCode = (code: string, ip: string, lang?: string) => postTrackCode(t.app, code, ip, lang);

const codeInput = (body: string) => /<input[^>]*id="code"[^>]*>/.exec(body)![0];

describe('query code entry', () => {
  it('keeps a wrong code in the box and nowhere else, on a page that is not stored', async () => {
    const typed = '1234 5678 9012 3457';
    const res = await tryCode(typed, '10.30.0.1');
    expect(res.statusCode).toBe(400);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(codeInput(res.body)).toContain(`value="${typed}"`);
    expect(res.body.split(typed).length - 1).toBe(1);
    expect(res.body.split('1234567890123457').length - 1).toBe(0);
  });

  it('keeps it escaped and no longer than the box takes', async () => {
    const res = await tryCode('"><script>alert(1)</script>' + '9'.repeat(60), '10.30.0.2');
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('<script>alert(1)');
    const value = /value="([^"]*)"/.exec(codeInput(res.body))![1]!;
    expect(value.startsWith('&quot;&gt;&lt;script&gt;')).toBe(true);
    expect(value).not.toContain('9'.repeat(41));
  });

  it('keeps the code when too many tries wait, and says how many tries and how long the wait is', async () => {
    const ip = '10.30.0.3';
    const first = await tryCode('0000 0000 0000 0001', ip);
    // The limit is told before it is reached, in plain words with its numbers.
    expect(first.body).toContain('同一个网络15分钟内输错3次以后，每次再查都要先等一会儿');
    await tryCode('0000 0000 0000 0002', ip);
    await tryCode('0000 0000 0000 0003', ip);
    // A fourth wrong code sets the first wait: one second, not the rest of the window.
    expect((await tryCode('0000 0000 0000 0004', ip)).statusCode).toBe(400);
    const blocked = await tryCode('0000 0000 0000 0005', ip);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toMatch(/请等1秒后再点“查询”/);
    expect(codeInput(blocked.body)).toContain('value="0000 0000 0000 0005"');
  });

  it('explains the limit in Korean and English too', async () => {
    const ko = await tryCode('0000 0000 0000 0009', '10.30.0.4', 'ko');
    expect(ko.body).toMatch(/15분 동안 3번/);
    const en = await tryCode('0000 0000 0000 0009', '10.30.0.5', 'en');
    expect(en.body).toMatch(/after 3 wrong codes/);
  });

  it('starts with an empty box', async () => {
    const page = await t.app.inject({ url: '/track' });
    expect(codeInput(page.body)).not.toContain('value=');
  });
});
