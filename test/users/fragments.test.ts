// The users' query-building functions as another feature's repository uses them: over a user-id
// column of the caller's own table (a tiny one made for the test), in select, where and order by,
// in drizzle queries and raw statements; and the row functions the administrators' pages and
// casework use (issue 17: the users table is private).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { integer, table, text } from '../../src/db/schema.js';
import { findUnitByKey, unitNameOf, type Unit } from '../../src/units/index.js';
import { activeHandlersOf, findUsers, updateUser, userDisplayNameOf, userIdsMatching, userInUnits, usersPage, userUnitIdOf, type User } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff } from '../helpers/staff.js';

let t: TestApp;
let unitA: Unit;
let unitB: Unit;
let alice: User; // handler in A
let bob: User; // intake in A
let carol: User; // handler in B, disabled
beforeAll(async () => {
  t = await makeApp();
  unitA = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  unitB = (await findUnitByKey(t.app.db, 'ca:220103'))!;
  alice = (await createStaff(t.app, 'ca:220102', ['handler'], { username: 'frag.alice', displayName: '张_甲' })).user;
  bob = (await createStaff(t.app, 'ca:220102', ['intake'], { username: 'frag.bob', displayName: '李乙' })).user;
  carol = (await createStaff(t.app, 'ca:220103', ['handler', 'lead'], { username: 'frag.carol', displayName: '王丙' })).user;
  await updateUser(t.app.db, carol.id, { disabled: true });
  await t.app.db.run(sql`create table caller_items (id integer primary key, user_id integer, display_name text)`);
  await t.app.db.insert(items).values([
    { id: 1, userId: alice.id, displayName: 'mine' },
    { id: 2, userId: bob.id, displayName: 'mine' },
    { id: 3, userId: carol.id, displayName: 'mine' },
    { id: 4, userId: null, displayName: 'mine' },
  ]).run();
});
afterAll(() => t.close());

/** A caller's table naming a user by id, with a `display_name` column of its own. */
const items = table('caller_items', { id: integer('id').primaryKey(), userId: integer('user_id'), displayName: text('display_name') });

describe('values and conditions over a caller’s user column', () => {
  it('userDisplayNameOf and userUnitIdOf in a select, NULL for no user', async () => {
    const rows = await t.app.db.select({ id: items.id, own: items.displayName, name: userDisplayNameOf(items.userId), unitId: userUnitIdOf(items.userId) }).from(items).orderBy(items.id).all();
    expect(rows).toEqual([
      { id: 1, own: 'mine', name: '张_甲', unitId: unitA.id },
      { id: 2, own: 'mine', name: '李乙', unitId: unitA.id },
      { id: 3, own: 'mine', name: '王丙', unitId: unitB.id },
      { id: 4, own: 'mine', name: null, unitId: null },
    ]);
  });

  it('userInUnits in where, a value in order by, composed with the units’ fragment, and raw', async () => {
    expect((await t.app.db.select({ id: items.id }).from(items).where(userInUnits(items.userId, [unitA.id])).orderBy(asc(userDisplayNameOf(items.userId))).all()).map((r) => r.id).sort()).toEqual([1, 2]);
    expect(await t.app.db.select({ id: items.id }).from(items).where(userInUnits(items.userId, [])).all()).toEqual([]);
    expect(await t.app.db.select({ unit: unitNameOf(userUnitIdOf(items.userId)) }).from(items).where(eq(items.id, 3)).get()).toEqual({ unit: unitB.name });
    const raw = await t.app.db.all<{ id: number }>(sql`select i.id as id from caller_items i where ${userInUnits(sql`i.user_id`, [unitB.id])}`);
    expect(raw).toEqual([{ id: 3 }]);
  });
});

describe('rows for callers that want users', () => {
  it('usersPage: by unit, text, status, keyset', async () => {
    const all = await usersPage(t.app.db, { unitIds: [unitA.id, unitB.id], limit: 100 });
    expect(all.rows.map((u) => u.id)).toEqual(expect.arrayContaining([alice.id, bob.id, carol.id]));
    expect((await usersPage(t.app.db, { unitIds: [unitA.id, unitB.id], q: '_', limit: 100 })).rows.map((u) => u.id)).toEqual([alice.id]);
    expect((await usersPage(t.app.db, { unitIds: [unitA.id, unitB.id], q: 'frag.', status: 'disabled', limit: 100 })).rows.map((u) => u.id)).toEqual([carol.id]);
    const first = await usersPage(t.app.db, { unitIds: [unitA.id, unitB.id], q: 'frag.', limit: 1 });
    expect(first).toEqual({ rows: [expect.objectContaining({ id: alice.id })], more: true });
    expect((await usersPage(t.app.db, { unitIds: [unitA.id, unitB.id], q: 'frag.', afterId: alice.id, limit: 5 })).rows.map((u) => u.id)).toEqual([bob.id, carol.id]);
    expect(await usersPage(t.app.db, { unitIds: [], limit: 5 })).toEqual({ rows: [], more: false });
  });

  it('findUsers, userIdsMatching and activeHandlersOf', async () => {
    expect((await findUsers(t.app.db, [bob.id, carol.id])).map((u) => u.id).sort((a, b) => a - b)).toEqual([bob.id, carol.id]);
    expect(await findUsers(t.app.db, [])).toEqual([]);
    expect(await userIdsMatching(t.app.db, 'frag.bob')).toEqual([bob.id]);
    expect(await userIdsMatching(t.app.db, '丙')).toEqual([carol.id]);
    expect(await userIdsMatching(t.app.db, '%')).toEqual([]);
    expect((await activeHandlersOf(t.app.db, [unitA.id, unitB.id])).map((u) => u.id)).toEqual([alice.id]);
    expect(await activeHandlersOf(t.app.db, [])).toEqual([]);
  });
});
