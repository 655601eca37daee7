import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileReport, findReport } from '../../src/reports/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { seedDefaultTemplates } from '../../src/templates/index.js';
import { answerTemplates } from '../../src/templates/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn } from '../helpers/staff.js';

let t: TestApp;
beforeAll(async () => { t = await makeApp(); });
afterAll(() => t.close());

it('prefills the answer from a chosen template', async () => {
  await seedDefaultTemplates(t.app.db);
  const intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  const hs = await createStaff(t.app, 'ca:220102', ['handler']);
  const handler = await signIn(t.app, hs);
  const cityLead = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['lead']));
  const filed = await fileReport(t.app.deps, { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never, [], { channel: 'online', nonce: null });
  const page = `/staff/reports/${filed.report.id}`;
  await intake.post(`${page}/accept`, {}, page);
  const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  expect((await intake.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(hs.user.id), due: (await findReport(t.app.db, filed.report.id))!.handlingDue! }, page)).statusCode).toBe(303);
  await handler.post(`${page}/start`, {}, page);
  const cityTpl = (await cityLead.post('/staff/templates', { scope: 'unit', category: 'favouritism', title: '市局自己的', body: '市局正文内容很长很长。' }, '/staff/templates/new'));
  expect(cityTpl.statusCode).toBe(303);
  const rows = await t.app.db.select().from(answerTemplates).all();
  const fav = rows.find((r) => r.category === 'favouritism' && r.unitId === null)!;
  const city = rows.find((r) => r.title === '市局自己的')!;
  const plain = await handler.get(page);
  expect(plain.body).toContain(`?template=${fav.id}#conclude`);
  expect(plain.body).not.toContain('市局自己的');
  const chosen = await handler.get(`${page}?template=${fav.id}`);
  expect(chosen.body).toContain('将其近亲属违规纳入农村低保的问题');
  const other = await handler.get(`${page}?template=${city.id}`);
  expect(other.body).not.toContain('市局正文内容');
  // concluding with the prefilled text works
  const answer = fav.body.replace(/【[^】]*】/g, '某');
  expect((await handler.post(`${page}/conclude`, { finding: 'substantiated', answer }, page)).statusCode).toBe(303);
});
