import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlingUnitFor } from '../../src/reports/index.js';
import { handlingLevel } from '../../src/reports/routing.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('handling unit', () => {
  it.each([
    [null, false, 'county'],
    ['village_cadre', true, 'county'],
    ['township_assistant', false, 'county'],
    ['county_bureau_staff', false, 'prefecture'],
    ['county_bureau_head', true, 'prefecture'],
    ['county_leader', false, 'prefecture'],
    ['city_bureau_staff', false, 'province'],
    ['province_staff', false, 'province'],
  ] as const)('position %s (head %s) is handled at %s level', (position, head, level) => {
    expect(handlingLevel(position, head)).toBe(level);
  });

  it('is the county bureau of the place for a village cadre', async () => {
    const unit = await handlingUnitFor({ db: t.app.db }, '220102', { subjectPosition: 'village_cadre', subjectIsHead: false });
    expect(unit.name).toBe('南关区民政局');
  });

  it('moves to the city bureau when the county bureau itself is reported', async () => {
    const unit = await handlingUnitFor({ db: t.app.db }, '220102', { subjectPosition: 'county_bureau_head', subjectIsHead: true });
    expect(unit.name).toBe('长春市民政局');
  });

  it('goes to the province for city-bureau staff, and handles 长白山 areas through 长白山', async () => {
    expect((await handlingUnitFor({ db: t.app.db }, '220102', { subjectPosition: 'city_bureau_staff', subjectIsHead: false })).name).toBe('吉林省民政厅');
    expect((await handlingUnitFor({ db: t.app.db }, '229901', { subjectPosition: null, subjectIsHead: false })).name).toBe('长白山池北区社会事务局');
    expect((await handlingUnitFor({ db: t.app.db }, '229901', { subjectPosition: 'county_bureau_staff', subjectIsHead: false })).name).toBe('长白山管委会民政局');
  });
});

describe('positions', () => {
  it('are one list shared with declarations, each with a routing level, and nothing else is a position', async () => {
    const { POSITION_CODES, POSITIONS, isPosition } = await import('../../src/reports/catalog.js');
    const declarations = await import('../../src/declarations/index.js');
    expect(POSITION_CODES).toBe(declarations.POSITION_CODES);
    expect(Object.keys(POSITIONS).sort()).toEqual([...POSITION_CODES].sort());
    // `v in POSITIONS` used to accept the names every object inherits.
    for (const inherited of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) expect(isPosition(inherited)).toBe(false);
    expect(isPosition('village_cadre')).toBe(true);
  });
});
