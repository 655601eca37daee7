import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { entriesFor } from '../../src/audit/index.js';
import { sessions } from '../../src/sessions/tables.js';
import { fileReport, findReport, eventsOf, updateReport } from '../../src/reports/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { findUser, findUserByName } from '../../src/users/index.js';
import { openForm } from '../helpers/forms.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';

let t: TestApp;
let provinceAdmin: Session, countyAdmin: Session, countySecurity: Session, handlerSession: Session;
let countyAdminStaff: TestStaff;
const LIST = '/staff/admin/users';

/** Stored sessions of a user (the store, not just the revocation check at each request). */
async function sessionsOf(userId: number) {
  return t.app.db.select().from(sessions).where(eq(sessions.userId, userId)).all();
}

async function unitId(key: string) {
  return (await findUnitByKey(t.app.db, key))!.id;
}

/** A report placed in 南关区, assigned to `assigneeId` of `unitKey`, in `status`. */
async function reportFor(assigneeId: number, status: string, unitKey = 'ca:220102', over: Record<string, unknown> = {}) {
  const filed = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null, ...over } as never,
    [],
    { channel: 'online', nonce: null },
  );
  await updateReport(t.app.db, filed.report.id, { status, assigneeId, assignedUnitId: await unitId(unitKey), assignedAt: Date.now(), acceptedAt: Date.now() });
  return (await findReport(t.app.db, filed.report.id))!;
}

beforeAll(async () => {
  t = await makeApp();
  provinceAdmin = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['system_admin']));
  countyAdminStaff = await createStaff(t.app, 'ca:220102', ['system_admin']);
  countyAdmin = await signIn(t.app, countyAdminStaff);
  countySecurity = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['security_admin']));
  handlerSession = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler', 'intake']));
});
afterAll(() => t.close());

