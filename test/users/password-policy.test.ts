// Issue 15 defect 4: the password policy, through the real /staff/password form — three of four
// kinds of character, no reuse of the last five (the current one counts), a confirmation field, a
// maximum age that forces a change before any work (off with 0), and a forced change after a
// security administrator's reset that cannot go back to the old password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { entriesFor } from '../../src/audit/index.js';
import { findUser, updateUser } from '../../src/users/index.js';
import { verifyPassword } from '../../src/users/passwords.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { reportFields } from '../reports/fixtures.js';

const DAY = 86_400_000;
const ERR = {
  classes: '新密码须包含大写字母、小写字母、数字、符号中的至少三种。',
  reused: '新密码不能与最近用过的5个密码相同。',
  mismatch: '两次输入的新密码不一致。',
  wrongCurrent: '当前密码不正确。',
  tooShort: '新密码至少8位。',
};
const MUST_CHANGE = '这是系统生成的初始密码，请先设置您自己的密码。';
const expiredNotice = (days: number) => `您的密码已使用超过${days}天，按安全规定请先设置新密码。`;

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

/** Posts the password form as a browser does (token from the form page); a success's new session cookie is kept. */
async function changeTo(s: Session, current: string, next: string, confirm = next): Promise<LightMyRequestResponse> {
  const res = await s.post('/staff/password', { current, next, confirm }, '/staff/password');
  if (res.statusCode === 303) cookiesFrom(res, s.jar);
  return res;
}

/** The error shown on a refused form: status 400, the Chinese message, and the password not changed. */
async function expectRefused(s: Session, staffUser: TestStaff, current: string, next: string, message: string, confirm = next) {
  const before = (await findUser(t.app.db, staffUser.user.id))!.passwordHash;
  const res = await changeTo(s, current, next, confirm);
  expect(res.statusCode, `${next}: ${message}`).toBe(400);
  expect(res.body).toContain('role="alert"');
  expect(res.body).toContain(message);
  // Neither the tried password nor the current one is echoed back into the page.
  expect(res.body).not.toContain(next);
  expect(res.body).not.toContain(current);
  expect((await findUser(t.app.db, staffUser.user.id))!.passwordHash).toBe(before);
}

/** Files a phone report through the casework form (a POST that needs the password to be in order). */
async function logReport(app: FastifyInstance, s: Session, tokenPage: string): Promise<LightMyRequestResponse> {
  const form = await openForm(app, tokenPage, s.jar);
  Object.assign(s.jar, form.cookies);
  const body = await multipart({ ...reportFields({ channel: 'phone' }), submission_id: 'x'.repeat(32) });
  return app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: s.jar, headers: body.headers, payload: body.payload });
}

const reportCount = async (app: FastifyInstance) => (await app.db.get<{ n: number }>(sql`select count(*) as n from reports`))!.n;

