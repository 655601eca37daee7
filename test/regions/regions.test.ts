import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { ancestorsOf, childrenOf, findRegion, isWithin } from '../../src/regions/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const count = async (level: string) => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from regions where level = ${level}`))!.n;

describe('regions', () => {
  it('has the province, 9 prefectures and 长白山管委会', async () => {
    expect(await count('province')).toBe(1);
    expect(await count('prefecture')).toBe(10);
    expect((await findRegion(t.app.db, '229900'))?.name).toBe('长白山管委会');
  });

  it('has 72 county-level rows: 60 GB/T units, 9 development zones, 3 长白山 areas', async () => {
    expect(await count('county')).toBe(72);
    const gbt = (await t.app.db.get<{ n: number }>(sql`select count(*) as n from regions where level='county' and in_gbt2260 = true`))!.n;
    const zones = (await t.app.db.get<{ n: number }>(sql`select count(*) as n from regions where level='county' and kind='functional_zone' and is_development_zone = true`))!.n;
    const areas = (await t.app.db.get<{ n: number }>(sql`select count(*) as n from regions where level='county' and kind='changbaishan_area'`))!.n;
    expect([gbt, zones, areas]).toEqual([60, 9, 3]);
  });

  it('has 1,075 township-level rows and 11,860 villages', async () => {
    expect(await count('township')).toBe(1075);
    expect(await count('village')).toBe(11860);
  });

  it('re-parents the 长白山 townships and their villages under the three areas, keeping NBS codes', async () => {
    const chibei = await childrenOf(t.app.db, '229901');
    expect(chibei.map((r) => r.code)).toEqual(['222426120']);
    expect(chibei[0]!.nbsCode).toBe('222426120');
    expect((await findRegion(t.app.db, '220621120'))!.parentCode).toBe('229902');
    expect((await findRegion(t.app.db, '220621121'))!.parentCode).toBe('229903');
    const villages = await t.app.db.all<{ code: string }>(sql`select code from regions where parent_code in ('222426120','220621120','220621121') and level='village'`);
    expect(villages.length).toBeGreaterThan(0);
    for (const v of villages) expect(await isWithin(t.app.db, v.code, '229900')).toBe(true);
    // …and not under 安图县 or 抚松县 any more, whatever their code prefix says.
    expect(await isWithin(t.app.db, villages[0]!.code, '222426')).toBe(false);
    expect(await isWithin(t.app.db, villages[0]!.code, '220621')).toBe(false);
  });

  it('answers scope by parent links', async () => {
    const chain = await ancestorsOf(t.app.db, '220102001001');
    expect(chain.map((r) => r.level)).toEqual(['province', 'prefecture', 'county', 'township', 'village']);
    expect(chain.map((r) => r.code)).toEqual(['220000', '220100', '220102', '220102001', '220102001001']);
  });
});
