import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { seedDemoCases } from '../../src/cases/demo.js';
import { seedDemoPolicies } from '../../src/policy/demo.js';

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
});
