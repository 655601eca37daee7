import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport } from '../../src/reports/index.js';
import { updateUser } from '../../src/users/index.js';
import { workflow } from '../../src/reports/casework/index.js';
import { staffContext } from '../../src/plugins/auth.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type TestStaff } from '../helpers/staff.js';
import { jpegWith } from '../evidence/media/builders.js';
import { reportFields } from '../reports/fixtures.js';

const PAYLOADS = ['<script>alert("x1")</script>', '<img src=x onerror=alert("x2")>', '"><svg onload=alert("x3")>', 'javascript:alert("x4")', '{{constructor.constructor("alert(5)")()}}'];
const RAW = ['<script>alert("x1")', '<img src=x onerror', '<svg onload', 'href="javascript:alert'];

let t: TestApp;
let handler: TestStaff;

beforeAll(async () => {
  t = await makeApp();
  handler = await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead']);
});
afterAll(() => t.close());

describe('stored XSS', () => {
  it('comes back escaped on every page that shows free text, public and staff', async () => {
    const text = PAYLOADS.join(' ');
    const filed = await fileReport(
      t.app.deps,
      { category: 'other', placeCode: '220102001', placeOther: text.slice(0, 190), countyCode: '220102', townshipCode: '220102001', subjectName: PAYLOADS[1]!.slice(0, 40), subjectPosition: null, subjectIsHead: false, description: `反映情况：${text}`, happenedAt: PAYLOADS[0]!.slice(0, 50), identity: null },
      [],
      { channel: 'online', nonce: null },
    );
    const staff = staffContext(handler.user, (await findUnitByKey(t.app.db, 'ca:220102'))!);
    await workflow.staffMessage(t.app.deps, staff, filed.report, `请补充：${text}`, false);
    await workflow.reject(t.app.deps, staff, filed.report, `理由：${text}`);
    const session = await signIn(t.app, handler);
    const track = await openForm(t.app, '/track');
    const opened = await t.app.inject({ method: 'POST', url: '/track', cookies: track.cookies, payload: { _csrf: track.csrf, code: filed.queryCode } });
    const jar = cookiesFrom(opened, track.cookies);
    const pages = [
      (await session.get(`/staff/reports/${filed.report.id}`)).body,
      (await session.get(`/staff/reports?q=${encodeURIComponent('反映情况')}`)).body,
      (await t.app.inject({ url: '/track/report', cookies: jar })).body,
    ];
    for (const page of pages) {
      for (const raw of RAW) expect(page).not.toContain(raw);
    }
    expect(pages[0]).toContain('&lt;script&gt;alert(&quot;x1&quot;)');
    expect(pages[2]).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(&quot;x2&quot;)&gt;');
  });

  it('escapes what a person typed when the form comes back with an error', async () => {
    const form = await openForm(t.app, '/report');
    const body = await multipart({ ...reportFields({ description: '', subject_name: PAYLOADS[2]!, place_other: PAYLOADS[1]! }), submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(400);
    for (const raw of RAW) expect(res.body).not.toContain(raw);
  });

  it('keeps a path-traversal file name out of the file system and the page', async () => {
    const form = await openForm(t.app, '/report');
    const body = await multipart({ ...reportFields(), submission_id: form.hidden.submission_id! }, [{ name: 'evidence', filename: '../../../../etc/<b>passwd</b>.jpg', content: jpegWith() }]);
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('../');
    expect(res.body).not.toContain('<b>passwd');
  });
});

describe('headers', () => {
  it('sends a strict CSP and the other security headers', async () => {
    const res = await t.app.inject('/');
    const csp = String(res.headers['content-security-policy']);
    for (const part of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(csp).toContain(part);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    // The same set on every kind of answer: a cached page, a static file, a 404, a redirect.
    const others = [await t.app.inject('/'), await t.app.inject('/static/css/site.css'), await t.app.inject('/no-such-page'), await t.app.inject('/favicon.ico')];
    expect(others.map((r) => r.statusCode)).toEqual([200, 200, 404, 301]);
    for (const other of others) {
      for (const name of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'strict-transport-security']) expect(other.headers[name], `${other.statusCode} ${name}`).toBe(res.headers[name]);
    }
  });

  it('forbids caching of tracking and staff pages', async () => {
    expect((await t.app.inject('/track')).headers['cache-control']).toBe('no-store');
    expect((await t.app.inject('/staff/login')).headers['cache-control']).toBe('no-store');
    const session = await signIn(t.app, handler);
    expect((await session.get('/staff')).headers['cache-control']).toBe('no-store');
    expect((await session.get('/staff/reports')).headers['cache-control']).toBe('no-store');
  });
});

describe('staff sessions', () => {
  it('get a new id at sign-in, HttpOnly and SameSite cookies', async () => {
    const form = await openForm(t.app, '/staff/login');
    const res = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: form.cookies, payload: { _csrf: form.csrf, username: handler.user.username, password: handler.password } });
    const cookie = (res.cookies as { name: string; httpOnly?: boolean; sameSite?: string }[]).find((c) => c.name === 'sid')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite?.toLowerCase()).toBe('lax');
    const first = await signIn(t.app, handler);
    const second = await signIn(t.app, handler);
    expect(first.jar.sid).not.toBe(second.jar.sid);
  });

  it('stop working after sign-out, after a password change elsewhere, and when the account is disabled', async () => {
    const stolen = await signIn(t.app, handler);
    const copy = { ...stolen.jar };
    expect((await stolen.get('/staff')).statusCode).toBe(200);
    await stolen.post('/staff/logout', {});
    expect((await t.app.inject({ url: '/staff', cookies: copy })).statusCode).toBe(303);

    const other = await createStaff(t.app, 'ca:220102', ['handler']);
    const victim = await signIn(t.app, other);
    await updateUser(t.app.db, other.user.id, { passwordChangedAt: Date.now() + 1000 });
    expect((await victim.get('/staff')).statusCode).toBe(303);

    const third = await createStaff(t.app, 'ca:220102', ['handler']);
    const active = await signIn(t.app, third);
    await updateUser(t.app.db, third.user.id, { disabled: true });
    expect((await active.get('/staff')).statusCode).toBe(303);
  });

  it('ends the other session of the same account on a new sign-in', async () => {
    const someone = await createStaff(t.app, 'ca:220102', ['handler']);
    const laptop = await signIn(t.app, someone);
    const phone = await signIn(t.app, someone);
    expect((await phone.get('/staff')).statusCode).toBe(200);
    expect((await laptop.get('/staff')).statusCode).toBe(303);
  });

  it('locks an account after repeated wrong passwords, with one message for all failures', async () => {
    const victim = await createStaff(t.app, 'ca:220102', ['handler']);
    const messages: string[] = [];
    for (let i = 0; i < 6; i++) {
      const form = await openForm(t.app, '/staff/login');
      const res = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: form.cookies, remoteAddress: `10.50.0.${i}`, payload: { _csrf: form.csrf, username: victim.user.username, password: 'wrong-password' } });
      messages.push(res.body.includes('用户名或密码不正确') ? 'invalid' : String(res.statusCode));
    }
    expect(messages).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
    const form = await openForm(t.app, '/staff/login');
    const right = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: form.cookies, remoteAddress: '10.50.1.1', payload: { _csrf: form.csrf, username: victim.user.username, password: victim.password } });
    // Locked: even the right password is refused for now, with the same message.
    expect(right.statusCode).toBe(401);
    expect(right.body).toContain('用户名或密码不正确');
    const unknown = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: form.cookies, remoteAddress: '10.50.1.2', payload: { _csrf: form.csrf, username: 'nobody-here', password: 'wrong-password' } });
    expect(unknown.body).toContain('用户名或密码不正确');
  });
});
