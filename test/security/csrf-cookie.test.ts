// Issue 16 defect 10: the CSRF secret's cookie had no `__Host-` prefix and survived sign-in, so a
// token seen before sign-in (a shared computer, a page left open) still worked after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { generate } from 'otplib';
import { cookiesFrom, openForm } from '../helpers/forms.js';
import { createStaff } from '../helpers/staff.js';

let plain: TestApp, https: TestApp;
beforeAll(async () => {
  plain = await makeApp();
  https = await makeApp({ baseUrl: 'https://jiuzhu.mz.jl.gov.cn' });
});
afterAll(async () => {
  await plain.close();
  await https.close();
});

type RawCookie = { name: string; secure?: boolean; path?: string; domain?: string; httpOnly?: boolean };
const csrfCookie = (res: { cookies: unknown }) => (res.cookies as RawCookie[]).find((c) => /csrf/.test(c.name));

describe('the CSRF cookie', () => {
  it('is __Host-csrf over HTTPS: Secure, whole path, no domain', async () => {
    const res = await https.app.inject({ url: '/report' });
    const cookie = csrfCookie(res)!;
    expect(cookie.name).toBe('__Host-csrf');
    expect(cookie.secure).toBe(true);
    expect(cookie.path).toBe('/');
    expect(cookie.domain).toBeUndefined();
    expect(cookie.httpOnly).toBe(true);
  });

  it('keeps its plain name on plain HTTP (the local demo), where a Secure cookie cannot be set', async () => {
    expect(csrfCookie(await plain.app.inject({ url: '/report' }))!.name).toBe('_csrf');
  });

  it('gets a new secret at sign-in: a token from before no longer works', async () => {
    const staff = await createStaff(plain.app, 'ca:220102', ['handler']);
    // One browser: the token of the sign-in page, then the two steps with the same cookies.
    const before = await openForm(plain.app, '/staff/login');
    const secretBefore = before.cookies._csrf;
    let jar = { ...before.cookies };
    const login = await plain.app.inject({ method: 'POST', url: '/staff/login', cookies: jar, payload: { _csrf: before.csrf, username: staff.user.username, password: staff.password } });
    expect(login.statusCode).toBe(303);
    jar = cookiesFrom(login, jar);
    const code = await plain.app.inject({ method: 'POST', url: '/staff/login/code', cookies: jar, payload: { _csrf: before.csrf, code: await generate({ secret: staff.totpSecret }) } });
    expect(code.statusCode).toBe(303);
    jar = cookiesFrom(code, jar);
    expect(jar._csrf).not.toBe(secretBefore);
    const stale = await plain.app.inject({ method: 'POST', url: '/staff/logout', cookies: jar, payload: { _csrf: before.csrf } });
    expect(stale.statusCode).toBe(403);
    const fresh = await openForm(plain.app, '/staff/profile', jar);
    const ok = await plain.app.inject({ method: 'POST', url: '/staff/logout', cookies: fresh.cookies, payload: { _csrf: fresh.csrf } });
    expect(ok.statusCode).toBe(303);
  });
});
