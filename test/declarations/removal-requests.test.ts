// Removing a declared relative (issue 19 item 4): the declarant asks with a reason; a lead or
// supervisor of the supervising unit confirms or refuses with a reason; until confirmed the relative
// stays declared, so recusal and the cross-check flag hold; every step is audited without names or
// reasons; the declarant never decides her own request.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/audit/tables.js';
import { crossCheckFlags } from '../../src/cross-checks/tables.js';
import { addRelative, relativesOf, type RelativeInput } from '../../src/declarations/index.js';
import { fileReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { addDeclarant, addRecipient } from '../cross-checks/helpers.js';
import { makeId } from '../disclosure/ids.js';

let t: TestApp;
let declarantStaff: TestStaff;
let declarant: Session, colleague: Session, countyLead: Session, cityLead: Session, citySupervisor: Session;
let declarantId: number, relativeId: number, reportId: number;

const VILLAGE = '220102001001'; // 华阳社区
const RELATIVE_ID = makeId('19500101', 81, '220102');
const LIST = '/staff/declarations/removals';
const input = (name: string, idNumber: string): RelativeInput => ({ name, relation: 'parent', idNumber, place: { prefecture: '220100', county: '220102', township: '220102001', village: VILLAGE }, assistanceType: 'dibao' });

const flagStatuses = async () => (await t.app.db.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.declarantId, declarantId), eq(crossCheckFlags.kind, 'declared'))).all()).map((f) => f.status);
const audits = async () => (await t.app.db.select().from(auditLog).all()).filter((e) => e.objectType === 'declared_relative' && e.objectId === String(relativeId));
const removalPage = () => `/staff/profile/declaration/relatives/${relativeId}/removal`;
const reportPage = () => `/staff/reports/${reportId}`;

beforeAll(async () => {
  t = await makeApp();
  declarantStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '何秀兰' });
  declarant = await signIn(t.app, declarantStaff);
  colleague = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake', 'handler']));
  countyLead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead']));
  cityLead = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['lead'], { displayName: '长春局长' }));
  citySupervisor = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));

  const recipient = await addRecipient(t.app, VILLAGE, '何德顺', RELATIVE_ID);
  declarantId = (await addDeclarant(t.app, { name: '何秀兰', id: makeId('19800312', 82, '220102'), village: '220102002001', userId: declarantStaff.user.id })).declarant.id;
  const added = await addRelative(t.app.deps, declarantStaff.user, input('何德顺', RELATIVE_ID));
  if (!added.ok) throw new Error(JSON.stringify(added.errors));
  relativeId = added.value.id;
  const { report } = await fileReport(
    t.app.deps,
    { category: 'wrong_grant', placeCode: VILLAGE, placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '这户有两处房产，不该吃低保，请核实。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null, objectionEntryId: recipient.id },
  );
  reportId = report.id;
});
afterAll(() => t.close());

describe('a declarant asks to remove a relative', () => {
  it('has no one-click delete any more; a reason is required and the text comes back', async () => {
    const profile = await declarant.get('/staff/profile');
    expect(profile.body).toContain(`href="${removalPage()}"`);
    expect(profile.body).not.toContain(`/relatives/${relativeId}/delete`);
    expect((await declarant.post(`/staff/profile/declaration/relatives/${relativeId}/delete`, {})).statusCode).toBe(404);

    const empty = await declarant.post(removalPage(), { reason: '   ' }, removalPage());
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('请填写删除原因');
    const long = await declarant.post(removalPage(), { reason: '错'.repeat(501) }, removalPage());
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('内容不能超过 500 字');
    expect(long.body).toContain('错'.repeat(501));
    expect(await relativesOf(t.app.db, declarantId)).toHaveLength(1);
  });

  it('keeps the relative declared, the report hidden and the flag open while the request waits', async () => {
    expect(await flagStatuses()).toEqual(['open']);
    expect((await declarant.get(reportPage())).statusCode).toBe(404);
    const asked = await declarant.post(removalPage(), { reason: '登记时填错了人' }, removalPage());
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toContain('done=removal_requested');
    // A second click asks nothing twice.
    expect((await declarant.post(removalPage(), { reason: '登记时填错了人' }, removalPage())).statusCode).toBe(303);

    expect(await relativesOf(t.app.db, declarantId)).toHaveLength(1);
    expect((await declarant.get(reportPage())).statusCode).toBe(404);
    expect(await flagStatuses()).toEqual(['open']);
    const profile = (await declarant.get('/staff/profile?done=removal_requested')).body;
    expect(profile).toContain('删除申请已提交，等待上级单位确认');
    expect(profile).toContain('等待上级单位确认。');
    expect((await audits()).map((e) => e.action)).toEqual(['declaration.relative_add', 'declaration.relative_removal_request']);
  });

  it('is not the declarant’s own unit’s to decide: a county lead neither sees nor decides it', async () => {
    const list = await countyLead.get(LIST);
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('何德顺');
    const requestId = (await t.app.db.get<{ id: number }>(sql`select id from relative_removal_requests where relative_id = ${relativeId}`)).id;
    expect((await countyLead.post(`${LIST}/${requestId}/decide`, { decision: 'confirm', note: '' }, LIST)).statusCode).toBe(404);
    // Nor a colleague without a deciding role.
    expect((await colleague.get(LIST)).statusCode).toBe(403);
    expect(await relativesOf(t.app.db, declarantId)).toHaveLength(1);
  });
});

