// The statistics cube is computed before anyone asks, and once however many ask at the same time
// (issue 22: the first /stats after a start took ≈ 0.7 s at provincial scale). Runs on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStats } from '../../src/stats/service.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await makeApp();
});

afterAll(async () => {
  await t.close();
});

describe('statistics warm-up', () => {
  it('after warm(), the default page computes no cube of its own', async () => {
    const stats = createStats(t.app.db);
    await stats.warm();
    expect(stats.computed).toBe(1);
    await stats.build('zh-CN', {});
    expect(stats.computed).toBe(1);
  });

  it('requests arriving together share one computation of the cube', async () => {
    const stats = createStats(t.app.db);
    const pages = await Promise.all([stats.build('zh-CN', {}), stats.build('zh-CN', {}), stats.build('en', {})]);
    expect(stats.computed).toBe(1);
    expect(pages[1]!.totalRow.cells.map((c) => c.text)).toEqual(pages[0]!.totalRow.cells.map((c) => c.text));
  });
});
