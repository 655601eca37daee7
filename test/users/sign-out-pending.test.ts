// Sign-out needs the second factor (security review, session 10): someone holding only a leaked
// password reached /staff/login/code and, with that page's CSRF token, posted "sign out
// everywhere": every session of the real user ended, and the audit log said the user did it. A
// session waiting for its code may only end itself, with nothing recorded in the user's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../src/audit/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let staff: TestStaff;

beforeAll(async () => {
  t = await makeApp();
  staff = await createStaff(t.app, 'ca:220102', ['handler']);
});
afterAll(() => t.close());

/** The password step alone: a session waiting for the code, and the code page's CSRF token. */
async function passwordOnly(ip: string): Promise<{ jar: Record<string, string>; csrf: string }> {
  const form = await openForm(t.app, '/staff/login');
  const login = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: form.cookies, remoteAddress: ip, payload: { _csrf: form.csrf, username: staff.user.username, password: staff.password, next: '/staff' } });
  expect(login.headers.location).toBe('/staff/login/code');
  const code = await openForm(t.app, '/staff/login/code', cookiesFrom(login, form.cookies));
  return { jar: code.cookies, csrf: code.csrf };
}

const signOuts = async () => (await entriesFor(t.app.db, 'user', String(staff.user.id))).filter((e) => e.action.startsWith('user.sign_out')).length;

describe('signing out before the second factor', () => {
  for (const path of ['/staff/logout-everywhere', '/staff/logout']) {
    it(`${path} from a password-only session ends only that session and records nothing in the user's name`, async () => {
      const real = await signIn(t.app, staff);
      expect((await real.get('/staff')).statusCode).toBe(200);
      const before = await signOuts();
      const pending = await passwordOnly('198.51.100.7');
      const res = await t.app.inject({ method: 'POST', url: path, cookies: pending.jar, payload: { _csrf: pending.csrf } });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/login');
      // The real user's session goes on; nothing was recorded as the user's act.
      expect((await real.get('/staff')).statusCode).toBe(200);
      expect(await signOuts()).toBe(before);
      // The pending session itself is gone: its code page sends it back to the password step.
      const after = await t.app.inject({ url: '/staff/login/code', cookies: cookiesFrom(res, pending.jar) });
      expect(after.statusCode).toBe(303);
    });
  }

  it('signed in with both factors, "sign out everywhere" still ends the session, recorded once', async () => {
    const one = await signIn(t.app, staff);
    const before = await signOuts();
    expect((await one.post('/staff/logout-everywhere', {})).statusCode).toBe(303);
    expect((await one.get('/staff')).statusCode).toBe(303);
    expect(await signOuts()).toBe(before + 1);
  });
});
