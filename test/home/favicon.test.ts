// The site icon: one SVG under /static, linked from every layout, and /favicon.ico sent to it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAVICON } from '../../src/home/routes.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const LINK = `<link rel="icon" href="${FAVICON}" type="image/svg+xml">`;

describe('the site icon', () => {
  it('is an SVG served from /static', async () => {
    const res = await t.app.inject(FAVICON);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(res.body).not.toMatch(/<script|on\w+=|href=/i);
  });

  it('is linked from every layout, and shows on public and staff pages', async () => {
    const dir = path.resolve('views/layouts');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.hbs'))) expect(fs.readFileSync(path.join(dir, file), 'utf8'), file).toContain(LINK);
    for (const url of ['/', '/staff/login']) expect((await t.app.inject(url)).body, url).toContain(LINK);
  });

  it('answers /favicon.ico (GET and HEAD) with a cacheable redirect instead of a 404', async () => {
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await t.app.inject({ method, url: '/favicon.ico' });
      expect(res.statusCode).toBe(301);
      expect(res.headers.location).toBe(FAVICON);
      expect(res.headers['cache-control']).toBe('public, max-age=86400');
    }
  });
});