describe('the supervising unit decides', () => {
  let requestId: number;
  beforeAll(async () => {
    requestId = (await t.app.db.get<{ id: number }>(sql`select id from relative_removal_requests where relative_id = ${relativeId} and status = 'pending'`)).id;
  });

  it('a refusal needs a reason and keeps recusal and the flag', async () => {
    expect((await cityLead.get('/staff/profile')).body).toContain('有 1 件近亲属删除申请等待您确认');
    const list = await cityLead.get(LIST);
    expect(list.body).toContain('何德顺');
    expect(list.body).toContain('何秀兰');
    expect(list.body).toContain('登记时填错了人');

    const bare = await cityLead.post(`${LIST}/${requestId}/decide`, { decision: 'refuse', note: '' }, LIST);
    expect(bare.statusCode).toBe(400);
    expect(bare.body).toContain('不同意删除时，请填写理由');
    const refused = await cityLead.post(`${LIST}/${requestId}/decide`, { decision: 'refuse', note: '该户仍在低保名单中，请核实后再申请' }, LIST);
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toContain('done=refused');

    expect(await relativesOf(t.app.db, declarantId)).toHaveLength(1);
    expect((await declarant.get(reportPage())).statusCode).toBe(404);
    expect(await flagStatuses()).toEqual(['open']);
    expect((await declarant.get('/staff/profile')).body).toContain('该户仍在低保名单中，请核实后再申请');
    // Decided once: a late second decision changes nothing.
    const late = await citySupervisor.post(`${LIST}/${requestId}/decide`, { decision: 'confirm', note: '' }, LIST);
    expect(late.statusCode).toBe(303);
    expect(late.headers.location).toContain('done=already_decided');
    expect((await citySupervisor.get(late.headers.location as string)).body).toContain('这件申请已由他人处理');
    expect(await relativesOf(t.app.db, declarantId)).toHaveLength(1);
  });

  it('a confirmation removes the relative, lifts recusal, closes the flag and is audited', async () => {
    expect((await declarant.post(removalPage(), { reason: '已核实不是近亲属，当初登记错误' }, removalPage())).statusCode).toBe(303);
    const again = (await t.app.db.get<{ id: number }>(sql`select id from relative_removal_requests where relative_id = ${relativeId} and status = 'pending'`)).id;
    const confirmed = await citySupervisor.post(`${LIST}/${again}/decide`, { decision: 'confirm', note: '' }, LIST);
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toContain('done=confirmed');

    expect(await relativesOf(t.app.db, declarantId)).toHaveLength(0);
    expect((await declarant.get(reportPage())).statusCode).toBe(200);
    expect(await flagStatuses()).toEqual(['resolved']);
    const entries = await audits();
    expect(entries.map((e) => e.action)).toEqual([
      'declaration.relative_add',
      'declaration.relative_removal_request',
      'declaration.relative_removal_refuse',
      'declaration.relative_removal_request',
      'declaration.relative_removal_confirm',
    ]);
    const text = JSON.stringify(entries);
    for (const secret of ['何德顺', '何秀兰', '登记错误', '低保名单', RELATIVE_ID.slice(0, 17)]) expect(text).not.toContain(secret);
  });
});

describe('her own request', () => {
  it('a lead at the top asks; she cannot confirm it herself, another lead of her unit can', async () => {
    const topStaff = await createStaff(t.app, 'ca:220000', ['lead'], { displayName: '省厅王处' });
    const top = await signIn(t.app, topStaff);
    const other = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['lead']));
    const relId = makeId('19520101', 83, '220102');
    const own = (await addDeclarant(t.app, { name: '省厅王处', id: makeId('19800312', 84, '220102'), village: '220102002001', userId: topStaff.user.id })).declarant;
    const added = await addRelative(t.app.deps, topStaff.user, { ...input('王德明', relId), relation: 'sibling' });
    if (!added.ok) throw new Error(JSON.stringify(added.errors));
    const page = `/staff/profile/declaration/relatives/${added.value.id}/removal`;
    expect((await top.post(page, { reason: '兄弟已去世' }, page)).statusCode).toBe(303);
    const id = (await t.app.db.get<{ id: number }>(sql`select id from relative_removal_requests where relative_id = ${added.value.id} and status = 'pending'`)).id;

    expect((await top.get(LIST)).body).not.toContain('王德明');
    const self = await top.post(`${LIST}/${id}/decide`, { decision: 'confirm', note: '' }, LIST);
    expect(self.statusCode).toBe(403);
    expect(self.body).toContain('不能由您本人确认');
    expect(await relativesOf(t.app.db, own.id)).toHaveLength(1);

    expect((await other.get(LIST)).body).toContain('王德明');
    expect((await other.post(`${LIST}/${id}/decide`, { decision: 'confirm', note: '' }, LIST)).statusCode).toBe(303);
    expect(await relativesOf(t.app.db, own.id)).toHaveLength(0);
  });
});
