import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
  t.app.get('/boom', async () => {
    throw new Error('secret internal detail');
  });
});
afterAll(() => t.close());

describe('pages', () => {
  it('serves the home page in Chinese by default with landmarks', async () => {
    const res = await t.app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="zh-CN">');
    expect(res.body).toContain('<main id="main"');
    expect(res.body).toContain('我要举报');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('switches language by a link that returns to the same local page', async () => {
    const res = await t.app.inject('/lang/ko?next=%2Ftrack%3Fx%3D1');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/track?x=1');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/lang=ko/);
    const home = await t.app.inject({ url: '/', cookies: { lang: 'ko' } });
    expect(home.body).toContain('<html lang="ko">');
    expect(home.body).toContain('신고하기');
    const en = await t.app.inject({ url: '/', cookies: { lang: 'en' } });
    expect(en.body).toContain('File a report');
  });

  it.each(['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'evil.example'])('never redirects off-site (next=%s)', async (next) => {
    const res = await t.app.inject(`/lang/en?next=${encodeURIComponent(next)}`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('ignores an unknown locale', async () => {
    const res = await t.app.inject('/lang/fr?next=/');
    expect(res.headers['set-cookie']).toBeUndefined();
    const home = await t.app.inject({ url: '/', cookies: { lang: 'fr' } });
    expect(home.body).toContain('<html lang="zh-CN">');
  });

  it('sets and clears care mode by a link', async () => {
    const on = await t.app.inject('/care/on?next=/');
    expect(String(on.headers['set-cookie'])).toMatch(/care=1/);
    const page = await t.app.inject({ url: '/', cookies: { care: '1' } });
    expect(page.body).toContain('class="public care"');
    expect(page.body).toContain('退出长辈模式');
  });

  it('renders a localized 404', async () => {
    const zh = await t.app.inject('/no/such/page');
    expect(zh.statusCode).toBe(404);
    expect(zh.body).toContain('页面不存在');
    const en = await t.app.inject({ url: '/no/such/page', cookies: { lang: 'en' } });
    expect(en.body).toContain('Page not found');
  });

  it('renders a localized 500 that hides the details and logs them', async () => {
    const res = await t.app.inject({ url: '/boom', cookies: { lang: 'ko' } });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('일시적인 서비스 문제');
    expect(res.body).not.toContain('secret internal detail');
    expect(t.logs()).toContain('secret internal detail');
  });

  it('checks the database and disk in /healthz', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: 'ok', diskOk: true });
  });

  it('reports degraded health when free disk is below the threshold', async () => {
    const low = await makeApp({ minFreeDiskMb: 1_000_000_000 });
    const res = await low.app.inject('/healthz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', diskOk: false });
    await low.close();
  });
});
