// Recusal by name held only for the name exactly as declared (security review, session 10): a
// report about "王 大山" or "王大山（村主任）" stayed visible to 王大山 himself and to his declared
// sister, in the same township. The name is compared by its key (spaces and full-width spaces out,
// a remark in brackets cut): in the inbox's SQL, the report page, the assign form and the
// supervisors' list of possible declarant matches; a longer name is still another person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, isRecused, type Report } from '../../../src/reports/index.js';
import { possibleDeclarantMatches, recusedUsers } from '../../../src/reports/casework/recusal.js';
import { personNameKey } from '../../../src/shared/person-name.js';
import { findUser } from '../../../src/users/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { addDeclarant } from '../../cross-checks/helpers.js';
import { makeId } from '../../disclosure/ids.js';

let t: TestApp;
let himself: TestStaff, sister: TestStaff, colleague: TestStaff;
let himselfSession: Session, sisterSession: Session, colleagueSession: Session;

async function file(subjectName: string): Promise<Report> {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001002', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友，把不符合条件的亲属评为低保户。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return report;
}

beforeAll(async () => {
  t = await makeApp();
  himself = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '王大山', homeVillageCode: '220102001003' });
  sister = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '王小花' });
  colleague = await createStaff(t.app, 'ca:220102', ['intake', 'handler'], { displayName: '周五' });
  await addDeclarant(t.app, { name: '王小花', id: makeId('19800312', 91, '220102'), village: '220102002001', userId: sister.user.id }, [{ name: '王大山', id: makeId('19700101', 92, '220102'), village: '220102001003', relation: 'sibling' }]);
  await addDeclarant(t.app, { name: '王大山', id: makeId('19700101', 93, '220102'), village: '220102001001' });
  [himselfSession, sisterSession, colleagueSession] = [await signIn(t.app, himself), await signIn(t.app, sister), await signIn(t.app, colleague)];
});
afterAll(() => t.close());

describe('recusal by a name written another way', () => {
  it('keys a name: spaces and full-width spaces out, a remark in brackets cut', () => {
    expect(['王大山', '王 大山', '王　大山', ' 王大山 ', '王大山（村主任）', '王大山(主任)', '王 大山 （会计）'].map(personNameKey)).toEqual(Array(7).fill('王大山'));
    expect(personNameKey('王大山林')).toBe('王大山林');
    expect(personNameKey('（村主任）')).toBe('');
    expect(personNameKey(null)).toBe('');
  });

  for (const written of ['王 大山', '王　大山', '王大山（村主任）', '王大山(主任)']) {
    it(`hides a report about "${written}" from the person and his declared sister, not from a colleague`, async () => {
      const report = await file(written);
      for (const [who, session] of [['himself', himselfSession], ['sister', sisterSession]] as const) {
        expect((await session.get(`/staff/reports/${report.id}`)).statusCode, who).toBe(404);
        expect((await session.get('/staff/reports?sort=newest')).body, who).not.toContain(report.caseNo);
      }
      expect((await colleagueSession.get(`/staff/reports/${report.id}`)).statusCode).toBe(200);
      expect((await colleagueSession.get('/staff/reports?sort=newest')).body).toContain(report.caseNo);
      const users = [(await findUser(t.app.db, himself.user.id))!, (await findUser(t.app.db, sister.user.id))!, (await findUser(t.app.db, colleague.user.id))!];
      for (const u of users) expect(await isRecused(t.app.db, u, report), u.displayName).toBe(u.id !== colleague.user.id);
      expect([...(await recusedUsers(t.app.db, users, report))].sort()).toEqual([himself.user.id, sister.user.id].sort());
      // The village cadre 王大山 declared by the bureau (no account) is offered to supervisors as a possible match.
      expect((await possibleDeclarantMatches(t.app.db, report)).map((d) => d.name)).toEqual(['王大山']);
    });
  }

  it('still shows a report about a longer name, another person, to both', async () => {
    const report = await file('王大山林');
    expect((await himselfSession.get(`/staff/reports/${report.id}`)).statusCode).toBe(200);
    expect((await sisterSession.get(`/staff/reports/${report.id}`)).statusCode).toBe(200);
  });
});
