// A report page lists the handlers a report may be assigned to, leaving out the recused ones. It
// checked each handler's declaration one by one (a province's hundreds: ≈ 40 ms a page at the
// bench's scale, issue 22); recusedUsers reads every declaration at once and must find exactly the
// users isRecused finds, for a report about a named person, an objection carrying an ID hash, and
// one about nobody known.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, isRecused } from '../../../src/reports/index.js';
import { recusedUsers } from '../../../src/reports/casework/recusal.js';
import { activeHandlersOf } from '../../../src/users/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn } from '../../helpers/staff.js';
import { addDeclarant, addRecipient } from '../../cross-checks/helpers.js';
import { makeId } from '../../disclosure/ids.js';

let t: TestApp;
const VILLAGE = '220102001001';
const OTHER_TOWNSHIP_VILLAGE = '220102002001';
const RELATIVE_ID = makeId('19500101', 81, '220102');
const names: Record<string, number> = {};

async function file(subjectName: string | null, objectionEntryId: number | null = null) {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: VILLAGE, placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName, subjectPosition: subjectName ? 'village_cadre' : null, subjectIsHead: false, description: '村干部优亲厚友，把不符合条件的亲属评为低保户。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null, objectionEntryId },
  );
  return report;
}

beforeAll(async () => {
  t = await makeApp();
  const staff = async (key: string, over: { displayName: string; homeVillageCode?: string }) => (names[key] = (await createStaff(t.app, 'ca:220102', ['handler'], over)).user.id);
  await staff('home', { displayName: '赵一', homeVillageCode: VILLAGE });
  await staff('ownName', { displayName: '王大山', homeVillageCode: '220102001002' });
  await staff('relativeByName', { displayName: '李二' });
  await staff('relativeByHash', { displayName: '孙三' });
  await staff('namesakeElsewhere', { displayName: '钱四' });
  await staff('colleague', { displayName: '周五' });
  const recipient = (await addRecipient(t.app, VILLAGE, '孙德厚', RELATIVE_ID)).id;
  names.recipient = recipient;
  await addDeclarant(t.app, { name: '李二', id: makeId('19800312', 82, '220102'), village: OTHER_TOWNSHIP_VILLAGE, userId: names.relativeByName }, [{ name: '王大山', id: makeId('19700101', 83, '220102'), village: '220102001003', relation: 'sibling' }]);
  await addDeclarant(t.app, { name: '孙三', id: makeId('19800312', 84, '220102'), village: OTHER_TOWNSHIP_VILLAGE, userId: names.relativeByHash }, [{ name: '孙德厚', id: RELATIVE_ID, village: VILLAGE, relation: 'parent' }]);
  await addDeclarant(t.app, { name: '钱四', id: makeId('19800312', 85, '220102'), village: OTHER_TOWNSHIP_VILLAGE, userId: names.namesakeElsewhere }, [{ name: '王大山', id: makeId('19700101', 86, '220102'), village: OTHER_TOWNSHIP_VILLAGE, relation: 'sibling' }]);
});
afterAll(() => t.close());

describe('recusedUsers', () => {
  it('finds exactly the handlers isRecused finds, reading the declarations at once', async () => {
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const handlers = await activeHandlersOf(t.app.db, [unit.id]);
    const byName = (ids: Iterable<number>) => [...ids].map((id) => Object.keys(names).find((k) => names[k] === id) ?? String(id)).sort();
    const expected: Record<string, string[]> = {
      named: ['home', 'ownName', 'relativeByName'],
      objection: ['home', 'relativeByHash'],
      nobody: ['home'],
    };
    for (const [what, report] of [['named', await file('王大山')], ['objection', await file(null, names.recipient!)], ['nobody', await file(null)]] as const) {
      const one: number[] = [];
      for (const u of handlers) if (await isRecused(t.app.db, u, report)) one.push(u.id);
      const all = await recusedUsers(t.app.db, handlers, report);
      expect(byName(all), what).toEqual(byName(one));
      expect(byName(all).filter((k) => k in names), what).toEqual(expected[what]);
    }
  });

  it('leaves the recused out of the assign form of a report page', async () => {
    const report = await file('王大山');
    const lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead', 'intake']));
    await lead.post(`/staff/reports/${report.id}/accept`, {}, `/staff/reports/${report.id}`);
    const page = (await lead.get(`/staff/reports/${report.id}`)).body;
    expect(page).toContain('周五');
    for (const name of ['赵一', '王大山', '李二']) expect(page, name).not.toMatch(new RegExp(`<option[^>]*>[^<]*${name}`));
  });
});
