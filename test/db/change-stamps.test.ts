// The triggers of migration 0009: which writes raise which change stamp (src/db/change-stamps.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingStampTriggers, stampTotal } from '../../src/db/change-stamps.js';
import { onPostgres } from '../../src/db/engine.js';
import { eq, sql, type SQL } from 'drizzle-orm';
import { query, withTransaction } from '../../src/db/transaction.js';
import { supervisedUnitIds } from '../../src/units/index.js';
import { holidayOverrides } from '../../src/calendar/tables.js';
import { users } from '../../src/users/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff } from '../helpers/staff.js';
import { fileReportIn } from '../helpers/reports.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const run = async (statement: SQL) => t.app.db.run(statement);
const stamp = (...keys: string[]) => stampTotal(t.app.db, JSON.stringify(keys));
const unitId = async (key: string) => (await t.app.db.get<{ id: number }>(sql`SELECT id FROM units WHERE key = ${key}`)).id;

describe('change stamps', () => {
  it('counts a report written into, moved between and deleted from units for every unit it touches and each unit above', async () => {
    const [a, b, c] = [await unitId('ca:220102'), await unitId('ca:220103'), await unitId('ca:220100')];
    const counts = () => Promise.all([stamp(`tree:${a}`), stamp(`tree:${b}`), stamp(`tree:${c}`)]);
    const [a0, b0, c0] = await counts();
    const id = await fileReportIn(t.app, '220102'); // handled by the county bureau a, below the city bureau c
    const [a1, b1, c1] = await counts();
    expect(a1).toBeGreaterThan(a0!);
    expect(c1).toBeGreaterThan(c0!);
    expect(b1).toBe(b0);
    await run(sql`UPDATE reports SET handling_unit_id = ${b}, review_unit_id = ${c} WHERE id = ${id}`);
    expect(await counts()).toEqual([a1! + 1, b1! + 1, c1! + 1]);
    expect(await stamp(`tree:${a}`, `tree:${b}`, `tree:${c}`)).toBe(a1! + b1! + c1! + 3);
    // Its events point at it (report_events raise no stamp); only the delete trigger is under test here.
    await run(sql`DELETE FROM report_events WHERE report_id = ${id}`);
    await run(sql`DELETE FROM reports WHERE id = ${id}`);
    expect(await counts()).toEqual([a1! + 1, b1! + 2, c1! + 2]);
  });

  it('knows every unit above each unit, as the supervisor links say', async () => {
    const rows = await t.app.db.all<{ a: number; u: number }>(sql`SELECT ancestor_id AS a, unit_id AS u FROM unit_ancestors`);
    const below = new Map<number, number[]>();
    for (const { a, u } of rows) below.set(a, [...(below.get(a) ?? []), u]);
    // The same read from the supervisor links one step at a time (supervisedUnitIds reads the table now).
    const links = await t.app.db.all<{ id: number; up: number | null }>(sql`SELECT id, supervisor_id AS up FROM units`);
    const supervisor = new Map(links.map((l) => [l.id, l.up]));
    const walked = (id: number) => links.map((l) => l.id).filter((u) => { for (let c: number | null | undefined = u; c; c = supervisor.get(c)) if (c === id) return true; return false; });
    for (const { id } of links) expect((below.get(id) ?? []).sort((x, y) => x - y), `unit ${id}`).toEqual(walked(id).sort((x, y) => x - y));
    expect(await supervisedUnitIds(t.app.db, links[0]!.id)).toEqual((below.get(links[0]!.id) ?? []).sort((x, y) => x - y));
  });

  it('has every trigger the staff page cache relies on', async () => {
    expect(await missingStampTriggers(t.app.db)).toEqual([]);
  });

  it('counts what staff pages show of people and the calendar, not sign-ins', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['handler']);
    const people = await stamp('people');
    await t.app.db.update(users).set({ lastLoginAt: 1, failedLogins: 3, totpLastStep: 9, mustChangePassword: true }).where(eq(users.id, staff.user.id)).run();
    expect(await stamp('people')).toBe(people);
    for (const column of ['display_name', 'roles', 'home_village_code']) await run(sql`UPDATE users SET ${sql.identifier(column)} = ${sql.identifier(column)} || '' WHERE id = ${staff.user.id}`);
    expect(await stamp('people')).toBe(people + 3);
    // On SQLite a row replaced whole (INSERT OR REPLACE deletes without the delete trigger) still
    // counts; PostgreSQL has no such statement.
    if (!onPostgres) {
      const row = t.app.db.$client.prepare('SELECT * FROM users WHERE id = ?').get(staff.user.id) as Record<string, unknown>;
      const columns = Object.keys(row);
      t.app.db.$client.prepare(`INSERT OR REPLACE INTO users (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => (c === 'display_name' ? '换名' : row[c])));
      expect(await stamp('people')).toBe(people + 4);
    }
    const calendar = await stamp('calendar');
    await t.app.db.insert(holidayOverrides).values({ date: '2031-01-01', kind: 'holiday', note: '', updatedBy: null, updatedAt: 0 }).run();
    expect(await stamp('calendar')).toBe(calendar + 1);
    expect(await stamp('absent-key')).toBe(0);
  });

  it('reads the total after an open transaction ends, never its uncommitted writes', async () => {
    const keys = JSON.stringify(['people', 'calendar']);
    const before = await stampTotal(t.app.db, keys);
    let release!: () => void;
    let written!: () => void;
    const inside = new Promise<void>((r) => (written = r));
    const open = withTransaction(t.app.db, async (tx) => {
      await query(tx, (q) => q.insert(holidayOverrides).values({ date: '2032-01-01', kind: 'holiday', note: '', updatedBy: null, updatedAt: 0 }).run());
      const gate = new Promise<void>((r) => (release = r));
      written();
      await gate;
      throw new Error('rolled back');
    });
    await inside;
    // A direct read on SQLite's one connection would count the uncommitted write (on PostgreSQL the
    // transaction has a connection of its own).
    if (!onPostgres) expect(t.app.db.$client.prepare('SELECT total(n) FROM change_stamps WHERE key IN (?, ?)').pluck().get('people', 'calendar')).toBe(before + 1);
    const read = stampTotal(t.app.db, keys);
    release();
    await expect(open).rejects.toThrow('rolled back');
    expect(await read).toBe(before);
  });
});
