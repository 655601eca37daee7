import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { findUnitByKey, supervisedUnitIds, supervisorChain, STATIONED_GROUP_KEY } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const unit = async (key: string) => {
  const u = await findUnitByKey(t.app.db, key);
  if (!u) throw new Error(`no unit ${key}`);
  return u;
};
const kindCount = async (kind: string) => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from units where kind = ${kind}`))!.n;

describe('units', () => {
  it('seeds a unit of each kind for every region', async () => {
    expect(await kindCount('civil_affairs')).toBe(1 + 10 + 72);
    expect(await kindCount('township_gov')).toBe(1075);
    expect(await kindCount('discipline')).toBe(2 + 10 + 72);
    expect(await kindCount('department')).toBe(72 * 3);
    const noEmail = (await t.app.db.get<{ n: number }>(sql`select count(*) as n from units where email not like '%@%'`))!.n;
    expect(noEmail).toBe(0);
  });

  it('links civil-affairs units up to the department', async () => {
    const township = await unit('gov:220102001');
    expect(township.name).toBe('南岭街道办事处');
    const chain = await supervisorChain(t.app.db, township.id);
    expect(chain.map((u) => u.name)).toEqual(['南关区民政局', '长春市民政局', '吉林省民政厅']);
    expect((await unit('ca:220000')).supervisorId).toBeNull();
  });

  it('puts development zones and 长白山 under their own civil-affairs units', async () => {
    const zone = await unit('ca:220171');
    expect(zone.name).toMatch(/社会事务局$/);
    expect(zone.supervisorId).toBe((await unit('ca:220100')).id);
    const area = await unit('ca:229901');
    expect(area.supervisorId).toBe((await unit('ca:229900')).id);
    expect((await unit('ca:229900')).supervisorId).toBe((await unit('ca:220000')).id);
    const chibeiTownship = await unit('gov:222426120');
    expect(chibeiTownship.supervisorId).toBe(area.id);
  });

  it('links discipline commissions, with the stationed group under the provincial commission', async () => {
    const provincial = await unit('dic:220000');
    expect((await unit(STATIONED_GROUP_KEY)).supervisorId).toBe(provincial.id);
    expect((await unit('dic:220100')).supervisorId).toBe(provincial.id);
    expect((await unit('dic:220102')).supervisorId).toBe((await unit('dic:220100')).id);
    expect((await unit('dept:220102:police')).supervisorId).toBeNull();
  });

  it('finds everything a unit supervises, directly or indirectly', async () => {
    const city = await unit('ca:220100');
    const ids = new Set(await supervisedUnitIds(t.app.db, city.id));
    expect(ids.has((await unit('ca:220102')).id)).toBe(true);
    expect(ids.has((await unit('gov:220102001')).id)).toBe(true);
    expect(ids.has((await unit('ca:220200')).id)).toBe(false);
    expect(ids.has((await unit('dic:220102')).id)).toBe(false);
  });
});
