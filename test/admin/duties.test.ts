// Issue 15 defect 3: the single administrator is split into three duties (等保 2.0 level 3 三权分立):
// every action of each duty allowed to it and refused to the other two; nobody changes their own
// roles; no account holds two duties; the last holder of a duty stays; a second-factor reset waits
// for a second administrator's approval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../src/audit/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { findUser, findUserByName } from '../../src/users/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';

const LIST = '/staff/admin/users';
let t: TestApp;
let system: Session, security: Session, audit: Session;
let systemStaff: TestStaff, securityStaff: TestStaff, auditStaff: TestStaff;

beforeAll(async () => {
  t = await makeApp();
  systemStaff = await createStaff(t.app, 'ca:220000', ['system_admin']);
  securityStaff = await createStaff(t.app, 'ca:220000', ['security_admin']);
  auditStaff = await createStaff(t.app, 'ca:220000', ['audit_admin']);
  system = await signIn(t.app, systemStaff);
  security = await signIn(t.app, securityStaff);
  audit = await signIn(t.app, auditStaff);
});
afterAll(() => t.close());

const unitId = async (key: string) => String((await findUnitByKey(t.app.db, key))!.id);
const roles = async (id: number) => (await findUser(t.app.db, id))!.roles;

describe('each duty does its own work and nothing else', () => {
  it('lets the system administrator keep accounts, units and settings, and nothing of roles, credentials, audit or cases', async () => {
    const target = await createStaff(t.app, 'ca:220102', ['handler']);
    const page = `${LIST}/${target.user.id}`;
    expect((await system.get(LIST)).statusCode).toBe(200);
    expect((await system.get(page)).statusCode).toBe(200);
    expect((await system.get('/staff/admin/calendar')).statusCode).toBe(200);
    const created = await system.post(LIST, { username: 'sys.made', display_name: '新建甲', unit_id: await unitId('ca:220102'), email: 'a@test.invalid' }, `${LIST}/new`);
    expect(created.statusCode).toBe(200);
    expect((await findUserByName(t.app.db, 'sys.made'))!.roles).toBe('');
    expect((await system.post(page, { display_name: '改了名', unit_id: await unitId('ca:220102'), email: target.user.email }, page)).statusCode).toBe(303);
    expect((await system.post(`${page}/disable`, {}, page)).statusCode).toBe(303);
    expect((await system.post(`${page}/enable`, {}, page)).statusCode).toBe(303);
    // Refused: roles, credentials, the audit log, casework.
    expect((await system.post(`${page}/roles`, { roles: 'lead' }, page)).statusCode).toBe(403);
    expect((await system.post(`${page}/reset`, {}, page)).statusCode).toBe(403);
    expect((await system.post(`${page}/unlock`, {}, page)).statusCode).toBe(403);
    expect((await system.post(`${page}/second-factor`, { reason: '手机丢失' }, page)).statusCode).toBe(403);
    expect((await system.get('/staff/admin/audit')).statusCode).toBe(403);
    expect((await system.get('/staff/reports')).statusCode).toBe(403);
    const home = await system.get('/staff');
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe(LIST);
    expect(await roles(target.user.id)).toBe('handler');
    // The user page offers the system administrator no roles form.
    expect((await system.get(page)).body).not.toContain(`action="${page}/roles"`);
  });

  // Security review (session 10): moving a handler of a district police bureau to the province's
  // unit kept her roles, so every report of the province opened for her — the system administrator
  // alone decided who sees which reports. A move now takes the work roles away; the security
  // administrator grants them again for the new unit.
  it("takes a moved user's work roles away, so only the security administrator gives access in the new unit", async () => {
    const mover = await createStaff(t.app, 'ca:220102', ['handler', 'intake']);
    const moverSession = await signIn(t.app, mover);
    const page = `${LIST}/${mover.user.id}`;
    const moved = await system.post(page, { display_name: mover.user.displayName, unit_id: await unitId('ca:220000'), email: mover.user.email }, page);
    expect(moved.statusCode).toBe(303);
    expect(moved.headers.location).toContain('done=moved');
    const after = (await findUser(t.app.db, mover.user.id))!;
    expect(after.unitId).toBe(Number(await unitId('ca:220000')));
    expect(after.roles).toBe('');
    expect((await system.get(moved.headers.location!)).body).toContain('安全管理员');
    // No work roles, no cases: the province's inbox is closed to her.
    expect((await moverSession.get('/staff/reports')).statusCode).toBe(403);
    const entry = (await entriesFor(t.app.db, 'user', String(mover.user.id))).find((e) => e.action === 'user.unit');
    expect(JSON.parse(entry!.detail!)).toMatchObject({ rolesRemoved: ['handler', 'intake'] });
    // The security administrator grants them for the new unit.
    expect((await security.post(`${page}/roles`, { roles: 'handler' }, page)).statusCode).toBe(303);
    expect(await roles(mover.user.id)).toBe('handler');
  });

  it('lets the security administrator grant roles and reset credentials, and nothing of accounts, audit or cases', async () => {
    const target = await createStaff(t.app, 'ca:220102', ['handler']);
    const page = `${LIST}/${target.user.id}`;
    expect((await security.get(LIST)).statusCode).toBe(200);
    const shown = await security.get(page);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain(`action="${page}/roles"`);
    expect(shown.body).not.toContain(`action="${page}/disable"`);
    expect(shown.body).not.toContain(`action="${page}/handover"`);
    expect(shown.body).not.toContain('在办举报');
    expect((await security.post(`${page}/roles`, { roles: ['handler', 'lead'] as never }, page)).statusCode).toBe(303);
    expect(await roles(target.user.id)).toBe('handler,lead');
    expect((await security.post(`${page}/reset`, {}, page)).statusCode).toBe(200);
    expect((await findUser(t.app.db, target.user.id))!.mustChangePassword).toBe(true);
    expect((await security.post(`${page}/unlock`, {}, page)).statusCode).toBe(303);
    // A discipline commission's inspector account: the security administrator grants its role too.
    const inspector = await createStaff(t.app, 'dic:220102', []);
    expect((await security.post(`${LIST}/${inspector.user.id}/roles`, { roles: 'inspector' }, LIST)).statusCode).toBe(303);
    expect(await roles(inspector.user.id)).toBe('inspector');
    // Refused: accounts, settings, the audit log, casework.
    expect((await security.get(`${LIST}/new`)).statusCode).toBe(403);
    expect((await security.post(LIST, { username: 'sec.made', display_name: '某', unit_id: await unitId('ca:220102'), email: 'a@test.invalid' }, LIST)).statusCode).toBe(403);
    expect(await findUserByName(t.app.db, 'sec.made')).toBeUndefined();
    expect((await security.post(page, { display_name: '不该改', unit_id: await unitId('ca:220102'), email: target.user.email }, page)).statusCode).toBe(403);
    expect((await security.post(`${page}/disable`, {}, page)).statusCode).toBe(403);
    expect((await security.get('/staff/admin/calendar')).statusCode).toBe(403);
    expect((await security.get('/staff/admin/audit')).statusCode).toBe(403);
    expect((await security.get('/staff/reports')).statusCode).toBe(403);
    expect((await findUser(t.app.db, target.user.id))!.displayName).not.toBe('不该改');
  });

  it('lets the audit administrator read the audit log and nothing else', async () => {
    const target = await createStaff(t.app, 'ca:220102', ['handler']);
    const page = `${LIST}/${target.user.id}`;
    expect((await audit.get('/staff/admin/audit')).statusCode).toBe(200);
    for (const url of [LIST, page, `${LIST}/new`, '/staff/admin/calendar', '/staff/reports', '/staff/cases']) {
      expect((await audit.get(url)).statusCode, url).toBe(403);
    }
    for (const action of ['', '/roles', '/reset', '/unlock', '/disable', '/second-factor']) {
      expect((await audit.post(`${page}${action}`, { roles: 'lead', reason: '手机丢失', display_name: 'x', unit_id: '1', email: 'a@b.cn' }, '/staff/profile')).statusCode, action).toBe(403);
    }
    expect(await roles(target.user.id)).toBe('handler');
  });
});

