// The regions' query-building functions as another feature's repository uses them: over a column
// of the caller's own table (here a tiny one made for the test), inside its select, where and
// order by, in drizzle queries and raw statements alike (issue 17: a feature's tables are private).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, sql } from 'drizzle-orm';
import { integer, table, text } from '../../src/db/schema.js';
import {
  ancestorsOfMany,
  codesWithinAny,
  countRegionsAtLevel,
  findRegion,
  regionAncestorAtLevel,
  regionAncestry,
  regionDepthAbove,
  regionEncloses,
  regionLevelOf,
  regionNameOf,
  regionParentOf,
  regionsAtLevels,
  regionsWithin,
  regionWithin,
  regionWithinAny,
  villagesWithCounty,
} from '../../src/regions/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
  await t.app.db.run(sql`create table caller_items (id integer primary key, region_code text, note text)`);
  await t.app.db.insert(items).values(ROWS).run();
});
afterAll(() => t.close());

/** A caller's table: its rows name a region by code. */
const items = table('caller_items', { id: integer('id').primaryKey(), regionCode: text('region_code'), note: text('note') });

const VILLAGE = '220102001001'; // 华阳社区, in 南关区 (220102), 长春市 (220100)
const TOWNSHIP = '220102001';
const COUNTY = '220102';
const PREFECTURE = '220100';
const OTHER_PREFECTURE = '220200';
const ROWS = [
  { id: 1, regionCode: VILLAGE, note: 'village' },
  { id: 2, regionCode: COUNTY, note: 'county' },
  { id: 3, regionCode: PREFECTURE, note: 'prefecture' },
  { id: 4, regionCode: OTHER_PREFECTURE, note: 'elsewhere' },
  { id: 5, regionCode: null, note: 'nowhere' },
];
const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
const nameOf = async (code: string) => (await findRegion(t.app.db, code))!.name;

describe('conditions over a caller’s column', () => {
  it('regionWithin: the rows placed within (or at) a region', async () => {
    expect(ids(await t.app.db.select({ id: items.id }).from(items).where(regionWithin(items.regionCode, PREFECTURE)).orderBy(items.id).all())).toEqual([1, 2, 3]);
    expect(ids(await t.app.db.select({ id: items.id }).from(items).where(regionWithin(items.regionCode, COUNTY)).orderBy(items.id).all())).toEqual([1, 2]);
    expect(ids(await t.app.db.select({ id: items.id }).from(items).where(regionWithin(items.regionCode, VILLAGE)).all())).toEqual([1]);
    // In a raw statement, over an alias of the caller's.
    const raw = await t.app.db.all<{ id: number }>(sql`select i.id as id from caller_items i where ${regionWithin(sql`i.region_code`, COUNTY)} order by i.id`);
    expect(ids(raw)).toEqual([1, 2]);
  });

  it('regionWithinAny: within any of several regions; none given matches nothing', async () => {
    expect(ids(await t.app.db.select({ id: items.id }).from(items).where(regionWithinAny(items.regionCode, [COUNTY, OTHER_PREFECTURE])).orderBy(items.id).all())).toEqual([1, 2, 4]);
    expect(await t.app.db.select({ id: items.id }).from(items).where(regionWithinAny(items.regionCode, [])).all()).toEqual([]);
    // Combined with the caller's own conditions.
    expect(ids(await t.app.db.select({ id: items.id }).from(items).where(and(regionWithinAny(items.regionCode, [PREFECTURE]), eq(items.note, 'county'))).all())).toEqual([2]);
  });

  it('regionEncloses and regionDepthAbove: the rows at a place or above it, nearest first', async () => {
    const rows = await t.app.db
      .select({ id: items.id, depth: regionDepthAbove(items.regionCode, VILLAGE) })
      .from(items)
      .where(regionEncloses(items.regionCode, VILLAGE))
      .orderBy(asc(regionDepthAbove(items.regionCode, VILLAGE)))
      .all();
    expect(rows).toEqual([
      { id: 1, depth: 0 },
      { id: 2, depth: 2 },
      { id: 3, depth: 3 },
    ]);
    expect(await t.app.db.select({ d: regionDepthAbove(items.regionCode, VILLAGE) }).from(items).where(eq(items.id, 4)).get()).toEqual({ d: null });
  });
});

