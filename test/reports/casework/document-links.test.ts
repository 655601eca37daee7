// The staff report page lists the written notices of the report (issue 18, "Written notices as
// documents": staff can print them for letters and visits), each with its print page and .docx.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fileReport } from '../../../src/reports/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';

let t: TestApp;
let lead: Session;
beforeAll(async () => {
  t = await makeApp();
  lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead', 'handler', 'intake']));
});
afterAll(() => t.close());

it('shows no document before acceptance, and the 受理告知书 with its print and Word links after', async () => {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '我父亲七十六岁一个人生活，申请低保两次都说材料不全。', happenedAt: null, identity: { name: '王秀英', phone: '13900000000', email: '', address: '南关区幸福乡幸福村3组' } },
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  expect((await lead.get(page)).body).not.toContain('受理告知书');
  expect((await lead.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  const body = (await lead.get(page)).body;
  expect(body).toContain('受理告知书');
  expect(body).toContain(`href="${page}/documents/acceptance"`);
  expect(body).toContain(`href="${page}/documents/acceptance.docx"`);
  expect((await lead.get(`${page}/documents/acceptance`)).statusCode).toBe(200);
});

it('words a matter the 信访局 forwarded as forwarded, not as a letter (issue 19 item 12)', async () => {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '我父亲七十六岁一个人生活，申请低保两次都说材料不全。', happenedAt: null, identity: null },
    [],
    { channel: 'letter', nonce: null, source: 'xinfang_bureau', sourceRef: '南信转〔2026〕7号' },
  );
  const page = `/staff/reports/${report.id}`;
  // The report page names where it came from (issue 19 item 12).
  expect((await lead.get(page)).body).toContain('信访局转送/交办（来文号：南信转〔2026〕7号）');
  expect((await lead.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  const doc = (await lead.get(`${page}/documents/acceptance`)).body;
  expect(doc).toContain('经信访部门转送反映的');
  expect(doc).not.toContain('来信反映的');
});
