// Recording that a declarant left office (issue 15): a POST on the declarant's page for whoever
// manages them (the county bureau, for a non-user declarant), CSRF-protected, validated, audited; the
// date then starts the declaration's retention period, which the sweep enforces.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { insertDeclarant, type Declarant } from '../../src/declarations/index.js';
import { declarants } from '../../src/declarations/tables.js';
import { startOfChinaDay } from '../../src/declarations/left-office.js';
import { entriesFor } from '../../src/audit/index.js';
import { todayInChina, addDays } from '../../src/clocks/index.js';
import { runRetentionSweep } from '../../src/retention/index.js';

let t: TestApp;
let county: Session;
let otherCounty: Session;
let cadre: Declarant;
let userDeclarant: Declarant;

const page = (d: Declarant) => `/staff/cross-checks/declarants/${d.id}`;
const row = async (d: Declarant) => t.app.db.select().from(declarants).where(eq(declarants.id, d.id)).get();
const audits = async (d: Declarant) => (await entriesFor(t.app.db, 'declarant', String(d.id))).filter((e) => e.action.includes('office'));

beforeAll(async () => {
  t = await makeApp({ retention: { identityDays: 30, evidenceDays: 30, declarationYears: 2 } });
  const countyStaff = await createStaff(t.app, 'ca:220102', ['handler', 'intake']);
  county = await signIn(t.app, countyStaff);
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['handler', 'intake']));
  cadre = await insertDeclarant(t.app.db, { name: '刘长山', position: 'village_cadre', idHash: 'h-cadre', homeVillageCode: '220102001001', unitId: countyStaff.user.unitId, updatedAt: Date.now(), userId: null });
  const someone = await createStaff(t.app, 'ca:220102', ['handler']);
  userDeclarant = await insertDeclarant(t.app.db, { name: '用户备案人', position: 'township_assistant', idHash: 'h-user', homeVillageCode: '220102001001', unitId: countyStaff.user.unitId, updatedAt: Date.now(), userId: someone.user.id });
});
afterAll(() => t.close());

describe('leaving office', () => {
  it('the declarant page offers the form to the county that manages the declarant', async () => {
    const res = await county.get(page(cadre));
    expect(res.body).toContain(`action="${page(cadre)}/left-office"`);
    expect(res.body).toContain('离任日期');
  });

  it('refuses a post without the CSRF token', async () => {
    const res = await t.app.inject({ method: 'POST', url: `${page(cadre)}/left-office`, cookies: county.jar, payload: { left_on: '2024-01-01' } });
    expect(res.statusCode).toBe(403);
    expect((await row(cadre))!.leftOfficeAt).toBeNull();
  });

  it('brings the page back with a message and the input kept for an impossible or future date', async () => {
    const bad = await county.post(`${page(cadre)}/left-office`, { left_on: '2024-02-30' }, page(cadre));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请按“年-月-日”填写一个真实的日期');
    expect(bad.body).toContain('value="2024-02-30"');
    const future = await county.post(`${page(cadre)}/left-office`, { left_on: addDays(todayInChina(), 1) }, page(cadre));
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('离任日期不能晚于今天');
    expect((await row(cadre))!.leftOfficeAt).toBeNull();
    expect(await audits(cadre)).toEqual([]);
  });

  it('records the date as the start of that day in China, audited with the date only', async () => {
    const res = await county.post(`${page(cadre)}/left-office`, { left_on: '2023-03-31' }, page(cadre));
    expect(res.statusCode).toBe(303);
    expect((await row(cadre))!.leftOfficeAt).toBe(Date.UTC(2023, 2, 30, 16));
    const [entry] = await audits(cadre);
    expect(entry!.action).toBe('declaration.left_office');
    expect(JSON.parse(entry!.detail!)).toEqual({ leftOn: '2023-03-31' });
    expect(entry!.detail).not.toContain('刘长山');
    const again = await county.get(page(cadre));
    expect(again.body).toContain('已登记离任日期：2023-03-31');
  });

  it('an empty date puts a declarant recorded by mistake back in office', async () => {
    const res = await county.post(`${page(cadre)}/left-office`, { left_on: '' }, page(cadre));
    expect(res.statusCode).toBe(303);
    expect((await row(cadre))!.leftOfficeAt).toBeNull();
    expect((await audits(cadre)).map((e) => e.action)).toEqual(['declaration.left_office', 'declaration.back_in_office']);
  });

  it('is refused to another county and for a declarant who is a portal user', async () => {
    expect((await otherCounty.post(`${page(cadre)}/left-office`, { left_on: '2023-01-01' }, '/staff/cross-checks/declarants')).statusCode).toBe(404);
    expect((await county.post(`${page(userDeclarant)}/left-office`, { left_on: '2023-01-01' }, page(cadre))).statusCode).toBe(403);
    expect((await row(cadre))!.leftOfficeAt).toBeNull();
    expect((await row(userDeclarant))!.leftOfficeAt).toBeNull();
  });

  it('the recorded date starts the retention period: gone after declarationYears, not before', async () => {
    await county.post(`${page(cadre)}/left-office`, { left_on: '2023-03-31' }, page(cadre));
    const start = startOfChinaDay('2023-03-31')!;
    await runRetentionSweep(t.app.deps, null, Date.UTC(2025, 2, 30, 15));
    expect(await row(cadre)).toBeDefined();
    await runRetentionSweep(t.app.deps, null, Date.UTC(2025, 2, 30, 17));
    expect(await row(cadre)).toBeUndefined();
    expect(start).toBe(Date.UTC(2023, 2, 30, 16));
  });
});