describe('user management', () => {
  it('is for administrators only', async () => {
    expect((await handlerSession.get(LIST)).statusCode).toBe(403);
    expect((await handlerSession.get('/staff/admin/audit')).statusCode).toBe(403);
    expect((await handlerSession.get('/staff/admin/calendar')).statusCode).toBe(403);
    const post = await handlerSession.post(LIST, { username: 'sneaky', display_name: '某', unit_id: String(await unitId('ca:220102')), roles: 'system_admin', email: 'x@y.cn' });
    expect(post.statusCode).toBe(403);
    expect(await findUserByName(t.app.db, 'sneaky')).toBeUndefined();
    const anonymous = await t.app.inject({ url: LIST });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toContain('/staff/login');
  });

  it('creates a user without roles and shows the generated password once; the security administrator grants the roles', async () => {
    const form = await countyAdmin.get(`${LIST}/new`);
    expect(form.statusCode).toBe(200);
    const res = await countyAdmin.post(LIST, { username: 'ng.new.handler', display_name: '钱新民', unit_id: String(await unitId('ca:220102')), roles: ['handler', 'lead'] as never, email: 'qian@test.invalid', home_village: '220102001001' }, `${LIST}/new`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    const password = /id="generated-password">([^<]+)</.exec(res.body)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const user = (await findUserByName(t.app.db, 'ng.new.handler'))!;
    // Roles posted to the system administrator's form are not read (三权分立, issue 15).
    expect(user.roles).toBe('');
    expect(res.body).not.toContain('name="roles"');
    const grant = await countySecurity.post(`${LIST}/${user.id}/roles`, { roles: ['handler', 'lead'] as never }, `${LIST}/${user.id}`);
    expect(grant.statusCode).toBe(303);
    expect((await findUser(t.app.db, user.id))!.roles).toBe('handler,lead');
    expect(user.mustChangePassword).toBe(true);
    expect(user.homeVillageCode).toBe('220102001001');
    const audit = await entriesFor(t.app.db, 'user', String(user.id));
    expect(audit.map((e) => e.action)).toEqual(['user.create', 'user.roles']);
    expect(audit[0]!.actorId).toBe(countyAdminStaff.user.id);
    // Not shown again anywhere.
    const page = await countyAdmin.get(`${LIST}/${user.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(password!);
    // The new user signs in with it and is sent to enrol the second factor.
    const login = await openForm(t.app, '/staff/login');
    const step = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: login.cookies, payload: { _csrf: login.csrf, username: 'ng.new.handler', password: password!, next: '/staff' } });
    expect(step.statusCode).toBe(303);
    expect(step.headers.location).toBe('/staff/login/enrol');
  });

  it('creates a user without an e-mail address (issue 19 item 15: a township official may have none)', async () => {
    const form = await countyAdmin.get(`${LIST}/new`);
    expect(form.body).toContain('可不填');
    expect(form.body).not.toMatch(/<input type="email" id="email"[^>]* required/);
    const res = await countyAdmin.post(LIST, { username: 'ng.no.mail', display_name: '赵无邮', unit_id: String(await unitId('ca:220102')), email: '' }, `${LIST}/new`);
    expect(res.statusCode).toBe(200);
    expect((await findUserByName(t.app.db, 'ng.no.mail'))!.email).toBe('');
  });

  it('re-renders the form with messages and the input kept', async () => {
    const res = await countyAdmin.post(LIST, { username: 'Bad Name!', display_name: '孙某某', unit_id: String(await unitId('ca:220103')), email: 'not-an-address', home_village: '220102001' }, `${LIST}/new`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('用户名须为3至32位');
    expect(res.body).toContain('请选择您管理范围内的单位');
    expect(res.body).toContain('请填写有效的电子邮箱');
    expect(res.body).toContain('找不到这个村（社区）代码');
    expect(res.body).toContain('value="孙某某"');
    expect(res.body).toContain('value="not-an-address"');
    const taken = await countyAdmin.post(LIST, { username: 'ng.new.handler', display_name: '重名', unit_id: String(await unitId('ca:220102')), roles: 'handler', email: 'a@b.cn' }, `${LIST}/new`);
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('该用户名已被使用');
  });

  it('scopes a county administrator to the county and its townships; another county is 404', async () => {
    const township = await createStaff(t.app, 'gov:220102001', ['handler'], { displayName: '乡镇助理甲' });
    const otherCounty = await createStaff(t.app, 'ca:220103', ['handler'], { displayName: '外县承办乙' });
    const list = await countyAdmin.get(LIST);
    expect(list.body).toContain(township.user.username);
    expect(list.body).not.toContain(otherCounty.user.username);
    expect((await countyAdmin.get(`${LIST}/${township.user.id}`)).statusCode).toBe(200);
    expect((await countyAdmin.get(`${LIST}/${otherCounty.user.id}`)).statusCode).toBe(404);
    for (const action of ['disable', 'enable', 'handover']) {
      expect((await countyAdmin.post(`${LIST}/${otherCounty.user.id}/${action}`, { to: '1' }, LIST)).statusCode).toBe(404);
    }
    for (const action of ['reset', 'unlock', 'roles', 'second-factor']) {
      expect((await countySecurity.post(`${LIST}/${otherCounty.user.id}/${action}`, { roles: 'handler', reason: '手机丢失' }, LIST)).statusCode).toBe(404);
    }
    expect((await countyAdmin.post(`${LIST}/${otherCounty.user.id}`, { display_name: 'x', unit_id: '1', roles: 'handler', email: 'a@b.cn' }, LIST)).statusCode).toBe(404);
    expect((await findUser(t.app.db, otherCounty.user.id))!.disabled).toBe(false);
    // The province department's administrator manages both.
    expect((await provinceAdmin.get(`${LIST}/${otherCounty.user.id}`)).statusCode).toBe(200);
    expect((await provinceAdmin.get(`${LIST}/${township.user.id}`)).statusCode).toBe(200);
    // Nor can a county administrator manage the city's users above it.
    const city = await createStaff(t.app, 'ca:220100', ['supervisor']);
    expect((await countyAdmin.get(`${LIST}/${city.user.id}`)).statusCode).toBe(404);
  });

  it('disabling ends every session of the user at once; enabling lets them sign in again', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['handler']);
    const session = await signIn(t.app, staff);
    expect((await session.get('/staff')).statusCode).toBe(200);
    expect((await sessionsOf(staff.user.id)).length).toBeGreaterThan(0);
    const res = await countyAdmin.post(`${LIST}/${staff.user.id}/disable`, {}, `${LIST}/${staff.user.id}`);
    expect(res.statusCode).toBe(303);
    expect((await findUser(t.app.db, staff.user.id))!.disabled).toBe(true);
    expect(await sessionsOf(staff.user.id)).toEqual([]);
    const after = await session.get('/staff');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toContain('/staff/login');
    await expect(signIn(t.app, staff)).rejects.toThrow(/password step failed: 401/);
    expect((await entriesFor(t.app.db, 'user', String(staff.user.id))).map((e) => e.action)).toContain('user.disable');

    expect((await countyAdmin.post(`${LIST}/${staff.user.id}/enable`, {}, `${LIST}/${staff.user.id}`)).statusCode).toBe(303);
    const again = await signIn(t.app, staff);
    expect((await again.get('/staff')).statusCode).toBe(200);
    expect((await entriesFor(t.app.db, 'user', String(staff.user.id))).map((e) => e.action)).toContain('user.enable');
  });

  it('resets a password (security administrator): shown once, must be changed, second factor kept, sessions ended', async () => {
    const staff = await createStaff(t.app, 'gov:220102001', ['handler']);
    const session = await signIn(t.app, staff);
    // Not the system administrator's action.
    expect((await countyAdmin.post(`${LIST}/${staff.user.id}/reset`, {}, `${LIST}/${staff.user.id}`)).statusCode).toBe(403);
    const res = await countySecurity.post(`${LIST}/${staff.user.id}/reset`, {}, `${LIST}/${staff.user.id}`);
    expect(res.statusCode).toBe(200);
    const password = /id="generated-password">([^<]+)</.exec(res.body)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const user = (await findUser(t.app.db, staff.user.id))!;
    expect(user.mustChangePassword).toBe(true);
    // The second factor stays: clearing it needs a second administrator's approval.
    expect(user.totpEnabled).toBe(true);
    expect(user.totpSealed).not.toBeNull();
    expect(await sessionsOf(staff.user.id)).toEqual([]);
    expect((await session.get('/staff')).statusCode).toBe(303);
    const login = await openForm(t.app, '/staff/login');
    const oldPassword = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: login.cookies, payload: { _csrf: login.csrf, username: staff.user.username, password: staff.password } });
    expect(oldPassword.statusCode).toBe(401);
    const step = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: login.cookies, payload: { _csrf: login.csrf, username: staff.user.username, password: password! } });
    expect(step.statusCode).toBe(303);
    expect(step.headers.location).toBe('/staff/login/code');
    expect((await entriesFor(t.app.db, 'user', String(staff.user.id))).map((e) => e.action)).toContain('user.reset');
  });

  it('sets the e-mail language of a new or existing user, audited, and refuses an unknown one', async () => {
    const form = await countyAdmin.get(`${LIST}/new`);
    expect(form.body).toContain('<select id="mailLocale" name="mail_locale"');
    const fields = { display_name: '朴英姬', unit_id: String(await unitId('ca:220102')), roles: 'handler', email: 'piao@test.invalid' };
    expect((await countyAdmin.post(LIST, { username: 'ng.piao', ...fields, mail_locale: 'ko' }, `${LIST}/new`)).statusCode).toBe(200);
    const user = (await findUserByName(t.app.db, 'ng.piao'))!;
    expect(user.locale).toBe('ko');
    const page = `${LIST}/${user.id}`;
    expect((await countyAdmin.get(page)).body).toMatch(/<option value="ko" lang="ko" selected>/);
    const bad = await countyAdmin.post(page, { ...fields, display_name: '朴英姬改', mail_locale: 'xx' }, page);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请从列表中选择一种邮件语言');
    expect(bad.body).toContain('href="#field-mailLocale"');
    expect(bad.body).toContain('id="field-mailLocale"');
    expect(bad.body).toContain('value="朴英姬改"');
    expect((await findUser(t.app.db, user.id))!.locale).toBe('ko');
    // A post without the field (a form opened before it existed) keeps the choice.
    expect((await countyAdmin.post(page, fields, page)).statusCode).toBe(303);
    expect((await findUser(t.app.db, user.id))!.locale).toBe('ko');
    expect((await countyAdmin.post(page, { ...fields, mail_locale: '' }, page)).statusCode).toBe(303);
    expect((await findUser(t.app.db, user.id))!.locale).toBeNull();
    const update = (await entriesFor(t.app.db, 'user', String(user.id))).find((e) => e.action === 'user.update');
    expect(JSON.parse(update!.detail!)).toEqual({ fields: ['mailLocale'] });
  });

  it('changes roles (security administrator) and unit (system administrator), audited, and refuses to lock the administrator out', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['intake']);
    const page = `${LIST}/${staff.user.id}`;
    const township = await unitId('gov:220102001');
    const res = await countyAdmin.post(page, { display_name: staff.user.displayName, unit_id: String(township), roles: ['handler', 'custodian'] as never, email: staff.user.email }, page);
    expect(res.statusCode).toBe(303);
    // The roles posted with the account form are ignored, and the move takes the old ones away (duties.test.ts).
    expect((await findUser(t.app.db, staff.user.id))!.roles).toBe('');
    expect((await countyAdmin.post(`${page}/roles`, { roles: ['handler', 'custodian'] as never }, page)).statusCode).toBe(403);
    expect((await countySecurity.post(`${page}/roles`, { roles: ['handler', 'custodian'] as never }, page)).statusCode).toBe(303);
    const user = (await findUser(t.app.db, staff.user.id))!;
    expect(user.roles).toBe('handler,custodian');
    expect(user.unitId).toBe(township);
    const actions = (await entriesFor(t.app.db, 'user', String(staff.user.id))).map((e) => e.action);
    expect(actions).toContain('user.roles');
    expect(actions).toContain('user.unit');
    // Out-of-scope unit: form error, input kept.
    const bad = await countyAdmin.post(page, { display_name: '改名了', unit_id: String(await unitId('ca:220103')), roles: 'handler', email: staff.user.email }, page);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请选择您管理范围内的单位');
    expect(bad.body).toContain('value="改名了"');

    const self = `${LIST}/${countyAdminStaff.user.id}`;
    const moveSelf = await countyAdmin.post(self, { display_name: 'x', unit_id: String(await unitId('gov:220102001')), email: 'a@b.cn' }, self);
    expect(moveSelf.statusCode).toBe(409);
    expect(moveSelf.body).toContain('不能把自己调到其他单位');
    const disableSelf = await countyAdmin.post(`${self}/disable`, {}, self);
    expect(disableSelf.statusCode).toBe(409);
    expect((await findUser(t.app.db, countyAdminStaff.user.id))!.disabled).toBe(false);
  });

  it('hands a leaving user’s open work to another handler of the unit, with events and audit entries', async () => {
    const leaving = await createStaff(t.app, 'ca:220102', ['handler']);
    const taker = await createStaff(t.app, 'ca:220102', ['handler']);
    // A handler who lives in the report's village may not take it (recusal).
    const recused = await createStaff(t.app, 'ca:220102', ['handler'], { homeVillageCode: '220102001001' });
    const otherUnit = await createStaff(t.app, 'ca:220103', ['handler']);
    const open = [await reportFor(leaving.user.id, 'assigned'), await reportFor(leaving.user.id, 'investigating'), await reportFor(leaving.user.id, 'under_review')];
    const closed = await reportFor(leaving.user.id, 'closed');
    const page = `${LIST}/${leaving.user.id}`;
    const detail = await countyAdmin.get(page);
    for (const r of open) expect(detail.body).toContain(r.caseNo);
    expect(detail.body).not.toContain(closed.caseNo);
    expect(detail.body).toContain(`<option value="${taker.user.id}"`);
    expect(detail.body).not.toContain(`<option value="${otherUnit.user.id}"`);

    // Disabled first (the usual order), then handed over.
    await countyAdmin.post(`${page}/disable`, {}, page);
    const wrong = await countyAdmin.post(`${page}/handover`, { to: String(otherUnit.user.id) }, page);
    expect(wrong.statusCode).toBe(409);
    expect(wrong.body).toContain('请选择本单位另一名在职的承办人');

    const res = await countyAdmin.post(`${page}/handover`, { to: String(taker.user.id) }, page);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('moved=3');
    for (const r of open) {
      expect((await findReport(t.app.db, r.id))!.assigneeId).toBe(taker.user.id);
      const event = (await eventsOf(t.app.db, r.id)).find((e) => e.type === 'handed_over')!;
      expect(event.visibleToReporter).toBe(false);
      expect(event.actorId).toBe(countyAdminStaff.user.id);
      expect(JSON.parse(event.data!)).toEqual({ from: leaving.user.id, to: taker.user.id });
      expect((await entriesFor(t.app.db, 'report', String(r.id))).map((e) => e.action)).toContain('report.handed_over');
    }
    expect((await findReport(t.app.db, closed.id))!.assigneeId).toBe(leaving.user.id);
    expect((await entriesFor(t.app.db, 'user', String(leaving.user.id))).map((e) => e.action)).toContain('user.handover');
    const shown = await countyAdmin.get(res.headers.location as string);
    expect(shown.body).toContain('已移交 3 件');
    // The new handler finds them in their own queue.
    const takerSession = await signIn(t.app, taker);
    const mine = await takerSession.get('/staff/reports?queue=mine');
    for (const r of open) expect(mine.body).toContain(r.caseNo);

    // Recusal: a report from the recused handler's home village stays where it is.
    const another = await reportFor(taker.user.id, 'investigating');
    const takerPage = `${LIST}/${taker.user.id}`;
    const kept = await countyAdmin.post(`${takerPage}/handover`, { to: String(recused.user.id) }, takerPage);
    expect(kept.headers.location).toContain('kept=4');
    expect((await findReport(t.app.db, another.id))!.assigneeId).toBe(taker.user.id);
  });

  it('refuses to move a user with open work to another unit until it is handed over', async () => {
    const staff = await createStaff(t.app, 'ca:220102', ['handler']);
    await reportFor(staff.user.id, 'investigating');
    const page = `${LIST}/${staff.user.id}`;
    const res = await countyAdmin.post(page, { display_name: staff.user.displayName, unit_id: String(await unitId('gov:220102001')), roles: 'handler', email: staff.user.email }, page);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('请先移交再调整单位');
    expect((await findUser(t.app.db, staff.user.id))!.unitId).toBe(await unitId('ca:220102'));
  });
});
