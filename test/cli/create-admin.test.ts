// `npm run admin:create` (issue 15, 三权分立): one holder of each administrator duty in one step, on
// a database it marks as production; and the journey from it alone to a working user with a role,
// through the real sign-in, enrolment, password and administration forms.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { main } from '../../src/cli/create-admin.js';
import { entriesFor, latestEntry } from '../../src/audit/index.js';
import { closeDatabase, openConfiguredDatabase, type Db } from '../../src/db/connection.js';
import { claimInstallMode, installMode } from '../../src/installation/index.js';
import { findUnit, findUnitByKey } from '../../src/units/index.js';
import { findUserByName, updateUser } from '../../src/users/index.js';
import { users } from '../../src/users/tables.js';
import { cookiesFrom, openForm } from '../helpers/forms.js';
import { makeApp } from '../helpers/app.js';
import { createEmptyTestDatabase, createTestDatabase, dropTestDatabase, masterKeyForDataDir, suiteDatabaseUrl } from '../helpers/pg-databases.js';
import { capture, dataDir, envFor as envOfDataDir } from './helpers.js';

// On PostgreSQL (issue 21) a data directory's portal is its DATA_DIR plus a database of its own:
// copied from the template database, or empty for a first start. The master key is then required
// configuration, so every run gets the directory's key.
const dirs: string[] = [];
const databases = new Map<string, string>();
async function newDir(withTemplate = true): Promise<string> {
  const dir = dataDir(withTemplate);
  dirs.push(dir);
  if (suiteDatabaseUrl) databases.set(dir, withTemplate ? await createTestDatabase() : await createEmptyTestDatabase());
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  for (const url of databases.values()) await dropTestDatabase(url);
});

const databaseUrlOf = (dir: string): string | null => databases.get(dir) ?? null;

/** The command's environment for a data directory: on PostgreSQL with its database and key. */
function envFor(dir: string): Record<string, string> {
  const url = databaseUrlOf(dir);
  return url ? { ...envOfDataDir(dir), DATABASE_URL: url, SUNSHINE_MASTER_KEY: masterKeyForDataDir(dir) } : envOfDataDir(dir);
}

/** Opens the data directory's database for a look (or a change) and closes it again. */
async function withDbAsync<T>(dir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openConfiguredDatabase({ databaseUrl: databaseUrlOf(dir), dataDir: dir });
  try {
    return await fn(db);
  } finally {
    await closeDatabase(db);
  }
}

const userCount = (dir: string) => withDbAsync(dir, async (db) => (await db.select().from(users).all()).length);

/** The accounts printed by a run: duty → [user name, password]. */
function printed(lines: string[]): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  for (const m of lines.join('\n').matchAll(/\((\w+)\)\s+user name (\S+)\s+password (\S+)/g)) out[m[1]!] = [m[2]!, m[3]!];
  return out;
}

interface Browser {
  jar: Record<string, string>;
  get(url: string): Promise<LightMyRequestResponse>;
  /** Posts a form as a browser does: the CSRF token from `page`, the cookies kept from the answer. */
  post(url: string, fields: Record<string, unknown>, page: string): Promise<LightMyRequestResponse>;
}

/**
 * A first sign-in through the real forms: the password step sends a new account to enrolment, the
 * secret is read off that page into an "authenticator" (otplib), the first code confirms it and shows
 * the recovery codes, and the generated password must then be replaced on /staff/password.
 */