describe('rules of the duties', () => {
  it('refuses a grant to oneself, two duties on one account and a duty beside work roles', async () => {
    const self = `${LIST}/${securityStaff.user.id}`;
    const selfGrant = await security.post(`${self}/roles`, { roles: ['security_admin', 'custodian'] as never }, LIST);
    expect(selfGrant.statusCode).toBe(409);
    expect(selfGrant.body).toContain('不能修改自己的角色');
    expect(await roles(securityStaff.user.id)).toBe('security_admin');
    const target = await createStaff(t.app, 'ca:220000', []);
    const page = `${LIST}/${target.user.id}`;
    const two = await security.post(`${page}/roles`, { roles: ['system_admin', 'audit_admin'] as never }, page);
    expect(two.statusCode).toBe(409);
    expect(two.body).toContain('不能由同一账号兼任');
    const mixed = await security.post(`${page}/roles`, { roles: ['audit_admin', 'custodian'] as never }, page);
    expect(mixed.statusCode).toBe(409);
    expect(mixed.body).toContain('不能同时担任业务角色');
    // The ticked boxes come back as they were posted.
    expect(mixed.body).toMatch(/value="custodian"[^>]*checked/);
    expect(await roles(target.user.id)).toBe('');
    const unknown = await security.post(`${page}/roles`, { roles: 'administrator' }, page);
    expect(unknown.statusCode).toBe(409);
    expect((await entriesFor(t.app.db, 'user', String(target.user.id))).filter((e) => e.action === 'user.roles')).toEqual([]);
  });

  it('keeps the last active holder of each duty: no removal, no disabling, until another holds it', async () => {
    const page = `${LIST}/${auditStaff.user.id}`;
    const remove = await security.post(`${page}/roles`, { roles: 'handler' }, page);
    expect(remove.statusCode).toBe(409);
    expect(remove.body).toContain('最后一名在职人员');
    const disable = await system.post(`${page}/disable`, {}, page);
    expect(disable.statusCode).toBe(409);
    expect((await findUser(t.app.db, auditStaff.user.id))!.disabled).toBe(false);
    // A second audit administrator: now the first may go.
    const second = await createStaff(t.app, 'ca:220000', []);
    expect((await security.post(`${LIST}/${second.user.id}/roles`, { roles: 'audit_admin' }, LIST)).statusCode).toBe(303);
    expect((await system.post(`${page}/disable`, {}, page)).statusCode).toBe(303);
    expect((await system.post(`${page}/enable`, {}, page)).statusCode).toBe(303);
  });
});