describe('choosing a password on /staff/password', () => {
  it('asks for three of the four kinds of character, in Chinese, and accepts any three', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['handler']);
    const s = await signIn(t.app, staff);
    const page = await s.get('/staff/password');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="confirm"');
    expect(page.body).toContain('须包含大写字母、小写字母、数字、符号中的至少三种');
    // Two kinds only, each pair: lower+digit, upper+lower, upper+digit, lower+symbol; Chinese alone counts as "other".
    for (const weak of ['changbai2024', 'ChangbaiShan', 'CHANGBAI2024', 'changbai-shan!', '长白山天池风景名胜区', 'tianchi长白山风景']) {
      await expectRefused(s, staff, staff.password, weak, ERR.classes);
    }
    await expectRefused(s, staff, staff.password, 'Ab1!', ERR.tooShort);
    await expectRefused(s, staff, 'not-my-Password-1', 'Tianchi-2024', ERR.wrongCurrent);
    // Upper, lower and a symbol with no digit is three kinds: accepted.
    const res = await changeTo(s, staff.password, 'Changbai-Shan!');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/staff/password?done=1');
    const user = (await findUser(t.app.db, staff.user.id))!;
    expect(await verifyPassword('Changbai-Shan!', user.passwordHash)).toBe(true);
    expect(user.mustChangePassword).toBe(false);
    // Lower, digit and a Chinese character (an "other" kind) is three kinds too.
    expect((await changeTo(s, 'Changbai-Shan!', 'tianchi2024长白山')).statusCode).toBe(303);
    expect((await s.get('/staff/password?done=1')).body).toContain('密码已修改');
    expect((await entriesFor(t.app.db, 'user', String(staff.user.id))).filter((e) => e.action === 'user.password_changed')).toHaveLength(2);
  });

  it('refuses a confirmation that differs (also a missing one), whatever else is right', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['handler']);
    const s = await signIn(t.app, staff);
    await expectRefused(s, staff, staff.password, 'Jilin-Road-88', ERR.mismatch, 'Jilin-Road-89');
    await expectRefused(s, staff, staff.password, 'Jilin-Road-88', ERR.mismatch, '');
    const bare = await s.post('/staff/password', { current: staff.password, next: 'Jilin-Road-88' }, '/staff/password');
    expect(bare.statusCode).toBe(400);
    expect(bare.body).toContain(ERR.mismatch);
    expect(await verifyPassword(staff.password, (await findUser(t.app.db, staff.user.id))!.passwordHash)).toBe(true);
    expect((await changeTo(s, staff.password, 'Jilin-Road-88', 'Jilin-Road-88')).statusCode).toBe(303);
  });

  it('refuses the current password and the four before it; the sixth-oldest may be chosen again', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['handler']);
    const s = await signIn(t.app, staff);
    const p0 = staff.password;
    await expectRefused(s, staff, p0, p0, ERR.reused);
    const chain = ['Songhua-River1', 'Songhua-River2', 'Songhua-River3', 'Songhua-River4', 'Songhua-River5'];
    let current = p0;
    for (const next of chain) {
      const res = await changeTo(s, current, next);
      expect(res.statusCode, next).toBe(303);
      current = next;
    }
    // The current one (River5) and the four before it are the last five: each refused.
    for (const old of [...chain].reverse()) await expectRefused(s, staff, current, old, ERR.reused);
    const stored = (await findUser(t.app.db, staff.user.id))!;
    expect(JSON.parse(stored.passwordHistory!)).toHaveLength(4);
    // p0 is the sixth-oldest now: allowed again.
    const res = await changeTo(s, current, p0);
    expect(res.statusCode).toBe(303);
    expect(await verifyPassword(p0, (await findUser(t.app.db, staff.user.id))!.passwordHash)).toBe(true);
    // And the window moved: River1 is now the sixth-oldest, River2 still one of the last five.
    await expectRefused(s, staff, p0, 'Songhua-River2', ERR.reused);
    expect((await changeTo(s, p0, 'Songhua-River1')).statusCode).toBe(303);
  }, 90_000);
});

