// The profile page and the near-relative declaration: validation, ID numbers kept only as keyed
// hashes, and the recusal that follows from a declared relative.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { fileReport } from '../../src/reports/index.js';
import { findUser } from '../../src/users/index.js';
import { declarantOfUser, deleteRelative, relativesOf } from '../../src/declarations/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { breakCheck, makeId } from '../disclosure/ids.js';

let t: TestApp;
let me: Session, colleague: Session, other: Session;
let meStaff: TestStaff, otherStaff: TestStaff;

const OWN_ID = makeId('19800312', 17, '220102');
const RELATIVE_ID = makeId('19520101', 31, '220102');
const HOME = { home_prefecture: '220100', home_county: '220102', home_township: '220102002', home_village: '220102002001' };
const REL_PLACE = { rel_prefecture: '220100', rel_county: '220102', rel_township: '220102001', rel_village: '220102001001' };

async function newReport(over: Record<string, unknown> = {}) {
  const filed = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001002', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null, ...over } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return filed.report;
}

beforeAll(async () => {
  t = await makeApp();
  meStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '李春梅' });
  me = await signIn(t.app, meStaff);
  colleague = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  otherStaff = await createStaff(t.app, 'ca:220102', ['handler']);
  other = await signIn(t.app, otherStaff);
});
afterAll(() => t.close());

