// The staff inbox and dashboard kept per session (plugins/staff-page-cache, casework/scope-stamp):
// a repeated view comes from memory, and any change in the user's scope — made by this server or by
// another process on the same database file — shows on the next view.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { closeDatabase, databaseFile, openConfiguredDatabase, type Db } from '../../../src/db/connection.js';
import { onPostgres } from '../../../src/db/engine.js';
import { declarants } from '../../../src/declarations/tables.js';
import { updateUser } from '../../../src/users/index.js';
import fs from 'node:fs';
import { makeApp, tempDir, type TestApp } from '../../helpers/app.js';
import { buildTemplateDb } from '../../helpers/template-db.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { aVillageOf, fileReportIn } from '../../helpers/reports.js';

let t: TestApp;
const reportIn: Record<string, number> = {};

let county: TestStaff;
let countyView: Session;

beforeAll(async () => {
  t = await makeApp();
  reportIn['220102'] = await fileReportIn(t.app, '220102');
  reportIn['220103'] = await fileReportIn(t.app, '220103');
  county = await createStaff(t.app, 'ca:220102', ['supervisor', 'handler'], { displayName: '南关区甲' });
  countyView = await signIn(t.app, county);
});
afterAll(() => t.close());

/** Another process writing the same database (a connection of its own), as the operator CLI does. */
async function fromAnotherProcess(write: (db: Db) => unknown) {
  const other = await openConfiguredDatabase(t.config);
  try {
    await write(other);
  } finally {
    await closeDatabase(other);
  }
}

async function twice(session: Session, url: string) {
  const first = await session.get(url);
  const second = await session.get(url);
  return { first, second };
}

