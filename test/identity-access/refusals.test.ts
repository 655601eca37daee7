// Requests that could never be answered are refused with a reason: a deciding unit with no
// custodian (issue 19 item 5: the request reached nobody while the page said the custodian was
// told) and an identity deleted under the retention schedule (issue 15).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, findReport, updateReport, type Identity } from '../../src/reports/index.js';
import { requestIdentity } from '../../src/identity-access/service.js';
import { staffContext } from '../../src/plugins/auth.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff } from '../helpers/staff.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const IDENTITY: Identity = { name: '孙建国', phone: '13904317777', email: 'sun@example.invalid', address: '幸福村三组' };
const REASON = '需要电话联系举报人核实低保户家庭财产情况。';

async function realNameReport() {
  const filed = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: IDENTITY } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return (await findReport(t.app.db, filed.report.id))!;
}

async function contextOf(unitKey: string, roles: Parameters<typeof createStaff>[2]) {
  const s = await createStaff(t.app, unitKey, roles);
  return staffContext(s.user, (await findUnitByKey(t.app.db, unitKey))!);
}

describe('identity requests that could not be answered', () => {
  it('are refused while the deciding unit has no custodian, and go through once it has one', async () => {
    const report = await realNameReport();
    // 南关区's requests are decided by 长春市民政局, which has no custodian yet in this database.
    const handler = await contextOf('ca:220102', ['handler']);
    await expect(requestIdentity(t.app.deps, handler, report, REASON)).rejects.toThrow(expect.objectContaining({ messageKey: 'identity_access.errors.no_custodian', statusCode: 409 }));
    await createStaff(t.app, 'ca:220100', ['custodian']);
    expect((await requestIdentity(t.app.deps, handler, report, REASON)).status).toBe('pending');
  });

  it('at the top, the requester does not count as the custodian', async () => {
    const report = await realNameReport();
    const leadCustodian = await contextOf('ca:220000', ['lead', 'custodian']);
    await expect(requestIdentity(t.app.deps, leadCustodian, report, REASON)).rejects.toThrow(expect.objectContaining({ messageKey: 'identity_access.errors.no_custodian' }));
  });

  it('are refused for an identity deleted under the retention schedule', async () => {
    const report = await realNameReport();
    await updateReport(t.app.db, report.id, { identitySealed: null, identityErasedAt: Date.now() });
    const handler = await contextOf('ca:220102', ['handler']);
    await expect(requestIdentity(t.app.deps, handler, { ...report, identitySealed: null, identityErasedAt: Date.now() }, REASON)).rejects.toThrow(expect.objectContaining({ messageKey: 'identity_access.errors.erased' }));
  });
});