async function firstSignIn(app: FastifyInstance, username: string, password: string, newPassword: string): Promise<Browser> {
  const login = await openForm(app, '/staff/login');
  const step = await app.inject({ method: 'POST', url: '/staff/login', cookies: login.cookies, payload: { _csrf: login.csrf, username, password, next: '/staff' } });
  expect(step.statusCode, `${username}: password step`).toBe(303);
  expect(step.headers.location).toBe('/staff/login/enrol');
  let jar = cookiesFrom(step, login.cookies);

  const enrol = await openForm(app, '/staff/login/enrol', jar);
  jar = enrol.cookies;
  const secret = /id="totp-secret">([^<]+)</.exec(enrol.html)?.[1]?.replace(/\s/g, '');
  expect(secret, `${username}: secret on the enrolment page`).toMatch(/^[A-Z2-7]{16,}$/);
  const code = await generate({ secret: secret! });
  const enrolled = await app.inject({ method: 'POST', url: '/staff/login/enrol', cookies: jar, payload: { _csrf: enrol.csrf, code } });
  expect(enrolled.statusCode, `${username}: enrolment`).toBe(200);
  expect(enrolled.body).toMatch(/<li><code>[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}<\/code><\/li>/);
  jar = cookiesFrom(enrolled, jar);

  const browser: Browser = {
    jar,
    get: (url) => app.inject({ url, cookies: jar }),
    post: async (url, fields, page) => {
      const form = await openForm(app, page, jar);
      Object.assign(jar, form.cookies);
      const res = await app.inject({ method: 'POST', url, cookies: jar, payload: { _csrf: form.csrf, ...fields } as never });
      cookiesFrom(res, jar);
      return res;
    },
  };
  // Nothing before the generated password is replaced.
  const home = await browser.get('/staff');
  expect(home.statusCode).toBe(303);
  expect(home.headers.location).toBe('/staff/password');
  const form = await browser.get('/staff/password');
  expect(form.body).toContain('这是系统生成的初始密码，请先设置您自己的密码。');
  const weak = await browser.post('/staff/password', { current: password, next: 'onlylowercase1', confirm: 'onlylowercase1' }, '/staff/password');
  expect(weak.statusCode).toBe(400);
  const changed = await browser.post('/staff/password', { current: password, next: newPassword, confirm: newPassword }, '/staff/password');
  expect(changed.statusCode, `${username}: password change`).toBe(303);
  expect(changed.headers.location).toBe('/staff');
  return browser;
}