describe('the profile page', () => {
  it('shows the account, a password link, sign-out everywhere and the declaration form', async () => {
    const page = await me.get('/staff/profile');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('李春梅');
    expect(page.body).toContain('南关区民政局');
    expect(page.body).toContain('受理登记');
    expect(page.body).toContain('href="/staff/password"');
    expect(page.body).toContain('action="/staff/logout-everywhere"');
    expect(page.body).toContain('action="/staff/profile/declaration"');
    expect(page.body).toContain('您尚未备案');
  });

  it('sends a signed-out visitor to the sign-in page', async () => {
    const res = await t.app.inject({ url: '/staff/profile' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/staff/login');
  });

  it('shows the next level of the place without JavaScript', async () => {
    const res = await me.post('/staff/profile/declaration', { action: 'refresh_place', home_prefecture: '220100', position: 'county_bureau_staff', id_number: OWN_ID }, '/staff/profile');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<option value="220102" >南关区</option>');
    expect(res.body).toMatch(/<option value="county_bureau_staff" selected>/);
    expect(res.body).not.toContain(OWN_ID);
    expect(res.body).toContain('请重新输入');
    expect(await declarantOfUser(t.app.db, meStaff.user.id)).toBeUndefined();
  });
});

describe('declaring', () => {
  it('refuses a relative before the own declaration', async () => {
    const res = await me.post('/staff/profile/declaration/relatives', { name: '王德福', relation: 'parent', id_number: RELATIVE_ID, assistance_type: 'dibao', ...REL_PLACE }, '/staff/profile');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请先完成本人备案');
  });

  it('requires an ID number the first time and names what is wrong with a bad one, keeping the other input', async () => {
    const missing = await me.post('/staff/profile/declaration', { ...HOME, position: 'county_bureau_staff', id_number: '' }, '/staff/profile');
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('请填写身份证号码');

    const bad = breakCheck(OWN_ID);
    const res = await me.post('/staff/profile/declaration', { ...HOME, position: 'county_bureau_staff', id_number: bad }, '/staff/profile');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('校验位不正确');
    expect(res.body).toContain('请重新输入');
    expect(res.body).not.toContain(bad);
    expect(res.body).toMatch(/<option value="county_bureau_staff" selected>/);
    expect(res.body).toMatch(/<option value="220102002001" selected>北安社区<\/option>/);

    const short = await me.post('/staff/profile/declaration', { ...HOME, position: 'county_bureau_staff', id_number: '2201021980' }, '/staff/profile');
    expect(short.body).toContain('应为18位');
    expect(await declarantOfUser(t.app.db, meStaff.user.id)).toBeUndefined();
  });

  it('refuses a village that does not belong to the township posted with it', async () => {
    const res = await me.post('/staff/profile/declaration', { ...HOME, home_township: '220102001', position: 'county_bureau_staff', id_number: OWN_ID }, '/staff/profile');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('与上级区划不一致');
  });

  it('stores the own declaration with a hash, keeps the users row in step and never shows the number', async () => {
    const res = await me.post('/staff/profile/declaration', { ...HOME, position: 'county_bureau_staff', id_number: ` ${OWN_ID.slice(0, 6)} ${OWN_ID.slice(6)} ` }, '/staff/profile');
    expect(res.statusCode).toBe(303);
    const declarant = (await declarantOfUser(t.app.db, meStaff.user.id))!;
    expect(declarant.name).toBe('李春梅');
    expect(declarant.homeVillageCode).toBe('220102002001');
    expect(declarant.idHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await findUser(t.app.db, meStaff.user.id))!.homeVillageCode).toBe('220102002001');
    const page = await me.get('/staff/profile');
    expect(page.body).toContain('已登记');
    expect(page.body).toContain('已备案');
    expect(page.body).not.toContain(OWN_ID);

    // An empty ID number keeps the registered one.
    const before = declarant.idHash;
    expect((await me.post('/staff/profile/declaration', { ...HOME, position: 'township_assistant', id_number: '' }, '/staff/profile')).statusCode).toBe(303);
    const after = (await declarantOfUser(t.app.db, meStaff.user.id))!;
    expect(after.idHash).toBe(before);
    expect(after.position).toBe('township_assistant');
  });

  it('adds a relative: bad input comes back without the ID number, good input stores only a hash', async () => {
    const bad = await me.post('/staff/profile/declaration/relatives', { name: '王德福', relation: 'parent', id_number: breakCheck(RELATIVE_ID), assistance_type: 'dibao', ...REL_PLACE }, '/staff/profile');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('校验位不正确');
    expect(bad.body).toContain('value="王德福"');
    expect(bad.body).not.toContain(breakCheck(RELATIVE_ID));

    const incomplete = await me.post('/staff/profile/declaration/relatives', { name: '', relation: '', id_number: RELATIVE_ID, ...REL_PLACE }, '/staff/profile');
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.body).toContain('请填写近亲属姓名');
    expect(incomplete.body).toContain('请选择与本人的关系');
    expect(incomplete.body).toContain('请选择申请或享受的救助类别');

    const own = await me.post('/staff/profile/declaration/relatives', { name: '李某', relation: 'sibling', id_number: OWN_ID, assistance_type: 'dibao', ...REL_PLACE }, '/staff/profile');
    expect(own.body).toContain('这是您本人的身份证号码');

    const ok = await me.post('/staff/profile/declaration/relatives', { name: '王德福', relation: 'parent', id_number: RELATIVE_ID.toLowerCase(), assistance_type: 'dibao', ...REL_PLACE }, '/staff/profile');
    expect(ok.statusCode).toBe(303);
    const again = await me.post('/staff/profile/declaration/relatives', { name: '王德福', relation: 'parent', id_number: RELATIVE_ID, assistance_type: 'dibao', ...REL_PLACE }, '/staff/profile');
    expect(again.body).toContain('已经登记过');

    const rows = JSON.stringify(await t.app.db.all(sql`SELECT * FROM declared_relatives`));
    expect(rows).toContain('王德福');
    for (const id of [RELATIVE_ID, OWN_ID]) {
      expect(rows).not.toContain(id.slice(0, 17));
      expect(rows).not.toContain(id.slice(6, 14));
    }
    const declarants = JSON.stringify(await t.app.db.all(sql`SELECT * FROM declarants`));
    expect(declarants).not.toContain(OWN_ID.slice(0, 17));
    const audit = JSON.stringify(await t.app.db.all(sql`SELECT * FROM audit_log WHERE action LIKE 'declaration.%'`));
    expect(audit).toContain('declaration.update');
    expect(audit).toContain('declaration.relative_add');
    expect(audit).not.toContain('王德福');
    expect(audit).not.toContain('李春梅');
    expect(audit).not.toContain(RELATIVE_ID.slice(0, 17));
    expect(t.logs()).not.toContain(RELATIVE_ID.slice(0, 17));
    expect(t.logs()).not.toContain(OWN_ID.slice(0, 17));

    const page = await me.get('/staff/profile');
    expect(page.body).toContain('王德福');
    expect(page.body).toContain('父母');
    expect(page.body).toContain('华阳社区');
    expect(page.body).not.toContain(RELATIVE_ID);
  });
});

