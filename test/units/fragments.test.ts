// The units' query-building functions as another feature's repository uses them: over a unit-id
// column of the caller's own table (a tiny one made for the test), in select, where and order by,
// in drizzle queries and raw statements (issue 17: the units table is private).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import { integer, table, text } from '../../src/db/schema.js';
import { regionNameOf } from '../../src/regions/index.js';
import { civilAffairsUnitsAtLevel, findUnitByKey, regionCodesOfUnits, unitKindOf, unitNameOf, unitOfKinds, unitRegionOf, unitsOfKindsAmong, type Unit } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let ca: Unit; // 南关区民政局
let gov: Unit; // a township government in 南关区
let dic: Unit;
beforeAll(async () => {
  t = await makeApp();
  ca = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  gov = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
  dic = (await findUnitByKey(t.app.db, 'dic:220100'))!;
  await t.app.db.run(sql`create table caller_items (id integer primary key, unit_id integer, name text)`);
  await t.app.db.insert(items).values([
    { id: 1, unitId: ca.id, name: 'mine' },
    { id: 2, unitId: gov.id, name: 'mine' },
    { id: 3, unitId: dic.id, name: 'mine' },
    { id: 4, unitId: null, name: 'mine' },
  ]).run();
});
afterAll(() => t.close());

/** A caller's table naming a unit by id, with a `name` column of its own. */
const items = table('caller_items', { id: integer('id').primaryKey(), unitId: integer('unit_id'), name: text('name') });

describe('values and conditions over a caller’s unit column', () => {
  it('unitNameOf, unitKindOf and unitRegionOf in a select (the caller’s own `name` untouched), NULL for no unit', async () => {
    const rows = await t.app.db
      .select({ id: items.id, own: items.name, unitName: unitNameOf(items.unitId), kind: unitKindOf(items.unitId), region: unitRegionOf(items.unitId) })
      .from(items)
      .orderBy(items.id)
      .all();
    expect(rows).toEqual([
      { id: 1, own: 'mine', unitName: ca.name, kind: 'civil_affairs', region: '220102' },
      { id: 2, own: 'mine', unitName: gov.name, kind: 'township_gov', region: '220102001' },
      { id: 3, own: 'mine', unitName: dic.name, kind: 'discipline', region: '220100' },
      { id: 4, own: 'mine', unitName: null, kind: null, region: null },
    ]);
  });

  it('unitOfKinds in where, a value in order by, and both in raw statements', async () => {
    const ids = await t.app.db.select({ id: items.id }).from(items).where(unitOfKinds(items.unitId, ['civil_affairs', 'township_gov'])).orderBy(asc(unitRegionOf(items.unitId))).all();
    expect(ids.map((r) => r.id)).toEqual([1, 2]);
    expect(await t.app.db.select({ id: items.id }).from(items).where(unitOfKinds(items.unitId, [])).all()).toEqual([]);
    expect(await t.app.db.select({ id: items.id }).from(items).where(eq(unitKindOf(items.unitId), 'discipline')).all()).toEqual([{ id: 3 }]);
    const raw = await t.app.db.all<{ id: number; unitName: string }>(sql`select i.id as id, ${unitNameOf(sql`i.unit_id`)} as "unitName" from caller_items i where ${unitOfKinds(sql`i.unit_id`, ['discipline'])}`);
    expect(raw).toEqual([{ id: 3, unitName: dic.name }]);
  });

  it('composes with the regions’ fragments: the name of the unit’s region', async () => {
    const row = await t.app.db.select({ regionName: regionNameOf(unitRegionOf(items.unitId)) }).from(items).where(eq(items.id, 1)).get();
    expect(row!.regionName).toMatch(/南关/);
  });
});

describe('rows for callers that want units', () => {
  it('unitsOfKindsAmong and regionCodesOfUnits', async () => {
    expect((await unitsOfKindsAmong(t.app.db, [ca.id, gov.id, dic.id], ['civil_affairs', 'township_gov'])).map((u) => u.id)).toEqual([ca.id, gov.id]);
    expect(await unitsOfKindsAmong(t.app.db, [], ['civil_affairs'])).toEqual([]);
    expect((await regionCodesOfUnits(t.app.db, [ca.id, gov.id, dic.id], ['civil_affairs', 'township_gov'])).sort()).toEqual(['220102', '220102001']);
    expect(await regionCodesOfUnits(t.app.db, [ca.id], [])).toEqual([]);
  });

  it('civilAffairsUnitsAtLevel: every one at the level, or only some, by region code', async () => {
    const counties = await civilAffairsUnitsAtLevel(t.app.db, 'county');
    expect(counties).toHaveLength(72);
    expect(counties.every((u) => u.kind === 'civil_affairs')).toBe(true);
    expect(counties.map((u) => u.regionCode)).toEqual([...counties.map((u) => u.regionCode)].sort());
    expect((await civilAffairsUnitsAtLevel(t.app.db, 'county', [ca.id, gov.id])).map((u) => u.id)).toEqual([ca.id]);
    expect(await civilAffairsUnitsAtLevel(t.app.db, 'prefecture', [ca.id])).toEqual([]);
    expect(await civilAffairsUnitsAtLevel(t.app.db, 'county', [])).toEqual([]);
  });
});
