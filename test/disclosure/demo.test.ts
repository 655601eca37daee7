import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { seedDemoDisclosure } from '../../src/demo/disclosure.js';
import { todayInChina } from '../../src/clocks/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('demo rosters', () => {
  it('fills about 30 villages with a past and an open posting, through the real importer, once', async () => {
    const summary = await seedDemoDisclosure(t.app.deps);
    expect(summary).not.toBeNull();
    expect(summary!.villages).toBeGreaterThanOrEqual(30);
    expect(summary!.recipients).toBeGreaterThan(200);
    const today = todayInChina();
    const open = (await t.app.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM postings WHERE starts_on <= ${today} AND ends_on >= ${today}`))!.n;
    const past = (await t.app.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM postings WHERE ends_on < ${today}`))!.n;
    expect(past).toBe(summary!.villages);
    expect(open).toBeGreaterThan(10);
    const kinds = (await t.app.db.all<{ change: string }>(sql`SELECT DISTINCT change FROM posting_entries ORDER BY change`)).map((r) => r.change);
    expect(kinds).toEqual(['changed', 'new', 'removed']);
    // Every published name is masked.
    const names = (await t.app.db.all<{ m: string }>(sql`SELECT masked_name AS m FROM recipients`)).map((r) => r.m);
    expect(names.every((n) => n.includes('*'))).toBe(true);

    const page = await t.app.inject({ url: '/disclosure/villages/220102001001' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('公示中');
    expect(page.body).toContain('历史公示');
    expect(await seedDemoDisclosure(t.app.deps)).toBeNull();
  });
});
