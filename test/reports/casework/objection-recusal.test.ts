// Recusal reaches objections (issue 19 item 4): a villager's objection to a listed recipient names
// nobody, but carries the recipient's keyed ID hash, so a staff member who declared that recipient as
// a relative neither sees the report (page, inbox, objections list) nor can be assigned it, while a
// colleague can. An unknown value on either side (no hash on the report, an empty hash on a
// declaration) hides nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, findReport, isRecused } from '../../../src/reports/index.js';
import { insertDeclarant, insertRelative } from '../../../src/declarations/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { addDeclarant, addRecipient, hashOf } from '../../cross-checks/helpers.js';
import { makeId } from '../../disclosure/ids.js';

let t: TestApp;
let declarantStaff: TestStaff, colleagueStaff: TestStaff, blankStaff: TestStaff;
let declarant: Session, colleague: Session, blank: Session;
let recipientId: number;

const VILLAGE = '220102001001'; // 华阳社区
const RELATIVE_ID = makeId('19500101', 71, '220102');

async function objection(entryId: number | null) {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'wrong_grant', placeCode: VILLAGE, placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '这户家里有轿车和门市房，不应该享受低保，请核查。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null, objectionEntryId: entryId },
  );
  return report;
}

beforeAll(async () => {
  t = await makeApp();
  declarantStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '孙丽' });
  colleagueStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '周建国' });
  blankStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '钱小红' });
  declarant = await signIn(t.app, declarantStaff);
  colleague = await signIn(t.app, colleagueStaff);
  blank = await signIn(t.app, blankStaff);
  recipientId = (await addRecipient(t.app, VILLAGE, '孙德厚', RELATIVE_ID)).id;
  await addDeclarant(t.app, { name: '孙丽', id: makeId('19800312', 72, '220102'), village: '220102002001', userId: declarantStaff.user.id }, [{ name: '孙德厚', id: RELATIVE_ID, village: VILLAGE, relation: 'parent' }]);
});
afterAll(() => t.close());

describe('an objection about a declared relative', () => {
  it('carries the recipient’s keyed ID hash, never a name or number', async () => {
    const report = await objection(recipientId);
    expect(report.subjectIdHash).toBe(hashOf(t.app, RELATIVE_ID));
    expect(report.subjectName).toBeNull();
    const row = JSON.stringify(await t.app.db.get(sql`select * from reports where id = ${report.id}`));
    expect(row).not.toContain(RELATIVE_ID.slice(0, 17));
    expect(row).not.toContain('孙德厚');
  });

  it('is invisible to the declarant — page, inbox, objections list — and visible to a colleague', async () => {
    const report = await objection(recipientId);
    const page = `/staff/reports/${report.id}`;
    expect((await declarant.get(page)).statusCode).toBe(404);
    expect((await declarant.get('/staff/reports')).body).not.toContain(report.caseNo);
    expect((await declarant.get('/staff/disclosure/objections')).body).not.toContain(report.caseNo);
    expect((await colleague.get(page)).statusCode).toBe(200);
    expect((await colleague.get('/staff/reports')).body).toContain(report.caseNo);
    expect((await colleague.get('/staff/disclosure/objections')).body).toContain(report.caseNo);
    expect(await isRecused(t.app.db, declarantStaff.user, report)).toBe(true);
    expect(await isRecused(t.app.db, colleagueStaff.user, report)).toBe(false);
  });

  it('is not among the declarant’s assignee choices, and an assignment to her is refused', async () => {
    const report = await objection(recipientId);
    const page = `/staff/reports/${report.id}`;
    expect((await colleague.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    const html = (await colleague.get(page)).body;
    expect(html).toContain('id="assign-user"');
    expect(html).toContain(`<option value="${colleagueStaff.user.id}" data-unit=`);
    expect(html).not.toContain(`<option value="${declarantStaff.user.id}" data-unit=`);

    const unitId = colleagueStaff.user.unitId;
    await colleague.post(`${page}/assign`, { unit_id: String(unitId), assignee_id: String(declarantStaff.user.id), due: '2099-01-01' }, page);
    const after = (await findReport(t.app.db, report.id))!;
    expect(after.assigneeId).not.toBe(declarantStaff.user.id);
    expect(after.status).toBe('accepted');
  });
});

describe('unknown values hide nothing', () => {
  it('an objection whose entry is unknown has no hash and stays visible to the declarant', async () => {
    const hidden = await objection(recipientId);
    const unknown = await objection(9_999_999);
    expect(unknown.subjectIdHash).toBeNull();
    expect((await declarant.get(`/staff/reports/${unknown.id}`)).statusCode).toBe(200);
    expect((await declarant.get('/staff/reports')).body).toContain(unknown.caseNo);
    expect(await isRecused(t.app.db, declarantStaff.user, unknown)).toBe(false);
    // …while the one about her relative is still hidden.
    expect((await declarant.get(`/staff/reports/${hidden.id}`)).statusCode).toBe(404);
  });

  it('a declaration with empty ID hashes does not hide reports without a hash, nor objections about others', async () => {
    // Rows as an old import might have left them: no hash for the declarant or her relative.
    const row = await insertDeclarant(t.app.db, { userId: blankStaff.user.id, name: '钱小红', position: 'county_bureau_staff', idHash: '', homeVillageCode: '220102002001', unitId: null, updatedAt: Date.now() });
    await insertRelative(t.app.db, { declarantId: row.id, name: '钱某', relation: 'sibling', idHash: '', villageCode: '220102002001', assistanceType: 'dibao' });
    const plain = await objection(null);
    const about = await objection(recipientId);
    expect((await blank.get(`/staff/reports/${plain.id}`)).statusCode).toBe(200);
    expect((await blank.get(`/staff/reports/${about.id}`)).statusCode).toBe(200);
    expect(await isRecused(t.app.db, blankStaff.user, plain)).toBe(false);
    // The declarant with a real hash is still kept from the objection about her relative.
    expect((await declarant.get(`/staff/reports/${about.id}`)).statusCode).toBe(404);
  });
});
