// The sign-in limit per address (issue 15, issue 19 item 6): only failed password or second-factor
// steps count, 20 in 15 minutes; successes never count, so an office behind one NAT address does
// not lock itself out, while a guesser is stopped even when they finally hit the right password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import type { LightMyRequestResponse } from 'fastify';
import { findUser, updateUser } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type TestStaff } from '../helpers/staff.js';

const LIMIT = 20;
const TOO_MANY = '尝试次数过多，请稍后再试。';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

/** The password step from `ip`; returns the response and the cookie jar after it. */
async function passwordStep(username: string, password: string, ip: string): Promise<{ res: LightMyRequestResponse; jar: Record<string, string> }> {
  const form = await openForm(t.app, '/staff/login');
  const res = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: form.cookies, remoteAddress: ip, payload: { _csrf: form.csrf, username, password, next: '/staff' } });
  return { res, jar: cookiesFrom(res, form.cookies) };
}

/** The second-factor step of a session past its password step. */
async function codeStep(jar: Record<string, string>, code: string, ip: string): Promise<LightMyRequestResponse> {
  const page = await openForm(t.app, '/staff/login/code', jar);
  return t.app.inject({ method: 'POST', url: '/staff/login/code', cookies: page.cookies, remoteAddress: ip, payload: { _csrf: page.csrf, code } });
}

/** A code the user's authenticator shows now, usable again (replay protection is not the subject here). */
async function currentCode(staff: TestStaff): Promise<string> {
  await updateUser(t.app.db, staff.user.id, { totpLastStep: null });
  return generate({ secret: staff.totpSecret });
}

describe('sign-in limit per address', () => {
  it('never counts successes: 25 complete sign-ins in a row from one address all succeed', async () => {
    const ip = '10.20.0.1';
    const office = await Promise.all([1, 2, 3, 4, 5].map(() => createStaff(t.app, 'ca:220102', ['handler'])));
    for (let i = 0; i < 25; i++) {
      const staff = office[i % office.length]!;
      const session = await signIn(t.app, staff, ip);
      const home = await session.get('/staff');
      expect(home.statusCode, `sign-in ${i + 1}`).toBe(200);
    }
    // Nineteen failures on top of them still leave room for one more try (only failures count).
    for (let i = 0; i < LIMIT - 1; i++) {
      const { res } = await passwordStep(`nobody${i}`, 'Wrong-Password-1', ip);
      expect(res.statusCode).toBe(401);
    }
    const last = await signIn(t.app, office[0]!, ip);
    expect((await last.get('/staff')).statusCode).toBe(200);
    // And that success did not wipe the count either: the next failure is the 20th, then the door closes.
    expect((await passwordStep('nobody-last', 'Wrong-Password-1', ip)).res.statusCode).toBe(401);
    expect((await passwordStep(office[1]!.user.username, office[1]!.password, ip)).res.statusCode).toBe(429);
  }, 120_000);

  it('after 20 failed steps (passwords and codes) refuses even the right password from that address (429); another address signs in', async () => {
    const ip = '10.30.0.1';
    const victim = await createStaff(t.app, 'ca:220102', ['handler']);
    const guessed = await createStaff(t.app, 'ca:220102', ['handler']);
    // A colleague who passed the password step before the guessing started, still at the code step.
    const colleague = await createStaff(t.app, 'ca:220102', ['handler']);
    const waiting = await passwordStep(colleague.user.username, colleague.password, ip);
    expect(waiting.res.headers.location).toBe('/staff/login/code');

    // Ten wrong passwords (unknown names and a real one) and ten wrong codes after a right password.
    for (let i = 0; i < 10; i++) {
      const name = i % 2 ? `ghost${i}` : victim.user.username;
      const { res } = await passwordStep(name, `Guess-${i}-Pw`, ip);
      expect(res.statusCode, `password guess ${i + 1}`).toBe(401);
      expect(res.body).toContain('用户名或密码不正确');
      // Five failures lock an account: a separate rule, cleared so the limit per address is what is seen.
      await updateUser(t.app.db, victim.user.id, { failedLogins: 0, lockedUntil: null });
    }
    for (let i = 0; i < 10; i++) {
      const { res, jar } = await passwordStep(guessed.user.username, guessed.password, ip);
      expect(res.statusCode, `password step before code guess ${i + 1}`).toBe(303);
      const code = await codeStep(jar, '000000', ip);
      expect(code.statusCode, `code guess ${i + 1}`).toBe(401);
      await updateUser(t.app.db, guessed.user.id, { failedLogins: 0, lockedUntil: null });
    }

    // The right password from that address: refused before it is checked, with a Retry-After.
    const blocked = await passwordStep(victim.user.username, victim.password, ip);
    expect(blocked.res.statusCode).toBe(429);
    expect(blocked.res.body).toContain(TOO_MANY);
    const retryAfter = Number(blocked.res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The second-factor step from that address too, even with a right code.
    const code = await codeStep(waiting.jar, await currentCode(colleague), ip);
    expect(code.statusCode).toBe(429);
    expect(code.body).toContain(TOO_MANY);
    // Refusals are not failures of the account: it is not locked.
    expect((await findUser(t.app.db, victim.user.id))!.failedLogins).toBe(0);
    expect((await findUser(t.app.db, victim.user.id))!.lockedUntil).toBeNull();

    // From another address the same accounts sign in.
    for (const staff of [victim, colleague, guessed]) {
      const session = await signIn(t.app, staff, '10.30.0.2');
      expect((await session.get('/staff')).statusCode).toBe(200);
    }
    // And the blocked address stays blocked.
    expect((await passwordStep(victim.user.username, victim.password, ip)).res.statusCode).toBe(429);
  }, 120_000);
});
