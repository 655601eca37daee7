// 合并办理 on the staff side (issue 19 item 7): the master's page lists the reports merged into it
// (case number, link, receipt date) and a merged report's page links its master — only reports the
// user may open are named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport } from '../../../src/reports/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';

let t: TestApp;
let intake: Session;

async function filed() {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return report;
}

beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
});
afterAll(() => t.close());

describe('merged reports on the staff page', () => {
  it('the master lists its merged reports with links and receipt dates; each merged report links the master', async () => {
    const master = await filed();
    const first = await filed();
    const second = await filed();
    for (const dup of [first, second]) {
      const page = `/staff/reports/${dup.id}`;
      expect((await intake.post(`${page}/merge`, { into: master.caseNo }, page)).statusCode).toBe(303);
    }
    const page = (await intake.get(`/staff/reports/${master.id}`)).body;
    const list = /<ul class="merged-reports">([\s\S]*?)<\/ul>/.exec(page)?.[1];
    expect(list, 'the list of merged reports').toBeDefined();
    for (const dup of [first, second]) expect(list).toContain(`<a href="/staff/reports/${dup.id}">${dup.caseNo}</a>`);
    expect(list).toMatch(/\d{4}-\d{2}-\d{2}/);

    const dupPage = (await intake.get(`/staff/reports/${first.id}`)).body;
    expect(/<div id="merged-into">[\s\S]*?<\/div>/.exec(dupPage)?.[0]).toContain(`<a href="/staff/reports/${master.id}">${master.caseNo}</a>`);
  });
});
