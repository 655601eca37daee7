// The flags page, resolving a flag, non-user declarants by form, and the region scope.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrossChecks } from '../../src/cross-checks/index.js';
import { crossCheckFlags } from '../../src/cross-checks/tables.js';
import { declarants } from '../../src/declarations/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { breakCheck, makeId } from '../disclosure/ids.js';
import { addDeclarant, addRecipient, dumpTable, hashOf } from './helpers.js';

let t: TestApp;
let county: Session, countyLead: Session, otherCounty: Session, township: Session, otherTownship: Session, city: Session;
let countyStaff: TestStaff;
const V = '220102001001'; // 华阳社区, 南岭街道 220102001, 南关区 220102
const HOME = { home_prefecture: '220100', home_county: '220102', home_township: '220102001', home_village: V };
const REL = { rel_prefecture: '220100', rel_county: '220102', rel_township: '220102001', rel_village: '220102001002' };

beforeAll(async () => {
  t = await makeApp();
  countyStaff = await createStaff(t.app, 'ca:220102', ['handler', 'intake'], { displayName: '民政局经办人' });
  county = await signIn(t.app, countyStaff);
  countyLead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead', 'supervisor']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['handler', 'lead', 'supervisor']));
  township = await signIn(t.app, await createStaff(t.app, 'gov:220102001', ['handler']));
  otherTownship = await signIn(t.app, await createStaff(t.app, 'gov:220102002', ['handler']));
  city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
});
afterAll(() => t.close());

describe('non-user declarants by form', () => {
  it('re-renders bad input with messages, keeps it, never echoes the ID number', async () => {
    const bad = breakCheck(makeId('19700101', 51, '220102'));
    const res = await county.post('/staff/cross-checks/declarants', { name: '王德福', position: '', id_number: bad, ...HOME }, '/staff/cross-checks/declarants/new');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请选择职务类别');
    expect(res.body).toContain('身份证号码校验位不正确');
    expect(res.body).toContain('value="王德福"');
    expect(res.body).not.toContain(bad);
    expect(res.body).toContain('请重新输入');
    expect(await t.app.db.select().from(declarants).all()).toEqual([]);
  });

  it('creates a declarant, adds a relative who receives assistance, and the flag appears', async () => {
    const relId = makeId('19550505', 52, '220102');
    const recipient = await addRecipient(t.app, '220102001002', '李秀兰', relId);
    const ownId = makeId('19700101', 51, '220102');
    const created = await county.post('/staff/cross-checks/declarants', { name: '王德福', position: 'village_cadre', id_number: ownId, ...HOME }, '/staff/cross-checks/declarants/new');
    expect(created.statusCode).toBe(303);
    const d = (await t.app.db.select().from(declarants).where(eq(declarants.name, '王德福')).get())!;
    expect(d).toMatchObject({ userId: null, position: 'village_cadre', homeVillageCode: V, idHash: hashOf(t.app, ownId) });
    expect(created.headers.location).toBe(`/staff/cross-checks/declarants/${d.id}?done=created`);

    const page = `/staff/cross-checks/declarants/${d.id}`;
    const added = await county.post(`${page}/relatives`, { name: '李秀兰', relation: 'spouse', id_number: relId, assistance_type: 'dibao', ...REL }, page);
    expect(added.statusCode).toBe(303);
    const flags = await t.app.db.select().from(crossCheckFlags).where(eq(crossCheckFlags.declarantId, d.id)).all();
    expect(flags.map((f) => [f.kind, f.recipientId])).toEqual([['declared', recipient.id]]);
    const detail = await county.get(page);
    expect(detail.body).toContain('李秀兰');
    expect(detail.body).not.toContain(relId);
    for (const table of ['declarants', 'declared_relatives', 'cross_check_flags', 'audit_log']) expect(await dumpTable(t.app, table)).not.toContain(relId.slice(0, 17));

    const list = await county.get('/staff/cross-checks');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('已备案近亲属享受救助');
    expect(list.body).toContain('是备案人 王德福（村干部）备案的近亲属（配偶）');
    // The county bureau verifies the flag: it sees the relative's name in full (issue 19 item 15, names.test.ts).
    expect(list.body).toContain('救助对象 李秀兰 是备案人');
  });
  it('lets a township register declarants of its own villages only; the city only looks on', async () => {
    const id = makeId('19710707', 53, '220102');
    const elsewhere = { home_prefecture: '220100', home_county: '220102', home_township: '220102002', home_village: '220102002001' };
    const refused = await township.post('/staff/cross-checks/declarants', { name: '郑大勇', position: 'group_leader', id_number: id, ...elsewhere }, '/staff/cross-checks/declarants/new');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('不在您管理的地区内');
    const ok = await township.post('/staff/cross-checks/declarants', { name: '郑大勇', position: 'group_leader', id_number: id, ...HOME }, '/staff/cross-checks/declarants/new');
    expect(ok.statusCode).toBe(303);
    expect((await otherTownship.get(ok.headers.location as string)).statusCode).toBe(404);
    expect((await city.get(ok.headers.location as string)).statusCode).toBe(200);
    expect((await city.get('/staff/cross-checks/declarants/new')).statusCode).toBe(403);
  });
});