describe('values of the region in a caller’s column', () => {
  it('regionNameOf, regionLevelOf and regionParentOf in a select, NULL for no region', async () => {
    const rows = await t.app.db
      .select({ id: items.id, name: regionNameOf(items.regionCode), level: regionLevelOf(items.regionCode), parent: regionParentOf(items.regionCode) })
      .from(items)
      .orderBy(items.id)
      .all();
    expect(rows[0]).toEqual({ id: 1, name: await nameOf(VILLAGE), level: 'village', parent: TOWNSHIP });
    expect(rows[1]).toEqual({ id: 2, name: await nameOf(COUNTY), level: 'county', parent: PREFECTURE });
    expect(rows[4]).toEqual({ id: 5, name: null, level: null, parent: null });
  });

  it('work in where and order by too, and in raw statements', async () => {
    expect(ids(await t.app.db.select({ id: items.id }).from(items).where(eq(regionLevelOf(items.regionCode), 'prefecture')).orderBy(items.id).all())).toEqual([3, 4]);
    const byName = await t.app.db.select({ id: items.id }).from(items).where(regionWithin(items.regionCode, PREFECTURE)).orderBy(regionNameOf(items.regionCode)).all();
    expect(byName).toHaveLength(3);
    const raw = await t.app.db.all<{ id: number }>(sql`select i.id as id from caller_items i where ${regionParentOf(sql`i.region_code`)} = ${TOWNSHIP}`);
    expect(ids(raw)).toEqual([1]);
  });

  it('regionAncestorAtLevel: the prefecture and county of each row (itself at its own level)', async () => {
    const rows = await t.app.db
      .all<{ id: number; prefecture: string | null; county: string | null }>(sql`
        select i.id as id, ${regionAncestorAtLevel(sql`i.region_code`, 'prefecture')} as prefecture, ${regionAncestorAtLevel(sql`i.region_code`, 'county')} as county
        from caller_items i order by prefecture nulls first, county nulls first, i.id`);
    expect(rows).toEqual([
      { id: 5, prefecture: null, county: null },
      { id: 3, prefecture: PREFECTURE, county: null },
      { id: 1, prefecture: PREFECTURE, county: COUNTY },
      { id: 2, prefecture: PREFECTURE, county: COUNTY },
      { id: 4, prefecture: OTHER_PREFECTURE, county: null },
    ]);
  });

  it('a caller table with the same column names does not shadow the regions', async () => {
    await t.app.db.run(sql`create table caller_places (code text, name text, level text, parent_code text)`);
    await t.app.db.run(sql`insert into caller_places values (${COUNTY}, 'mine', 'mine', 'mine')`);
    const places = table('caller_places', { code: text('code'), name: text('name') });
    expect(await t.app.db.select({ name: places.name, theirs: regionNameOf(places.code), level: regionLevelOf(places.code) }).from(places).all()).toEqual([
      { name: 'mine', theirs: expect.stringMatching(/南关/), level: 'county' },
    ]);
  });
});

describe('regionAncestry: grouping a caller’s rows by the regions they lie in', () => {
  it('counts per region, each row counted in every asked region that holds it', async () => {
    const rows = await t.app.db.all<{ code: string; n: number }>(sql`
      select ra.ancestor_code as code, count(*) as n from caller_items i
      join ${regionAncestry([PREFECTURE, COUNTY, OTHER_PREFECTURE])} ra on ra.region_code = i.region_code
      group by ra.ancestor_code order by ra.ancestor_code`);
    expect(rows).toEqual([
      { code: PREFECTURE, n: 3 },
      { code: COUNTY, n: 2 },
      { code: OTHER_PREFECTURE, n: 1 },
    ]);
    expect(await t.app.db.all(sql`select * from caller_items i join ${regionAncestry([])} ra on ra.region_code = i.region_code`)).toEqual([]);
  });
});

describe('rows for callers that want regions themselves', () => {
  it('regionsWithin: the region and all below it, or only some levels, or strictly below', async () => {
    const all = await regionsWithin(t.app.db, TOWNSHIP);
    expect(all[0]!.code).toBe(TOWNSHIP);
    expect(all.every((r) => r.code === TOWNSHIP || r.parentCode === TOWNSHIP)).toBe(true);
    const strict = await regionsWithin(t.app.db, TOWNSHIP, { strict: true });
    expect(strict.map((r) => r.code)).toEqual(all.slice(1).map((r) => r.code));
    const townships = await regionsWithin(t.app.db, COUNTY, { levels: ['township'] });
    expect(townships.length).toBeGreaterThan(0);
    expect(townships.every((r) => r.level === 'township' && r.parentCode === COUNTY)).toBe(true);
    expect(townships.map((r) => r.code)).toEqual([...townships.map((r) => r.code)].sort());
    expect(await regionsWithin(t.app.db, TOWNSHIP, { levels: ['township'], strict: true })).toEqual([]);
    expect(await regionsWithin(t.app.db, COUNTY, { levels: [] })).toEqual([]);
  });

  it('regionsAtLevels and countRegionsAtLevel', async () => {
    const areas = await regionsAtLevels(t.app.db, ['prefecture', 'county']);
    expect(areas).toHaveLength(10 + 72);
    expect(await countRegionsAtLevel(t.app.db, 'village')).toBe(11860);
    expect(await regionsAtLevels(t.app.db, [])).toEqual([]);
  });

  it('ancestorsOfMany: each code’s chain with names and levels, farthest first', async () => {
    const rows = await ancestorsOfMany(t.app.db, [VILLAGE, COUNTY, VILLAGE]);
    expect(rows.filter((r) => r.code === COUNTY).map((r) => [r.ancestorCode, r.level, r.depth])).toEqual([
      ['220000', 'province', 2],
      [PREFECTURE, 'prefecture', 1],
      [COUNTY, 'county', 0],
    ]);
    expect(rows.filter((r) => r.code === VILLAGE).map((r) => r.ancestorCode)).toEqual(['220000', PREFECTURE, COUNTY, TOWNSHIP, VILLAGE]);
    expect(rows.find((r) => r.ancestorCode === COUNTY)!.name).toBe(await nameOf(COUNTY));
    expect(await ancestorsOfMany(t.app.db, [])).toEqual([]);
  });

  it('codesWithinAny and villagesWithCounty', async () => {
    expect(await codesWithinAny(t.app.db, [VILLAGE, COUNTY, OTHER_PREFECTURE, 'nonsense'], [COUNTY])).toEqual(new Set([VILLAGE, COUNTY]));
    expect(await codesWithinAny(t.app.db, [VILLAGE], [])).toEqual(new Set());
    const villages = await villagesWithCounty(t.app.db);
    expect(villages).toHaveLength(11860);
    expect(villages.find((v) => v.code === VILLAGE)).toEqual({ code: VILLAGE, name: await nameOf(VILLAGE), county: COUNTY });
  });
});