describe('maximum password age', () => {
  it('sends a user with a password past 90 days to /staff/password before any work; POSTs are 403 until it is changed', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['intake', 'handler']);
    await updateUser(t.app.db, staff.user.id, { passwordChangedAt: Date.now() - 91 * DAY });
    const s = await signIn(t.app, staff);
    for (const url of ['/staff', '/staff/reports', '/staff/reports/new']) {
      const res = await s.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe('/staff/password');
    }
    const page = await s.get('/staff/password');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(expiredNotice(90));
    // Not the notice for a generated password: this one is the user's own, only old.
    expect(page.body).not.toContain(MUST_CHANGE);

    const reports = await reportCount(t.app);
    const refused = await logReport(t.app, s, '/staff/password');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain("您的密码已过期");
    expect(await reportCount(t.app)).toBe(reports);

    // The old password is the current one, so it cannot be "renewed" as is.
    await expectRefused(s, staff, staff.password, staff.password, ERR.reused);
    const changed = await changeTo(s, staff.password, 'Renewed-Pass-2026');
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/staff');
    expect(Date.now() - (await findUser(t.app.db, staff.user.id))!.passwordChangedAt).toBeLessThan(60_000);
    expect((await s.get('/staff')).statusCode).toBe(200);
    expect((await s.get('/staff/reports')).statusCode).toBe(200);
    const again = await s.get('/staff/password');
    expect(again.body).not.toContain(expiredNotice(90));
    const filed = await logReport(t.app, s, '/staff/reports/new');
    expect(filed.statusCode).toBe(200);
    expect(await reportCount(t.app)).toBe(reports + 1);
  });

  it('leaves a password of 89 days alone', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['handler']);
    await updateUser(t.app.db, staff.user.id, { passwordChangedAt: Date.now() - 89 * DAY });
    const s = await signIn(t.app, staff);
    expect((await s.get('/staff')).statusCode).toBe(200);
    expect((await s.get('/staff/reports')).statusCode).toBe(200);
    expect((await s.get('/staff/password')).body).not.toContain('按安全规定请先设置新密码');
  });

  it('forces nothing with passwordMaxAgeDays 0, and follows another configured age', async () => {
    const off = await makeApp({ passwordMaxAgeDays: 0 });
    try {
      const staff = await createStaff(off.app, 'ca:220102', ['handler']);
      await updateUser(off.app.db, staff.user.id, { passwordChangedAt: Date.now() - 3650 * DAY });
      const s = await signIn(off.app, staff);
      expect((await s.get('/staff')).statusCode).toBe(200);
      expect((await s.get('/staff/reports')).statusCode).toBe(200);
      expect((await s.get('/staff/password')).body).not.toContain('按安全规定请先设置新密码');
    } finally {
      await off.close();
    }
    const short = await makeApp({ passwordMaxAgeDays: 30 });
    try {
      const staff = await createStaff(short.app, 'ca:220102', ['handler']);
      await updateUser(short.app.db, staff.user.id, { passwordChangedAt: Date.now() - 31 * DAY });
      const s = await signIn(short.app, staff);
      const res = await s.get('/staff/reports');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/password');
      expect((await s.get('/staff/password')).body).toContain(expiredNotice(30));
    } finally {
      await short.close();
    }
  });
});

describe("a security administrator's password reset", () => {
  it('forces a change at the next sign-in, and neither the old nor the reset password can be chosen', async () => {
    const security = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['security_admin']));
    const staff = await createStaff(t.app, 'ca:220102', ['handler']);
    const own = await signIn(t.app, staff);
    // The user had chosen a password of their own before forgetting it.
    expect((await changeTo(own, staff.password, 'Forgotten-Pass-7')).statusCode).toBe(303);

    const reset = await security.post(`/staff/admin/users/${staff.user.id}/reset`, {}, `/staff/admin/users/${staff.user.id}`);
    expect(reset.statusCode).toBe(200);
    const generated = /id="generated-password">([^<]+)</.exec(reset.body)?.[1];
    expect(generated).toMatch(/^[A-Za-z0-9]{16}$/);
    const user = (await findUser(t.app.db, staff.user.id))!;
    expect(user.mustChangePassword).toBe(true);
    // The session the user had is over.
    expect((await own.get('/staff')).headers.location).toContain('/staff/login');

    const s = await signIn(t.app, { ...staff, password: generated! });
    for (const url of ['/staff', '/staff/reports']) {
      const res = await s.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe('/staff/password');
    }
    const page = await s.get('/staff/password');
    expect(page.body).toContain(MUST_CHANGE);
    // The password before the reset, the one before that (the generated first one) and the reset one itself.
    await expectRefused(s, staff, generated!, 'Forgotten-Pass-7', ERR.reused);
    await expectRefused(s, staff, generated!, staff.password, ERR.reused);
    await expectRefused(s, staff, generated!, generated!, ERR.reused);
    expect((await findUser(t.app.db, staff.user.id))!.mustChangePassword).toBe(true);

    const done = await changeTo(s, generated!, 'Fresh-Start-2026');
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/staff');
    expect((await findUser(t.app.db, staff.user.id))!.mustChangePassword).toBe(false);
    expect((await s.get('/staff/reports')).statusCode).toBe(200);
  });
});

describe('generated passwords', () => {
  it('always meet the policy they are later checked against', async () => {
    const { generatePassword, passwordProblem } = await import('../../src/users/index.js');
    for (let i = 0; i < 2000; i++) expect(passwordProblem(generatePassword(), 'someone')).toBeNull();
  });
});