describe('npm run admin:create', () => {
  it('refuses bad arguments with usage (2) and an unknown unit (1), creating nothing', async () => {
    const dir = await newDir();
    const cases: [string[], number, RegExp][] = [
      [['--system', 'Sys Admin'], 2, /--system: 3 to 32 characters/],
      [['--security', 'ab'], 2, /--security: 3 to 32 characters/],
      [['--audit', 'audit/admin'], 2, /--audit: 3 to 32 characters/],
      [['--system', 'same.name', '--audit', 'same.name'], 2, /must differ/],
      [['--email-domain', 'nope'], 2, /--email-domain/],
      [['--bogus'], 2, /usage:/],
      [['extra'], 2, /usage:/],
      [['--unit'], 2, /usage:/],
      [['--unit', 'ca:999999'], 1, /No unit "ca:999999"/],
    ];
    for (const [argv, expected, message] of cases) {
      const io = capture();
      expect(await main(argv, envFor(dir), io), argv.join(' ')).toBe(expected);
      expect(io.text(), argv.join(' ')).toMatch(message);
      expect(io.stdout.join('\n')).not.toMatch(/password \S+/);
    }
    const config = capture();
    expect(await main([], { ...envFor(dir), PORT: 'eighty' }, config)).toBe(2);
    expect(config.text()).toContain('PORT');
    const help = capture();
    expect(await main(['--help'], envFor(dir), help)).toBe(0);
    expect(help.text()).toMatch(/--system.*--security.*--audit/s);
    expect(await userCount(dir)).toBe(0);
    await withDbAsync(dir, async (db) => expect(await installMode(db)).toBeNull());
  });

  it('creates one holder of each duty in one step, prints each password once and marks the database production', async () => {
    const dir = await newDir();
    const io = capture();
    const code = await main(['--system', 'sheng.sys', '--security', 'Sheng.Sec', '--unit', 'ca:220100', '--email-domain', 'mz.jl.gov.cn'], envFor(dir), io);
    expect(code, io.text()).toBe(0);
    const accounts = printed(io.stdout);
    expect(Object.keys(accounts).sort()).toEqual(['audit_admin', 'security_admin', 'system_admin']);
    expect(accounts.system_admin![0]).toBe('sheng.sys');
    expect(accounts.security_admin![0]).toBe('sheng.sec');
    expect(accounts.audit_admin![0]).toBe('auditadmin');
    expect(io.stdout.join('\n')).toMatch(/ {2}系统管理员 \(system_admin\) {2}user name sheng\.sys {2}password [A-Za-z0-9]{16}/);
    expect(io.stdout.join('\n')).toContain('审计管理员 (audit_admin)');
    const passwords = Object.values(accounts).map(([, p]) => p);
    expect(new Set(passwords).size).toBe(3);
    for (const p of passwords) {
      expect(p).toMatch(/^[A-Za-z0-9]{16}$/);
      // Once: each password appears in one line of the output only.
      expect(io.text().split(p).length - 1).toBe(1);
    }
    expect(io.text()).toMatch(/second factor \(TOTP\)/);
    // SQLite: the key is made on first use, the owner's alone. PostgreSQL: the key comes from the
    // configuration (every node shares it), and no key file is made beside it.
    if (suiteDatabaseUrl) expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
    else expect(fs.statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);

    await withDbAsync(dir, async (db) => {
      expect(await installMode(db)).toBe('production');
      for (const [duty, [username, password]] of Object.entries(accounts)) {
        const user = (await findUserByName(db, username))!;
        expect(user.roles).toBe(duty);
        expect(user.email).toBe(`${username}@mz.jl.gov.cn`);
        expect(user.mustChangePassword).toBe(true);
        expect(user.totpEnabled).toBe(false);
        expect(user.passwordHash).not.toContain(password);
        expect((await findUnit(db, user.unitId))!.key).toBe('ca:220100');
        expect((await entriesFor(db, 'user', String(user.id))).map((e) => [e.action, e.actorType])).toEqual([['user.create', 'system']]);
      }
      expect(await db.select().from(users).all()).toHaveLength(3);
    });

    // Every duty is held now: a second run is refused and changes nothing.
    const again = capture();
    expect(await main([], envFor(dir), again)).toBe(1);
    expect(again.stderr.join('\n')).toContain('Every administrator duty already has an active holder');
    expect(again.stdout.join('\n')).not.toMatch(/password \S+/);
    expect(await userCount(dir)).toBe(3);

    // A duty whose only holder is disabled has no active holder: only that one is created.
    await withDbAsync(dir, async (db) => await updateUser(db, (await findUserByName(db, 'auditadmin'))!.id, { disabled: true }));
    const refill = capture();
    expect(await main(['--audit', 'audit.two', '--email-domain', 'mz.jl.gov.cn'], envFor(dir), refill), refill.text()).toBe(0);
    expect(Object.keys(printed(refill.stdout))).toEqual(['audit_admin']);
    expect(refill.stdout.join('\n')).toContain('Already held, not created: system_admin, security_admin');
    await withDbAsync(dir, async (db) => expect((await findUserByName(db, 'audit.two'))!.roles).toBe('audit_admin'));
    expect(await userCount(dir)).toBe(4);
  });

  it('refuses a demo database and changes nothing', async () => {
    const dir = await newDir();
    await withDbAsync(dir, (db) => claimInstallMode(db, 'demo'));
    const io = capture();
    expect(await main([], envFor(dir), io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('demo database');
    expect(io.stderr.join('\n')).toContain('Nothing changed');
    expect(io.stdout.join('\n')).not.toMatch(/password \S+/);
    expect(await userCount(dir)).toBe(0);
    await withDbAsync(dir, async (db) => expect(await installMode(db)).toBe('demo'));
  });

  it('refuses a user name that is taken and creates none of the three', async () => {
    const dir = await newDir();
    // Another install's history: a user called "secadmin" that holds no duty.
    expect(await main(['--system', 'first.sys', '--security', 'secadmin', '--audit', 'first.audit'], envFor(dir), capture())).toBe(0);
    await withDbAsync(dir, async (db) => {
      for (const name of ['first.sys', 'secadmin', 'first.audit']) await updateUser(db, (await findUserByName(db, name))!.id, { roles: '' });
    });
    const io = capture();
    expect(await main([], envFor(dir), io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('The user name "secadmin" is already taken (--security).');
    expect(io.stderr.join('\n')).toContain('Nothing changed');
    expect(io.stdout.join('\n')).not.toMatch(/password \S+/);
    expect(await userCount(dir)).toBe(3);
    await withDbAsync(dir, async (db) => {
      expect(await findUserByName(db, 'sysadmin')).toBeUndefined();
      expect(await findUserByName(db, 'auditadmin')).toBeUndefined();
      expect((await findUserByName(db, 'secadmin'))!.roles).toBe('');
    });
    // With a free name it goes through.
    const ok = capture();
    expect(await main(['--security', 'secadmin2'], envFor(dir), ok), ok.text()).toBe(0);
    expect(Object.keys(printed(ok.stdout)).sort()).toEqual(['audit_admin', 'security_admin', 'system_admin']);
  });

  // SQLite only: there the key file is made on first use; on PostgreSQL the key is never made (below).
  it.runIf(!suiteDatabaseUrl)('refuses to make a new key beside a database that holds data', async () => {
    const dir = await newDir();
    expect(await main([], envFor(dir), capture())).toBe(0);
    fs.rmSync(path.join(dir, 'master.key'));
    // A duty without a holder, so that only the missing key stops the run.
    await withDbAsync(dir, async (db) => await updateUser(db, (await findUserByName(db, 'auditadmin'))!.id, { disabled: true }));
    const refused = capture();
    expect(await main(['--audit', 'audit.two'], envFor(dir), refused)).toBe(1);
    expect(refused.text()).toContain('master.key');
    expect(refused.text()).toContain('Nothing changed');
    expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
    await withDbAsync(dir, async (db) => expect(await findUserByName(db, 'audit.two')).toBeUndefined());
  });

  it.runIf(suiteDatabaseUrl)('on PostgreSQL refuses to run without SUNSHINE_MASTER_KEY, with one line, and changes nothing', async () => {
    const dir = await newDir();
    const { SUNSHINE_MASTER_KEY: _key, ...withoutKey } = envFor(dir);
    const io = capture();
    expect(await main([], withoutKey, io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toContain('SUNSHINE_MASTER_KEY is required with DATABASE_URL');
    expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
    expect(await userCount(dir)).toBe(0);
    await withDbAsync(dir, async (db) => expect(await installMode(db)).toBeNull());
  });

  it('refuses a master key under which the database\'s audit log does not verify, and changes nothing', async () => {
    const dir = await newDir();
    expect(await main([], envFor(dir), capture())).toBe(0);
    // A duty without a holder, so that only the key stops the run.
    await withDbAsync(dir, async (db) => await updateUser(db, (await findUserByName(db, 'auditadmin'))!.id, { disabled: true }));
    const before = await withDbAsync(dir, async (db) => (await latestEntry(db))!.id);
    // Another key than the portal's (a typing mistake, another portal's key): its MACs would break the chain.
    const wrongKey = { ...envFor(dir), SUNSHINE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
    const refused = capture();
    expect(await main(['--audit', 'audit.two'], wrongKey, refused)).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(/master key does not match/);
    expect(refused.stderr.join('\n')).toContain('Nothing changed');
    expect(refused.stdout.join('\n')).not.toMatch(/password \S+/);
    await withDbAsync(dir, async (db) => {
      expect(await findUserByName(db, 'audit.two')).toBeUndefined();
      expect((await latestEntry(db))!.id).toBe(before);
    });
    // With the portal's own key it goes through.
    expect(await main(['--audit', 'audit.two'], envFor(dir), capture())).toBe(0);
  });

  it('starts from admin:create alone and reaches a working user with a role', async () => {
    const dir = await newDir(false);
    const io = capture();
    expect(await main([], envFor(dir), io), io.text()).toBe(0);
    const accounts = printed(io.stdout);
    expect(Object.keys(accounts).sort()).toEqual(['audit_admin', 'security_admin', 'system_admin']);

    // The server of that data directory (makeApp deletes the directory when closed).
    const url = databaseUrlOf(dir);
    const t = await makeApp(url ? { dataDir: dir, databaseUrl: url, masterKey: Buffer.from(masterKeyForDataDir(dir), 'base64') } : { dataDir: dir });
    try {
      const app = t.app;
      const [sysName, sysPassword] = accounts.system_admin!;
      const [secName, secPassword] = accounts.security_admin!;
      const [auditName, auditPassword] = accounts.audit_admin!;

      // The system administrator: enrol, own password, then to the accounts page; creates an account without roles.
      const sys = await firstSignIn(app, sysName, sysPassword, 'Xitong-Guanli-2026');
      const sysHome = await sys.get('/staff');
      expect(sysHome.statusCode).toBe(303);
      expect(sysHome.headers.location).toBe('/staff/admin/users');
      const county = (await findUnitByKey(app.db, 'ca:220102'))!;
      const created = await sys.post('/staff/admin/users', { username: 'ng.intake', display_name: '赵受理', unit_id: String(county.id), email: 'zhao@test.invalid', roles: 'intake' }, '/staff/admin/users/new');
      expect(created.statusCode).toBe(200);
      const generated = /id="generated-password">([^<]+)</.exec(created.body)?.[1];
      expect(generated).toMatch(/^[A-Za-z0-9]{16}$/);
      const newUser = (await findUserByName(app.db, 'ng.intake'))!;
      expect(newUser.roles).toBe('');
      expect(newUser.unitId).toBe(county.id);
      // The system administrator grants no roles.
      expect((await sys.post(`/staff/admin/users/${newUser.id}/roles`, { roles: ['intake'] }, `/staff/admin/users/${newUser.id}`)).statusCode).toBe(403);
      expect((await findUserByName(app.db, 'ng.intake'))!.roles).toBe('');

      // The new user, without a role yet, can sign in but do no casework.
      const worker = await firstSignIn(app, 'ng.intake', generated!, 'Shouli-Zhao-2026');
      const noRole = await worker.get('/staff/reports');
      expect(noRole.statusCode).toBe(403);
      expect(noRole.body).toContain('您的账号还没有分配角色，请联系安全管理员。');

      // The security administrator, signed in the same way, grants the role.
      const sec = await firstSignIn(app, secName, secPassword, 'Anquan-Guanli-2026');
      const granted = await sec.post(`/staff/admin/users/${newUser.id}/roles`, { roles: ['intake'] }, `/staff/admin/users/${newUser.id}`);
      expect(granted.statusCode).toBe(303);
      expect((await findUserByName(app.db, 'ng.intake'))!.roles).toBe('intake');
      const duties = (await entriesFor(app.db, 'user', String(newUser.id))).filter((e) => e.action === 'user.create' || e.action === 'user.roles');
      expect(duties.map((e) => [e.action, e.actorId])).toEqual([
        ['user.create', (await findUserByName(app.db, sysName))!.id],
        ['user.roles', (await findUserByName(app.db, secName))!.id],
      ]);

      // The user with a role works; the role is read at each request, no new sign-in needed.
      const inbox = await worker.get('/staff/reports');
      expect(inbox.statusCode).toBe(200);
      const logForm = await worker.get('/staff/reports/new');
      expect(logForm.statusCode).toBe(200);
      // …and a fresh sign-in of the user goes to the second-factor step now, not enrolment.
      const again = await openForm(app, '/staff/login');
      const step = await app.inject({ method: 'POST', url: '/staff/login', cookies: again.cookies, payload: { _csrf: again.csrf, username: 'ng.intake', password: 'Shouli-Zhao-2026', next: '/staff' } });
      expect(step.headers.location).toBe('/staff/login/code');

      // Administrators do no casework.
      for (const admin of [sys, sec]) {
        const res = await admin.get('/staff/reports');
        expect(res.statusCode).toBe(403);
        expect(res.body).toContain('管理员账号不能查看或办理举报');
      }

      // The audit administrator: the audit log and nothing else.
      const audit = await firstSignIn(app, auditName, auditPassword, 'Shenji-Guanli-2026');
      const auditHome = await audit.get('/staff');
      expect(auditHome.statusCode).toBe(303);
      expect(auditHome.headers.location).toBe('/staff/admin/audit');
      const log = await audit.get('/staff/admin/audit');
      expect(log.statusCode).toBe(200);
      expect(log.body).toContain('user.roles');
      for (const url of ['/staff/admin/users', '/staff/admin/users/new', `/staff/admin/users/${newUser.id}`, '/staff/admin/calendar', '/staff/policy', '/staff/hotlines', '/staff/reports']) {
        expect((await audit.get(url)).statusCode, url).toBe(403);
      }
      expect((await audit.post(`/staff/admin/users/${newUser.id}/roles`, { roles: ['lead'] }, '/staff/admin/audit')).statusCode).toBe(403);
      expect((await findUserByName(app.db, 'ng.intake'))!.roles).toBe('intake');
    } finally {
      await t.close();
    }
  }, 120_000);
});
