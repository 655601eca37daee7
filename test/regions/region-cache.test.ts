// findRegion keeps what it read per database (regions are written once, at install): a staff inbox
// filtered by a region asks for it on every view (issue 22). Tests may write a feature's tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { findRegion } from '../../src/regions/index.js';
import { regions } from '../../src/regions/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('findRegion', () => {
  it('answers a code asked before from what it kept, without reading the row again', async () => {
    const first = await findRegion(t.app.db, '220102');
    expect(first?.name).toBe('南关区');
    // Written behind its back (only an install writes regions): the kept answer stands.
    await t.app.db.update(regions).set({ name: '改名区' }).where(eq(regions.code, '220102')).run();
    expect((await findRegion(t.app.db, '220102'))?.name).toBe('南关区');
  });

  it('gives each caller its own copy: changing an answer does not change the next one', async () => {
    const a = await findRegion(t.app.db, '220100');
    a!.name = '被改了';
    expect((await findRegion(t.app.db, '220100'))?.name).toBe('长春市');
  });

  it('does not keep an unknown code: a region that appears later is found', async () => {
    expect(await findRegion(t.app.db, '220199')).toBeUndefined();
    await t.app.db.insert(regions).values({ code: '220199', name: '测试区', level: 'county', kind: 'district', parentCode: '220100' }).run();
    expect((await findRegion(t.app.db, '220199'))?.name).toBe('测试区');
  });
});
