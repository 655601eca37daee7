import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { findUnitByKey } from '../../src/units/index.js';
import { insertHotlines } from '../../src/hotlines/index.js';
import { normalizePhone } from '../../src/hotlines/phone.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';

let t: TestApp;
let lead: Session, cityAdmin: Session, otherCounty: Session, handler: Session, township: Session;
let nanguan: number, kuancheng: number;

beforeAll(async () => {
  t = await makeApp();
  lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead']));
  cityAdmin = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['system_admin']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['lead', 'supervisor']));
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler', 'intake']));
  township = await signIn(t.app, await createStaff(t.app, 'gov:220102001', ['lead']));
  nanguan = (await findUnitByKey(t.app.db, 'ca:220102'))!.id;
  kuancheng = (await findUnitByKey(t.app.db, 'ca:220103'))!.id;
  await insertHotlines(t.app.db, [
    { unitId: nanguan, regionCode: '220102', phone: '0431-81111111', dutyHours: '工作日 8:30–16:30', note: null, updatedAt: Date.now() },
    { unitId: kuancheng, regionCode: '220103', phone: '0431-82222222', dutyHours: '工作日 8:30–16:30', note: null, updatedAt: Date.now() },
  ]);
});
afterAll(() => t.close());

const idOf = async (phone: string) => (await t.app.db.get<{ id: number }>(sql`select id from hotlines where phone = ${phone}`))?.id;

describe('phone numbers', () => {
  it('accepts Chinese landlines, mobiles and 123xx service lines, normalised', () => {
    expect(normalizePhone('0431-88888888')).toBe('0431-88888888');
    expect(normalizePhone('（0431）8888 8888')).toBe('0431-88888888');
    expect(normalizePhone('0433 2512345')).toBe('0433-2512345');
    expect(normalizePhone('010-12345678')).toBeNull();
    expect(normalizePhone('010-62345678')).toBe('010-62345678');
    expect(normalizePhone('0431-8888888转123')).toBe('0431-8888888转123');
    expect(normalizePhone('+86 139 0431 0000')).toBe('13904310000');
    expect(normalizePhone('１３９０４３１００００')).toBe('13904310000');
    expect(normalizePhone('12345')).toBe('12345');
    for (const bad of ['88888888', '0431-888', '1234567890', '23904310000', 'abc', '', '0131-88888888', '010-6234567']) expect(normalizePhone(bad), bad).toBeNull();
  });
});

describe('editing hotlines', () => {
  it('shows a change on /hotlines at once, and audits it', async () => {
    // Warm the public cache first.
    await t.app.inject('/hotlines');
    expect((await t.app.inject('/hotlines')).headers['x-cache']).toBe('hit');
    const page = await lead.get('/staff/hotlines');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('0431-81111111');
    expect(page.body).not.toContain('0431-82222222');

    const id = (await idOf('0431-81111111'))!;
    const saved = await lead.post(`/staff/hotlines/${id}`, { phone: '(0431) 8765 4321', duty_hours: '工作日 8:00–17:00', note: '节假日转值班室' }, '/staff/hotlines');
    expect(saved.statusCode).toBe(303);
    const pub = await t.app.inject('/hotlines');
    expect(pub.headers['x-cache']).toBe('miss');
    expect(pub.body).toContain('0431-87654321');
    expect(pub.body).toContain('工作日 8:00–17:00');
    expect(pub.body).toContain('节假日转值班室');
    expect(pub.body).not.toContain('0431-81111111');
    // Every city can be jumped to from the top (issue 20 item 11), and the hours, typed in Chinese,
    // are marked as Chinese for read-aloud on any page language.
    expect(pub.body).toContain('<a href="#city-220100">长春市</a>');
    expect(pub.body).toContain('<section id="city-220100">');
    expect(pub.body).toMatch(/<span lang="zh-CN">工作日 8:00–17:00/);
    const audit = (await t.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log where action = 'hotline.updated' and object_id = ${String(id)}`))!;
    expect(audit.n).toBe(1);
  });

  it('keeps the input and says why when a number is wrong', async () => {
    const id = (await idOf('0431-87654321'))!;
    const res = await lead.post(`/staff/hotlines/${id}`, { phone: '8765432', duty_hours: '全天', note: '' }, '/staff/hotlines');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请填写正确的电话号码');
    expect(res.body).toContain('value="8765432"');
    expect(await idOf('0431-87654321')).toBe(id);
  });

  it('adds and deletes a number of the unit or a unit below', async () => {
    const added = await cityAdmin.post('/staff/hotlines', { unit_id: String(nanguan), phone: '13904310001', duty_hours: '24小时', note: '' }, '/staff/hotlines');
    expect(added.statusCode).toBe(303);
    expect((await t.app.inject('/hotlines')).body).toContain('13904310001');
    const id = (await idOf('13904310001'))!;
    expect((await lead.post(`/staff/hotlines/${id}/delete`, {}, '/staff/hotlines')).statusCode).toBe(303);
    expect(await idOf('13904310001')).toBeUndefined();
    expect((await t.app.inject('/hotlines')).body).not.toContain('13904310001');
    const above = await lead.post('/staff/hotlines', { unit_id: String((await findUnitByKey(t.app.db, 'ca:220100'))!.id), phone: '0431-83333333', duty_hours: '工作日', note: '' }, '/staff/hotlines');
    expect(above.statusCode).toBe(400);
    expect(above.body).toContain('请选择本单位或下级民政部门');
  });

  it('lets nobody else edit them', async () => {
    const id = (await idOf('0431-87654321'))!;
    expect((await otherCounty.post(`/staff/hotlines/${id}`, { phone: '0431-89999999', duty_hours: '工作日', note: '' }, '/staff/hotlines')).statusCode).toBe(404);
    expect((await otherCounty.post(`/staff/hotlines/${id}/delete`, {}, '/staff/hotlines')).statusCode).toBe(404);
    expect((await otherCounty.post('/staff/hotlines', { unit_id: String(nanguan), phone: '0431-89999999', duty_hours: '工作日', note: '' }, '/staff/hotlines')).statusCode).toBe(400);
    expect((await handler.get('/staff/hotlines')).statusCode).toBe(403);
    expect((await handler.post(`/staff/hotlines/${id}`, { phone: '0431-89999999', duty_hours: '工作日', note: '' })).statusCode).toBe(403);
    expect((await township.get('/staff/hotlines')).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/staff/hotlines' })).statusCode).toBe(303);
    expect(await idOf('0431-89999999')).toBeUndefined();
    expect(await idOf('0431-87654321')).toBe(id);
  });
});