describe('recusal from a declared relative', () => {
  it('hides a report about the relative from the declarant, not from a colleague, and keeps hiding it while a removal waits', async () => {
    const declarant = (await declarantOfUser(t.app.db, meStaff.user.id))!;
    for (const r of await relativesOf(t.app.db, declarant.id)) await deleteRelative(t.app.db, declarant.id, r.id);
    const report = await newReport();
    const page = `/staff/reports/${report.id}`;
    // Not recused yet: nothing declared about 王德福.
    expect((await me.get(page)).statusCode).toBe(200);

    const added = await me.post('/staff/profile/declaration/relatives', { name: '王德福', relation: 'parent', id_number: RELATIVE_ID, assistance_type: 'dibao', ...REL_PLACE }, '/staff/profile');
    expect(added.statusCode).toBe(303);
    expect((await me.get(page)).statusCode).toBe(404);
    expect((await me.get('/staff/reports')).body).not.toContain(report.caseNo);
    expect((await colleague.get(page)).statusCode).toBe(200);
    expect((await colleague.get('/staff/reports')).body).toContain(report.caseNo);

    // Someone else cannot ask to remove the declaration's rows.
    const relative = (await relativesOf(t.app.db, declarant.id))[0]!;
    const removal = `/staff/profile/declaration/relatives/${relative.id}/removal`;
    expect((await other.post(removal, { reason: '登记错误' }, '/staff/profile')).statusCode).toBe(404);
    expect(await relativesOf(t.app.db, declarant.id)).toHaveLength(1);

    // The declarant's own removal is a request: recusal holds until the supervising unit confirms
    // (the whole flow: test/declarations/removal-requests.test.ts).
    expect((await me.post(removal, { reason: '登记错误' }, '/staff/profile')).statusCode).toBe(303);
    expect(await relativesOf(t.app.db, declarant.id)).toHaveLength(1);
    expect((await me.get(page)).statusCode).toBe(404);
    const audit = await t.app.db.all<{ detail: string }>(sql`SELECT action, detail FROM audit_log WHERE action = 'declaration.relative_removal_request'`);
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain('王德福');
    expect(JSON.stringify(audit)).not.toContain('登记错误');
  });

  it('hides a report placed in the home village', async () => {
    const report = await newReport({ placeCode: '220102002001', townshipCode: '220102002', subjectName: '赵某' });
    expect((await me.get(`/staff/reports/${report.id}`)).statusCode).toBe(404);
    expect((await colleague.get(`/staff/reports/${report.id}`)).statusCode).toBe(200);
  });
});

describe('home village without a declaration', () => {
  // Security review (session 10): clearing or changing the home village on one's own profile lifted
  // the recusal from that village's reports at once, with no one else involved. Once on file it is
  // changed by the system administrator (admin/user-service: another person, audited), never by its
  // holder; a first one, which only adds recusal, is saved at once.
  it('can be saved alone, but neither cleared nor changed by its holder: the report there stays hidden', async () => {
    const res = await other.post('/staff/profile/declaration', { ...HOME, position: '', id_number: '' }, '/staff/profile');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('home_saved');
    expect((await findUser(t.app.db, otherStaff.user.id))!.homeVillageCode).toBe('220102002001');
    expect(await declarantOfUser(t.app.db, otherStaff.user.id)).toBeUndefined();
    const there = await newReport({ placeCode: '220102002001', townshipCode: '220102002', subjectName: '孙某' });
    expect((await other.get(`/staff/reports/${there.id}`)).statusCode).toBe(404);

    const cleared = await other.post('/staff/profile/declaration', { position: '', id_number: '' }, '/staff/profile');
    expect(cleared.statusCode).toBe(400);
    expect(cleared.body).toContain('不能自己更改或清除');
    const moved = await other.post('/staff/profile/declaration', { ...HOME, home_township: '220102003', home_village: '220102003001', position: '', id_number: '' }, '/staff/profile');
    expect(moved.statusCode).toBe(400);
    expect(moved.body).toContain('请联系系统管理员');
    expect((await findUser(t.app.db, otherStaff.user.id))!.homeVillageCode).toBe('220102002001');
    expect((await other.get(`/staff/reports/${there.id}`)).statusCode).toBe(404);
    // Saving the same village again is no change.
    expect((await other.post('/staff/profile/declaration', { ...HOME, position: '', id_number: '' }, '/staff/profile')).statusCode).toBe(303);

    const declaredCleared = await me.post('/staff/profile/declaration', { position: 'township_assistant', id_number: '' }, '/staff/profile');
    expect(declaredCleared.statusCode).toBe(400);
    expect((await findUser(t.app.db, meStaff.user.id))!.homeVillageCode).toBe('220102002001');
  });

  it('once declared, neither the village nor the own ID number can be changed by the declarant', async () => {
    const before = await declarantOfUser(t.app.db, meStaff.user.id);
    expect(before).toBeDefined();
    const moved = await me.post('/staff/profile/declaration', { ...HOME, home_township: '220102003', home_village: '220102003001', position: 'township_assistant', id_number: '' }, '/staff/profile');
    expect(moved.statusCode).toBe(400);
    expect(moved.body).toContain('不能自己更改或清除');
    const otherId = makeId('19790101', 11, '220102');
    const replaced = await me.post('/staff/profile/declaration', { ...HOME, position: 'township_assistant', id_number: otherId }, '/staff/profile');
    expect(replaced.statusCode).toBe(400);
    expect(replaced.body).toContain('不能改成另一个号码');
    expect(replaced.body).not.toContain(otherId);
    const after = await declarantOfUser(t.app.db, meStaff.user.id);
    expect(after!.idHash).toBe(before!.idHash);
    expect(after!.homeVillageCode).toBe('220102002001');
    // The same number typed again, with a new position, saves.
    expect((await me.post('/staff/profile/declaration', { ...HOME, position: 'township_assistant', id_number: OWN_ID }, '/staff/profile')).statusCode).toBe(303);
  });
});
