import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { seedDemoLedger } from '../../src/demo/ledger.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('demo ledger', () => {
  it('seeds about fifteen items across 长春 counties in every state, some overdue, once', async () => {
    expect(await seedDemoLedger(t.app.deps)).toBe(15);
    expect(await seedDemoLedger(t.app.deps)).toBe(0);
    const states = (await t.app.db.all<{ status: string }>(sql`select distinct status from rectification_items`)).map((r) => r.status).sort();
    expect(states).toEqual(['awaiting_signoff', 'in_progress', 'not_started', 'signed_off']);
    const counties = (await t.app.db.get<{ n: number }>(sql`select count(distinct r.parent_code) as n from rectification_items i join regions r on r.code = i.region_code where r.level = 'township'`))!.n;
    expect(counties).toBeGreaterThan(0);
    const page = await t.app.inject('/ledger?region=220100');
    expect(page.statusCode).toBe(200);
    for (const text of ['农安县', '榆树市', '专项治理', '巡视', '明查暗访', '已逾期', '已销号', '长春市本级']) expect(page.body).toContain(text);
    expect(page.body).not.toContain('社会救助科科长');
    const top = await t.app.inject('/ledger');
    expect(top.body).toContain('<a href="/ledger?region=220100">长春市</a>');
  });
});