describe('the flags page', () => {
  let flagId: number;
  beforeAll(async () => {
    await addRecipient(t.app, V, '赵玉林', makeId('19480808', 61, '220102'));
    const d = await addDeclarant(t.app, { name: '赵铁柱', id: makeId('19660606', 62, '220102'), village: V });
    await runCrossChecks(t.app.deps, { declarantIds: [d.declarant.id] });
    flagId = (await t.app.db.select().from(crossCheckFlags).where(eq(crossCheckFlags.declarantId, d.declarant.id)).get())!.id;
  });

  it('gives the reason of a possible undeclared relative', async () => {
    const res = await county.get('/staff/cross-checks?kind=possible_relative');
    expect(res.body).toContain('疑似未备案近亲属');
    expect(res.body).toContain('救助对象 赵*林 与备案人 赵铁柱（村干部）同姓');
    expect(res.body).toContain(`action="/staff/cross-checks/flags/${flagId}/resolve"`);
  });

  it('asks for the outcome and a note for "other", keeping what was typed', async () => {
    const none = await county.post(`/staff/cross-checks/flags/${flagId}/resolve`, { note: '入户核实中' }, '/staff/cross-checks');
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('请选择处理结果');
    expect(none.body).toContain('入户核实中</textarea>');
    const other = await county.post(`/staff/cross-checks/flags/${flagId}/resolve`, { outcome: 'other', note: '' }, '/staff/cross-checks');
    expect(other.statusCode).toBe(400);
    expect(other.body).toContain('选择“其他”时请写明处理情况');
    expect((await t.app.db.select().from(crossCheckFlags).where(eq(crossCheckFlags.id, flagId)).get())!.status).toBe('open');
  });

  it('hides the flag from another county and refuses it there as not found', async () => {
    const list = await otherCounty.get('/staff/cross-checks?status=all');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(`flag-${flagId}`);
    expect(list.body).toContain('没有符合条件的比对提示');
    expect((await otherCounty.post(`/staff/cross-checks/flags/${flagId}/resolve`, { outcome: 'not_relative', note: '' }, '/staff/cross-checks')).statusCode).toBe(404);
    expect((await otherCounty.get('/staff/cross-checks?region=220102')).statusCode).toBe(404);
    const d = (await t.app.db.select().from(declarants).where(eq(declarants.name, '赵铁柱')).get())!;
    expect((await otherCounty.get(`/staff/cross-checks/declarants/${d.id}`)).statusCode).toBe(404);
    expect((await otherCounty.get('/staff/cross-checks/declarants')).body).not.toContain('赵铁柱');
    expect((await otherTownship.get('/staff/cross-checks')).body).not.toContain(`flag-${flagId}`);
  });

  it('shows it to the township of the village and to the city, which looks on but does not resolve', async () => {
    expect((await township.get('/staff/cross-checks')).body).toContain(`flag-${flagId}`);
    const cityPage = await city.get('/staff/cross-checks?region=220102');
    expect(cityPage.body).toContain(`flag-${flagId}`);
    expect(cityPage.body).not.toContain(`/flags/${flagId}/resolve`);
    expect((await city.post(`/staff/cross-checks/flags/${flagId}/resolve`, { outcome: 'not_relative' }, '/staff/cross-checks')).statusCode).toBe(403);
  });

  it('resolves with the action and a note, shows who did it, and does not resolve twice', async () => {
    const res = await county.post(`/staff/cross-checks/flags/${flagId}/resolve`, { outcome: 'not_relative', note: '经村委会和派出所核实，两户无亲属关系' }, '/staff/cross-checks');
    expect(res.statusCode).toBe(303);
    const flag = (await t.app.db.select().from(crossCheckFlags).where(eq(crossCheckFlags.id, flagId)).get())!;
    expect(flag).toMatchObject({ status: 'resolved', resolvedBy: countyStaff.user.id, actionNote: '经核实非近亲属；经村委会和派出所核实，两户无亲属关系' });
    const resolved = await countyLead.get('/staff/cross-checks?status=resolved');
    expect(resolved.body).toContain('经核实非近亲属；经村委会和派出所核实，两户无亲属关系');
    expect(resolved.body).toContain('民政局经办人');
    expect((await county.get('/staff/cross-checks')).body).not.toContain(`flag-${flagId}"`);
    const again = await county.post(`/staff/cross-checks/flags/${flagId}/resolve`, { outcome: 'registered_now' }, '/staff/cross-checks');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('这条提示已经处理过了');
    // A re-run leaves it resolved.
    await runCrossChecks(t.app.deps, { villageCodes: [V] });
    expect((await t.app.db.select().from(crossCheckFlags).where(eq(crossCheckFlags.id, flagId)).get())!.status).toBe('resolved');
  });

  it('never shows a user the flags raised on their own declaration', async () => {
    const me = await createStaff(t.app, 'ca:220102', ['handler'], { displayName: '赵春生' });
    const session = await signIn(t.app, me);
    await addRecipient(t.app, V, '赵秀芝', makeId('19500202', 71, '220102'));
    const d = await addDeclarant(t.app, { name: '赵春生', id: makeId('19760303', 72, '220102'), village: V, position: 'county_bureau_staff', userId: me.user.id });
    await runCrossChecks(t.app.deps, { declarantIds: [d.declarant.id] });
    const own = await t.app.db.select().from(crossCheckFlags).where(eq(crossCheckFlags.declarantId, d.declarant.id)).all();
    expect(own.length).toBeGreaterThan(0);
    const mine = await session.get('/staff/cross-checks?status=all');
    for (const f of own) expect(mine.body).not.toContain(`flag-${f.id}"`);
    expect((await session.post(`/staff/cross-checks/flags/${own[0]!.id}/resolve`, { outcome: 'not_relative' }, '/staff/cross-checks')).statusCode).toBe(404);
    const colleague = await county.get('/staff/cross-checks');
    expect(colleague.body).toContain(`flag-${own[0]!.id}"`);
    // A user declarant is read-only here.
    expect((await county.post(`/staff/cross-checks/declarants/${d.declarant.id}/relatives`, { name: 'x' }, '/staff/cross-checks')).statusCode).toBe(403);
  });
});