describe('staff page cache', () => {
  it('answers a repeated view of the inbox and the dashboard from memory, with the same page', async () => {
    for (const url of ['/staff/reports?status=received', '/staff']) {
      const { first, second } = await twice(countyView, url);
      expect(first.statusCode).toBe(200);
      expect(first.headers['x-cache'], url).toBe('miss');
      expect(second.headers['x-cache'], url).toBe('hit');
      expect(second.body).toBe(first.body);
      expect(second.headers['cache-control']).toBe('no-store');
      expect(second.headers['content-language']).toBe(first.headers['content-language']);
    }
  });

  it('never gives one session the page of another, even for the same user and URL', async () => {
    const colleague = await createStaff(t.app, 'ca:220102', ['supervisor'], { displayName: '南关区乙' });
    const colleagueView = await signIn(t.app, colleague);
    await countyView.get('/staff/reports');
    const theirs = await colleagueView.get('/staff/reports');
    expect(theirs.headers['x-cache']).toBe('miss');
    expect(theirs.body).toContain('南关区乙');
    expect(theirs.body).not.toContain('南关区甲');
  });

  it('shows a change to a report in scope at once, also when another process made it', async () => {
    const url = `/staff/reports?status=received`;
    await twice(countyView, url);
    const caseNo = (await t.app.db.get<{ case_no: string }>(sql`SELECT case_no FROM reports WHERE id = ${reportIn['220102']}`)).case_no;
    expect((await countyView.get(url)).body).toContain(caseNo);
    await fromAnotherProcess((db) => db.run(sql`UPDATE reports SET status = 'accepted' WHERE id = ${reportIn['220102']}`));
    const after = await countyView.get(url);
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.body).not.toContain(caseNo);
    expect((await countyView.get('/staff/reports?status=accepted')).body).toContain(caseNo);
  });

  it('keeps the page when only reports outside the scope change', async () => {
    const url = '/staff/reports?queue=all';
    await twice(countyView, url);
    await fromAnotherProcess((db) => db.run(sql`UPDATE reports SET status = 'accepted' WHERE id = ${reportIn['220103']}`));
    expect((await countyView.get(url)).headers['x-cache']).toBe('hit');
  });

  it('drops the page when a name, a role or a declaration changes, not on a sign-in', async () => {
    const url = '/staff/reports?queue=unit';
    await twice(countyView, url);
    await signIn(t.app, county); // a sign-in writes last-login and the second-factor step
    // The single-session rule ended the old session: sign in again and warm the page for it.
    countyView = await signIn(t.app, county);
    const other = await createStaff(t.app, 'ca:220103', ['handler']); // a new account counts for people
    await twice(countyView, url);
    await updateUser(t.app.db, other.user.id, { lastLoginAt: Date.now(), failedLogins: 2 });
    expect((await countyView.get(url)).headers['x-cache']).toBe('hit');
    await updateUser(t.app.db, county.user.id, { displayName: '南关区甲改' });
    const renamed = await countyView.get(url);
    expect(renamed.headers['x-cache']).toBe('miss');
    expect(renamed.body).toContain('南关区甲改');
    expect((await countyView.get(url)).headers['x-cache']).toBe('hit');
    const village = await aVillageOf(t.app, '220102');
    await fromAnotherProcess((db) => db.insert(declarants).values({ userId: county.user.id, name: '南关区甲改', position: 'county_bureau_staff', idHash: 'h', homeVillageCode: village, updatedAt: 0 }).run());
    expect((await countyView.get(url)).headers['x-cache']).toBe('miss');
  });

  it('drops the page when the date in China changes', async () => {
    const url = '/staff/reports?sort=due';
    // Ten seconds before midnight in China (UTC+8), a page is kept; twenty seconds later it is not.
    const midnight = Date.parse(`${new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)}T00:00:00+08:00`) + 86_400_000;
    vi.useFakeTimers({ toFake: ['Date'], now: midnight - 10_000 });
    try {
      const view = await signIn(t.app, county);
      const { second } = await twice(view, url);
      expect(second.headers['x-cache']).toBe('hit');
      vi.setSystemTime(midnight + 10_000);
      expect((await view.get(url)).headers['x-cache']).toBe('miss');
      expect((await view.get(url)).headers['x-cache']).toBe('hit');
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops the page of a user moved to another unit, even when the counters add up to the same total', async () => {
    const [x, y] = ['gov:220102001', 'gov:220102002'];
    const idOf = async (key: string) => (await t.app.db.get<{ id: number }>(sql`SELECT id FROM units WHERE key = ${key}`)).id;
    const mover = await createStaff(t.app, x, ['handler'], { displayName: '乡镇甲' });
    const view = await signIn(t.app, mover);
    // Township x's tree counter is set to 1 and township y has none; the move raises people by one,
    // so the three counters add up to the same total before and after.
    const report = await fileReportIn(t.app, '220102');
    // About a county official, so the township may see it (a township never sees reports about its own cadres).
    await t.app.db.run(sql`UPDATE reports SET assigned_unit_id = ${await idOf(x)}, subject_position = 'county_bureau_staff' WHERE id = ${report}`);
    const tree = async (key: string) => (await t.app.db.get<{ n: number }>(sql`SELECT coalesce(sum(n), 0) AS n FROM change_stamps WHERE key = ${`tree:${await idOf(key)}`}`)).n;
    expect(await tree(y)).toBe(0);
    await t.app.db.run(sql`INSERT INTO change_stamps (key, n) VALUES (${`tree:${await idOf(x)}`}, 0) ON CONFLICT (key) DO UPDATE SET n = 0`);
    await t.app.db.run(sql`UPDATE change_stamps SET n = n + 1 WHERE key = ${`tree:${await idOf(x)}`}`);
    const url = '/staff/reports?queue=all';
    const { first, second } = await twice(view, url);
    expect(first.body).toContain((await t.app.db.get<{ case_no: string }>(sql`SELECT case_no FROM reports WHERE id = ${report}`)).case_no);
    expect(second.headers['x-cache']).toBe('hit');
    await updateUser(t.app.db, mover.user.id, { unitId: await idOf(y) }); // people + 1, tree x − 1 from this user's point of view
    const moved = await view.get(url);
    expect(moved.headers['x-cache']).toBe('miss');
    expect(moved.body).not.toContain((await t.app.db.get<{ case_no: string }>(sql`SELECT case_no FROM reports WHERE id = ${report}`)).case_no);
  });

  it('forgets the pages of a session when it ends: sign-out, and every session of a user at once', async () => {
    const user = await createStaff(t.app, 'ca:220102', ['supervisor']);
    const cached = () => t.app.staffPageCache.size;
    const one = await signIn(t.app, user);
    await one.get('/staff');
    await one.get('/staff/reports');
    const before = cached();
    expect((await one.post('/staff/logout', {})).statusCode).toBe(303);
    expect(cached()).toBe(before - 2);
    const two = await signIn(t.app, user);
    await two.get('/staff/reports?sort=oldest');
    const withTwo = cached();
    await t.app.sessionStore.destroyForUser(user.user.id); // as disabling the account or "sign out everywhere" does
    expect(cached()).toBe(withTwo - 1);
  });

  it('does not keep pages of discipline bodies, whose scope follows referrals', async () => {
    const inspector = await createStaff(t.app, 'dic:220102', ['inspector']);
    const view = await signIn(t.app, inspector);
    const { first, second } = await twice(view, '/staff/reports');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBeUndefined();
    expect(second.headers['x-cache']).toBeUndefined();
  });
});

describe('staff page cache turned off', () => {
  // A trigger dropped from a copy of the SQLite template file: about the SQLite file.
  it.skipIf(onPostgres)('keeps nothing, and says so in the log, when a change-stamp trigger is missing', async () => {
    const dataDir = tempDir();
    fs.copyFileSync(await buildTemplateDb(), databaseFile(dataDir));
    const file = new Database(databaseFile(dataDir));
    file.exec('DROP TRIGGER reports_stamp_update');
    file.close();
    const broken = await makeApp({ dataDir });
    try {
      const view = await signIn(broken.app, await createStaff(broken.app, 'ca:220102', ['supervisor']));
      const { first, second } = await twice(view, '/staff/reports');
      expect(first.statusCode).toBe(200);
      expect(second.headers['x-cache']).toBeUndefined();
      expect(broken.logs()).toContain('reports_stamp_update');
    } finally {
      await broken.close();
    }
  });


  it('serves every view fresh with SUNSHINE_STAFF_CACHE_MB=0', async () => {
    const off = await makeApp({ staffCacheMb: 0 });
    try {
      const view = await signIn(off.app, await createStaff(off.app, 'ca:220102', ['supervisor']));
      const { first, second } = await twice(view, '/staff/reports');
      expect(first.statusCode).toBe(200);
      expect(second.headers['x-cache']).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});
