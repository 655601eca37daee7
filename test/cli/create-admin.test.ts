import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/create-admin.js';
import { entriesFor } from '../../src/audit/index.js';
import { databaseFile, openDatabase } from '../../src/db/connection.js';
import { findUnit } from '../../src/units/index.js';
import { findUserByName } from '../../src/users/index.js';
import { openForm } from '../helpers/forms.js';
import { makeApp } from '../helpers/app.js';
import { capture, dataDir, envFor } from './helpers.js';

const dirs: string[] = [];
const newDir = (withTemplate = true) => {
  const dir = dataDir(withTemplate);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run admin:create', () => {
  it('creates an administrator on a fresh data directory and prints the password once', async () => {
    const dir = newDir(false);
    const io = capture();
    const code = await main(['--username', 'sheng.admin', '--unit', 'ca:220000', '--name', '省厅管理员', '--email', 'admin@mz.jl.gov.cn'], envFor(dir), io);
    expect(code, io.text()).toBe(0);
    const password = /Password: (\S+)/.exec(io.stdout.join('\n'))?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(io.text()).toMatch(/second factor \(TOTP\)/);
    expect(fs.statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);

    const db = openDatabase(databaseFile(dir));
    try {
      const user = findUserByName(db, 'sheng.admin')!;
      expect(user.roles).toBe('administrator');
      expect(user.displayName).toBe('省厅管理员');
      expect(user.email).toBe('admin@mz.jl.gov.cn');
      expect(user.mustChangePassword).toBe(true);
      expect(user.totpEnabled).toBe(false);
      expect((await findUnit(db, user.unitId))!.key).toBe('ca:220000');
      expect(user.passwordHash).not.toContain(password!);
      const audit = entriesFor(db, 'user', String(user.id));
      expect(audit.map((e) => [e.action, e.actorType])).toEqual([['user.create', 'system']]);
    } finally {
      db.$client.close();
    }

    // The same name again is refused, and nothing changes.
    const again = capture();
    expect(await main(['--username', 'sheng.admin', '--unit', 'ca:220100'], envFor(dir), again)).toBe(1);
    expect(again.stderr.join('\n')).toContain('already taken');

    // The printed password signs in on the server of that data directory, straight to TOTP enrolment.
    const t = await makeApp({ dataDir: dir });
    dirs.pop();
    try {
      const form = await openForm(t.app, '/staff/login');
      const res = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: form.cookies, payload: { _csrf: form.csrf, username: 'sheng.admin', password: password!, next: '/staff' } });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/login/enrol');
    } finally {
      await t.close();
    }
  }, 60_000);

  it('refuses bad arguments with usage (2) and an unknown unit (1)', async () => {
    const dir = newDir();
    const cases: [string[], number, RegExp][] = [
      [['--unit', 'ca:220000'], 2, /--username/],
      [['--username', 'Admin Root', '--unit', 'ca:220000'], 2, /--username/],
      [['--username', 'admin2'], 2, /--unit: required/],
      [['--username', 'admin2', '--unit', 'ca:220000', '--email', 'nope'], 2, /--email/],
      [['--username', 'admin2', '--unit', 'ca:220000', '--bogus'], 2, /usage:/],
      [['--username', 'admin2', '--unit', 'ca:999999'], 1, /No unit "ca:999999"/],
    ];
    for (const [argv, expected, message] of cases) {
      const io = capture();
      expect(await main(argv, envFor(dir), io), argv.join(' ')).toBe(expected);
      expect(io.text()).toMatch(message);
    }
    const config = capture();
    expect(await main(['--username', 'admin2', '--unit', 'ca:220000'], { ...envFor(dir), PORT: 'eighty' }, config)).toBe(2);
    expect(config.text()).toContain('PORT');
    const db = openDatabase(databaseFile(dir));
    expect(findUserByName(db, 'admin2')).toBeUndefined();
    db.$client.close();
  });

  it('creates a county administrator; refuses to make a new key beside an existing database', async () => {
    const dir = newDir();
    const io = capture();
    expect(await main(['--username', 'ng.admin', '--unit', 'ca:220102'], envFor(dir), io)).toBe(0);
    expect(io.text()).toContain('南关区民政局');
    fs.rmSync(path.join(dir, 'master.key'));
    const refused = capture();
    expect(await main(['--username', 'ng.admin2', '--unit', 'ca:220102'], envFor(dir), refused)).toBe(1);
    expect(refused.text()).toContain('master.key');
    expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
  });
});
