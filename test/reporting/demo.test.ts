import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnitByKey } from '../../src/units/index.js';
import { stateOf } from '../../src/reporting/index.js';
import { seedDemoReporting } from '../../src/demo/reporting.js';
import { findTaskByKey, submissionOf, tasksOfYear } from '../../src/reporting/repository.js';
import { parseStatistics } from '../../src/reporting/statistics.js';
import { makeApp, type TestApp } from '../helpers/app.js';

const at = (iso: string) => Date.parse(`${iso}+08:00`);
let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('demo reporting', () => {
  it("creates the year's tasks and a few 长春 county submissions, one of them late, once", async () => {
    const now = at('2026-11-29T12:00:00');
    expect(await seedDemoReporting(t.app.deps, now)).toBe(5);
    expect(await seedDemoReporting(t.app.deps, now)).toBe(0);
    expect(await tasksOfYear(t.app.db, 2026)).toHaveLength(7);
    const plan = (await findTaskByKey(t.app.db, 'plan', 2026, null))!;
    const summary = (await findTaskByKey(t.app.db, 'county_summary', 2026, null))!;
    const unit = async (key: string) => (await findUnitByKey(t.app.db, key))!.id;
    const today = '2026-11-29';
    expect(stateOf(plan, await submissionOf(t.app.db, plan.id, await unit('ca:220102')), today)).toMatchObject({ status: 'submitted', late: false });
    expect(stateOf(plan, await submissionOf(t.app.db, plan.id, await unit('ca:220103')), today)).toMatchObject({ status: 'submitted', late: true });
    expect(stateOf(plan, await submissionOf(t.app.db, plan.id, await unit('ca:220104')), today).status).toBe('overdue');
    const ng = (await submissionOf(t.app.db, summary.id, await unit('ca:220102')))!;
    expect(ng.status).toBe('submitted');
    expect(ng.practices).toContain('近亲属');
    expect(parseStatistics(ng.statistics)).not.toBeNull();
    expect(stateOf(summary, await submissionOf(t.app.db, summary.id, await unit('ca:220104')), today).status).toBe('draft');
  });
});
