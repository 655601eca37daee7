// The village picker shared by the profile declaration and the bureau's non-user declarants:
// reading the posted selects, the "show the next level" post, filling the selects level by level,
// and checking that the village belongs to the levels posted with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkVillage, isPlaceRefresh, placeOfVillage, placePicker, placeValues, withoutVillage } from '../../src/regions/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const CHAIN = { prefecture: '220100', county: '220102', township: '220102001', village: '220102001001' }; // 华阳社区

describe('the place picker', () => {
  it('reads the four selects of one prefix and drops anything that is not a region code', () => {
    const body = { rel_prefecture: '220100', rel_county: ['220102', '220103'], rel_township: 'x', rel_village: '220102001001', home_prefecture: '220200' };
    expect(placeValues(body, 'rel')).toEqual({ prefecture: '220100', village: '220102001001' });
  });

  it('knows the "show the next level" post', () => {
    expect(isPlaceRefresh({ action: 'refresh_place' })).toBe(true);
    expect(isPlaceRefresh({ action: ['refresh_place'] })).toBe(false);
    expect(isPlaceRefresh({})).toBe(false);
  });

  it('shows a stored village as its chain, and the levels above it', async () => {
    expect(await placeOfVillage(t.app.db, CHAIN.village)).toEqual(CHAIN);
    expect(await placeOfVillage(t.app.db, null)).toEqual({});
    expect(withoutVillage(CHAIN)).toEqual({ prefecture: '220100', county: '220102', township: '220102001' });
  });

  it('fills each level as far as chosen, and no further than a consistent chain', async () => {
    const first = await placePicker(t.app.db, 'home', {}, 'declaration.errors.village_required');
    expect(first.prefix).toBe('home');
    expect(first.error).toBe('declaration.errors.village_required');
    expect(first.prefectures.length).toBe(10);
    expect([first.counties, first.townships, first.villages]).toEqual([[], [], []]);

    const full = await placePicker(t.app.db, 'rel', CHAIN);
    expect(full.villages.find((v) => v.selected)).toMatchObject({ value: CHAIN.village, label: '华阳社区' });
    // A county from another prefecture stops the chain there.
    const stale = await placePicker(t.app.db, 'rel', { ...CHAIN, prefecture: '220200' });
    expect(stale.counties.some((c) => c.value === '220102')).toBe(false);
    expect([stale.townships, stale.villages]).toEqual([[], []]);
  });

  it('accepts a village only with the levels posted with it', async () => {
    expect(await checkVillage(t.app.db, CHAIN)).toEqual({ ok: true, code: CHAIN.village });
    expect(await checkVillage(t.app.db, { village: CHAIN.village })).toEqual({ ok: true, code: CHAIN.village });
    expect(await checkVillage(t.app.db, { ...CHAIN, village: undefined })).toEqual({ ok: false, reason: 'required' });
    expect(await checkVillage(t.app.db, { ...CHAIN, township: '220102002' })).toEqual({ ok: false, reason: 'invalid' });
    expect(await checkVillage(t.app.db, { ...CHAIN, village: CHAIN.township })).toEqual({ ok: false, reason: 'invalid' });
  });
});