describe('second-factor reset', () => {
  it('waits for another security administrator; neither the requester nor a system administrator decides while one exists', async () => {
    const other = await createStaff(t.app, 'ca:220000', ['security_admin']);
    const otherSession = await signIn(t.app, other);
    const target = await createStaff(t.app, 'ca:220102', ['handler']);
    const targetSession = await signIn(t.app, target);
    const page = `${LIST}/${target.user.id}`;
    expect((await security.post(`${page}/second-factor`, { reason: '' }, page)).statusCode).toBe(409);
    expect((await security.post(`${page}/second-factor`, { reason: '手机丢失，本人电话申请' }, page)).statusCode).toBe(303);
    // Nothing changed yet; the user still signs in with the old authenticator.
    expect((await findUser(t.app.db, target.user.id))!.totpEnabled).toBe(true);
    expect((await targetSession.get('/staff')).statusCode).toBe(200);
    const requestId = /name="request" value="(\d+)"/.exec((await otherSession.get(page)).body)?.[1];
    expect(requestId).toBeDefined();
    // The requester and the system administrator (another security administrator exists) may not decide.
    for (const session of [security, system]) {
      const res = await session.post(`${page}/second-factor/decide`, { request: requestId!, decision: 'approve' }, LIST);
      expect(res.statusCode).toBe(409);
    }
    expect((await findUser(t.app.db, target.user.id))!.totpEnabled).toBe(true);
    // The other security administrator sees it waiting and approves.
    expect((await otherSession.get(LIST)).body).toContain(`href="${page}"`);
    const approve = await otherSession.post(`${page}/second-factor/decide`, { request: requestId!, decision: 'approve' }, page);
    expect(approve.statusCode).toBe(303);
    const after = (await findUser(t.app.db, target.user.id))!;
    expect(after.totpEnabled).toBe(false);
    expect(after.totpSealed).toBeNull();
    expect(after.recoveryCodes).toBeNull();
    expect((await targetSession.get('/staff')).statusCode).toBe(303);
    const actions = (await entriesFor(t.app.db, 'user', String(target.user.id))).map((e) => [e.action, e.actorId]);
    expect(actions).toContainEqual(['user.second_factor_reset_requested', securityStaff.user.id]);
    expect(actions).toContainEqual(['user.second_factor_reset', other.user.id]);
    // Decided once: a second decision finds nothing pending.
    expect((await otherSession.post(`${page}/second-factor/decide`, { request: requestId!, decision: 'refuse' }, LIST)).statusCode).toBe(409);
    // The user enrols a new authenticator at the next sign-in.
    const login = await openForm(t.app, '/staff/login');
    const step = await t.app.inject({ method: 'POST', url: '/staff/login', cookies: login.cookies, payload: { _csrf: login.csrf, username: target.user.username, password: target.password } });
    expect(step.headers.location).toBe('/staff/login/enrol');
  });
});

describe('second-factor reset with a single security administrator', () => {
  let u: TestApp;
  afterAll(() => u.close());
  it('is approved by the system administrator, and can be refused', async () => {
    u = await makeApp();
    const sec = await signIn(u.app, await createStaff(u.app, 'ca:220000', ['security_admin']));
    const sys = await signIn(u.app, await createStaff(u.app, 'ca:220000', ['system_admin']));
    const target = await createStaff(u.app, 'ca:220102', ['handler']);
    const page = `${LIST}/${target.user.id}`;
    expect((await sec.post(`${page}/second-factor`, { reason: '更换手机' }, page)).statusCode).toBe(303);
    let requestId = /name="request" value="(\d+)"/.exec((await sys.get(page)).body)?.[1];
    expect((await sys.post(`${page}/second-factor/decide`, { request: requestId!, decision: 'refuse' }, page)).statusCode).toBe(303);
    expect((await findUser(u.app.db, target.user.id))!.totpEnabled).toBe(true);
    expect((await sec.post(`${page}/second-factor`, { reason: '更换手机，再次申请' }, page)).statusCode).toBe(303);
    requestId = /name="request" value="(\d+)"/.exec((await sys.get(page)).body)?.[1];
    expect((await sys.post(`${page}/second-factor/decide`, { request: requestId!, decision: 'approve' }, page)).statusCode).toBe(303);
    expect((await findUser(u.app.db, target.user.id))!.totpEnabled).toBe(false);
  });
});
