import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { seedDemoCases } from '../../src/demo/cases.js';
import { seedDemoPolicies } from '../../src/demo/policy.js';
import { withTransaction } from '../../src/db/transaction.js';
import { indexDocument } from '../../src/search/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
  await seedDemoCases(t.app.deps);
  await seedDemoPolicies(t.app.db);
  t.app.publicCache.invalidate();
});
afterAll(() => t.close());

describe('site search', () => {
  it('finds a typical case and a policy page by a two-character word of their text, without JavaScript', async () => {
    const res = await t.app.inject(`/search?q=${encodeURIComponent('低保')}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/href="\/cases\/\d+"/);
    expect(res.body).toMatch(/href="\/policy\/[a-z0-9-]+"/);
    expect(res.headers['set-cookie']).toBeUndefined();
    // A case's quarter as a villager says it (issue 20 item 7), never 2026Q1.
    expect(res.body).toMatch(/<span class="muted">\d{4}年第[一二三四]季度<\/span>/);
    expect(res.body).not.toMatch(/\d{4}Q[1-4]/);
  });

  it('finds a village of the public lists by two characters of its name', async () => {
    const res = await t.app.inject(`/search?q=${encodeURIComponent('华阳')}`);
    expect(res.body).toContain('href="/disclosure/villages/220102001001"');
  });

  it('shows nothing for a word that is nowhere, and survives hostile input', async () => {
    const none = await t.app.inject(`/search?q=${encodeURIComponent('不存在的词语组合')}`);
    expect(none.body).not.toMatch(/href="\/cases\/\d+"/);
    const hostile = await t.app.inject(`/search?q=${encodeURIComponent('"NEAR( * OR <script>')}`);
    expect(hostile.statusCode).toBe(200);
    expect(hostile.body).not.toContain('<script>');
  });

  it('never finds a report: the staff-only reports have an index of their own', async () => {
    // Report ids that collide with case and policy ids, and words no public page has.
    await withTransaction(t.app.db, async (tx) => {
      for (let id = 1; id <= 200; id++) await indexDocument(tx, { type: 'report', id, text: `申请低保两次都没批，举报人秘密线索甲乙${id}` });
    });
    t.app.publicCache.invalidate();
    for (const q of ['秘密线索', '线索甲乙 低保']) {
      const site = await t.app.inject(`/search?q=${encodeURIComponent(q)}`);
      expect(site.statusCode).toBe(200);
      expect(site.body, q).not.toMatch(/href="\/(cases\/\d+|policy\/[a-z0-9-]+)"/);
      const cases = await t.app.inject(`/cases?q=${encodeURIComponent(q)}`);
      expect(cases.body, q).not.toMatch(/href="\/cases\/\d+"/);
    }
    const dibao = await t.app.inject(`/search?q=${encodeURIComponent('低保')}`);
    expect(dibao.body).toMatch(/href="\/cases\/\d+"/);
    expect(dibao.body).not.toContain('秘密线索');
  });
});
