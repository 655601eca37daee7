// A staff user's scope is kept across requests (issue 22: computing it read the user's declaration
// on every view) and dropped by any change to users or declarations: a declared relative hides a
// report about them on the very next request. Runs on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport } from '../../../src/reports/index.js';
import { scopeOf } from '../../../src/reports/casework/scope.js';
import { insertRelative } from '../../../src/declarations/index.js';
import { findUnit } from '../../../src/units/index.js';
import { findUser } from '../../../src/users/index.js';
import { staffContext } from '../../../src/plugins/auth.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { addDeclarant, hashOf } from '../../cross-checks/helpers.js';
import { makeId } from '../../disclosure/ids.js';

let t: TestApp;
let staff: TestStaff;
let session: Session;
let declarantId: number;

const VILLAGE = '220102001001';

async function reportAbout(subjectName: string) {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: VILLAGE, placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友，把亲戚评成低保户。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return report;
}

async function contextOf(s: TestStaff) {
  const user = (await findUser(t.app.db, s.user.id))!;
  return staffContext(user, (await findUnit(t.app.db, user.unitId))!);
}

beforeAll(async () => {
  t = await makeApp();
  staff = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '吴桂芳' });
  session = await signIn(t.app, staff);
  declarantId = (await addDeclarant(t.app, { name: '吴桂芳', id: makeId('19790101', 31, '220102'), village: '220102002001', userId: staff.user.id })).declarant.id;
});
afterAll(() => t.close());

describe('the scope kept per user', () => {
  it('is the same scope for the next request while nothing changed', async () => {
    const first = await scopeOf(t.app.db, await contextOf(staff));
    const second = await scopeOf(t.app.db, await contextOf(staff));
    expect(second).toBe(first);
  });

  it('is built anew after a declaration changes', async () => {
    const before = await scopeOf(t.app.db, await contextOf(staff));
    await insertRelative(t.app.db, { declarantId, name: '吴德顺', relation: 'sibling', idHash: hashOf(t.app, makeId('19550505', 11, '220102')), villageCode: '220102003001', assistanceType: 'dibao' });
    const after = await scopeOf(t.app.db, await contextOf(staff));
    expect(after).not.toBe(before);
  });

  it('a declared relative hides the report about them on the very next request', async () => {
    const report = await reportAbout('吴宝山');
    const page = `/staff/reports/${report.id}`;
    // Seen, twice: the second view answered with the kept scope.
    expect((await session.get(page)).statusCode).toBe(200);
    expect((await session.get('/staff/reports?_b=1')).body).toContain(report.caseNo);
    await insertRelative(t.app.db, { declarantId, name: '吴宝山', relation: 'parent', idHash: hashOf(t.app, makeId('19500202', 13, '220102')), villageCode: VILLAGE, assistanceType: 'dibao' });
    expect((await session.get(page)).statusCode).toBe(404);
    expect((await session.get('/staff/reports?_b=2')).body).not.toContain(report.caseNo);
  });

  it('a colleague’s declaration does not drop what the user sees, and their own view is theirs', async () => {
    const colleague = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '郑玉兰' });
    const report = await reportAbout('郑大林');
    const mine = await signIn(t.app, colleague);
    expect((await mine.get(`/staff/reports/${report.id}`)).statusCode).toBe(200);
    expect((await session.get(`/staff/reports/${report.id}`)).statusCode).toBe(200);
    await addDeclarant(t.app, { name: '郑玉兰', id: makeId('19810101', 41, '220102'), village: '220102002001', userId: colleague.user.id }, [{ name: '郑大林', id: makeId('19520101', 15, '220102'), village: VILLAGE, relation: 'parent' }]);
    expect((await mine.get(`/staff/reports/${report.id}`)).statusCode).toBe(404);
    expect((await session.get(`/staff/reports/${report.id}`)).statusCode).toBe(200);
  });
});
