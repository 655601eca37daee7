// Staff accounts for tests: created through the real service, signed in through the real
// password + TOTP flow, returning a cookie jar and a way to post forms with a CSRF token.
import { generate } from 'otplib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createUser, updateUser, type Role, type User } from '../../src/users/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { seal } from '../../src/shared/crypto.js';
import { newTotpSecret } from '../../src/users/totp.js';
import { cookiesFrom, openForm } from './forms.js';

export interface TestStaff {
  user: User;
  password: string;
  totpSecret: string;
}

let counter = 0;

export async function createStaff(app: FastifyInstance, unitKey: string, roles: Role[], over: { username?: string; displayName?: string; homeVillageCode?: string } = {}): Promise<TestStaff> {
  const unit = await findUnitByKey(app.db, unitKey);
  if (!unit) throw new Error(`no unit ${unitKey}`);
  counter += 1;
  const { user, password } = await createUser(
    app.deps,
    { username: over.username ?? `u${counter}.${roles.join('-')}`, displayName: over.displayName ?? `测试${counter}`, unitId: unit.id, roles, email: `u${counter}@test.invalid`, homeVillageCode: over.homeVillageCode ?? null },
    { type: 'system' },
  );
  const totpSecret = newTotpSecret();
  await updateUser(app.db, user.id, { totpSealed: seal(app.keys.identity, totpSecret, `totp:${user.id}`), totpEnabled: true, mustChangePassword: false });
  return { user: { ...user, totpEnabled: true, mustChangePassword: false }, password, totpSecret };
}

export interface Session {
  jar: Record<string, string>;
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts a form from `page` (its CSRF token is read from that page). */
  post(url: string, fields: Record<string, string>, page?: string): Promise<LightMyRequestResponse>;
}

export async function signIn(app: FastifyInstance, staff: TestStaff, ip = '127.0.0.9'): Promise<Session> {
  const form = await openForm(app, '/staff/login');
  let jar = form.cookies;
  const login = await app.inject({ method: 'POST', url: '/staff/login', cookies: jar, remoteAddress: ip, payload: { _csrf: form.csrf, username: staff.user.username, password: staff.password, next: '/staff' } });
  if (login.statusCode !== 303) throw new Error(`password step failed: ${login.statusCode}`);
  jar = cookiesFrom(login, jar);
  const codePage = await openForm(app, '/staff/login/code', jar);
  jar = codePage.cookies;
  // A code works once (replay protection); tests sign the same user in more than once in 30 s.
  await updateUser(app.db, staff.user.id, { totpLastStep: null });
  const code = await generate({ secret: staff.totpSecret });
  const done = await app.inject({ method: 'POST', url: '/staff/login/code', cookies: jar, remoteAddress: ip, payload: { _csrf: codePage.csrf, code } });
  if (done.statusCode !== 303) throw new Error(`second factor failed: ${done.statusCode} ${done.body.slice(0, 200)}`);
  jar = cookiesFrom(done, jar);
  const session: Session = {
    jar,
    get: async (url) => app.inject({ url, cookies: jar }),
    post: async (url, fields, page = '/staff/profile') => {
      const p = await openForm(app, page, jar);
      Object.assign(jar, p.cookies);
      return app.inject({ method: 'POST', url, cookies: jar, payload: { _csrf: p.csrf, ...fields } });
    },
  };
  return session;
}
