// The reports status hook (issue 24): every status transition — staff steps, an answer approved, a
// rectification, a review requested and answered, a withdrawal — is told once, inside its own
// transaction, and the exchange queues exactly one webhook event for it; steps that keep the status
// (a message, an extension request, a draft) queue nothing. Runs on both engines (DATABASE_URL).
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartner } from '../../src/exchange/index.js';
import { claimWorkOrder, findWorkOrder, setWorkOrderReport } from '../../src/exchange/repository.js';
import { exchangeDeliveries } from '../../src/exchange/tables.js';
import { query } from '../../src/db/transaction.js';
import { staffContext, type StaffContext } from '../../src/plugins/auth.js';
import { fileReport, findReport, onReportStatusChanged, supervision, workflow, type Report, type ReportStatusChange } from '../../src/reports/index.js';
import { markAnswerOpened, requestReview, withdraw } from '../../src/reports/tracking.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { approvedBySecondLead } from '../helpers/four-eyes.js';
import { createStaff } from '../helpers/staff.js';

let t: TestApp;
let county: StaffContext, city: StaffContext;
let partnerId: number;
const told: ReportStatusChange[] = [];
onReportStatusChanged((_ctx, items) => void told.push(...items));

beforeAll(async () => {
  t = await makeApp();
  const staff = async (key: string, roles: Parameters<typeof createStaff>[2]) => staffContext((await createStaff(t.app, key, roles)).user, (await findUnitByKey(t.app.db, key))!);
  county = await staff('ca:220102', ['intake', 'handler', 'lead', 'supervisor']);
  city = await staff('ca:220100', ['supervisor', 'lead']);
  partnerId = (await createPartner(t.app.db, t.app.keys, { key: 'hook-test', name: '测试伙伴', scopes: ['ca:220000'], webhookUrl: 'http://127.0.0.1:9/hook' })).partner.id;
});
afterAll(() => t.close());

let orders = 0;
/** A report filed as a partner's work order (so the exchange follows it). */
async function filedOrder(now: number): Promise<Report> {
  const filed = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '我父亲七十六岁一个人生活，申请低保两次都说材料不全。', happenedAt: null, identity: null },
    [],
    { channel: 'phone', nonce: null, now },
  );
  const no = `HOOK-${++orders}`;
  expect(await claimWorkOrder(t.app.db, { partnerId, workOrderNo: no, contentHash: no, createdAt: now })).toBe(true);
  const order = (await findWorkOrder(t.app.db, partnerId, no))!;
  await setWorkOrderReport(t.app.db, order.id, filed.report.id, 'received');
  return filed.report;
}

type Queued = { seq: number; status: string; previousStatus: string; caseNo: string };
/** The webhook events queued for a report, in order. */
async function queued(report: Report): Promise<Queued[]> {
  const rows = await query(t.app.db, (q) => q.select().from(exchangeDeliveries).orderBy(asc(exchangeDeliveries.workOrderId), asc(exchangeDeliveries.seq)).all());
  return rows.map((d) => JSON.parse(d.payload) as Queued).filter((p) => p.caseNo === report.caseNo);
}

/** Runs `step` and checks it was told once (or not at all when the status stays) and queued likewise. */
async function expectTransition(before: Report, step: () => Promise<unknown>, to: string | null): Promise<Report> {
  const toldBefore = told.length;
  const queuedBefore = (await queued(before)).length;
  await step();
  const after = (await findReport(t.app.db, before.id))!;
  const changes = told.slice(toldBefore);
  const events = (await queued(before)).slice(queuedBefore);
  if (to === null) {
    expect(after.status).toBe(before.status);
    expect(changes).toEqual([]);
    expect(events).toEqual([]);
  } else {
    expect(after.status).toBe(to);
    expect(changes).toEqual([{ reportId: before.id, status: to, previous: before.status }]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ seq: queuedBefore + 1, status: to, previousStatus: before.status });
  }
  return after;
}

describe('report status hook', () => {
  it('tells each transition of a life cycle once and queues one webhook event for it', async () => {
    const day = 86_400_000;
    let now = Date.now() - 40 * day;
    let r = await filedOrder(now);
    r = await expectTransition(r, () => workflow.accept(t.app.deps, county, r, (now += 3600_000)), 'accepted');
    r = await expectTransition(r, () => workflow.assign(t.app.deps, county, r, { unitId: county.unit.id, assigneeId: county.user.id, due: r.handlingDue! }, (now += 3600_000)), 'assigned');
    r = await expectTransition(r, () => workflow.returnAssignment(t.app.deps, county, r, '这件事不归我们办理。', (now += 3600_000)), 'accepted');
    r = await expectTransition(r, () => workflow.assign(t.app.deps, county, r, { unitId: county.unit.id, assigneeId: county.user.id, due: r.handlingDue! }, (now += 3600_000)), 'assigned');
    r = await expectTransition(r, () => workflow.start(t.app.deps, county, r, (now += 3600_000)), 'investigating');
    r = await expectTransition(r, () => workflow.staffMessage(t.app.deps, county, r, '已联系村委会核实情况。', true, (now += 3600_000)), null);
    r = await expectTransition(r, () => workflow.requestExtension(t.app.deps, county, r, 10, '需要入户核查多户家庭。', (now += 3600_000)), null);
    r = await expectTransition(r, () => workflow.draftConclusion(t.app.deps, county, r, 'unsubstantiated', '经核查，您父亲名下有两套住房出租，家庭收入超过当地低保标准。', (now += 3600_000)), null);
    r = await expectTransition(r, () => approvedBySecondLead(t.app, r, (now += 3600_000)), 'concluded');
    r = await expectTransition(r, () => supervision.startRectification(t.app.deps, county, r, [{ problem: '入户核查不到位', measures: '重新入户核查', responsiblePerson: '王某', deadline: '2027-03-01' }], (now += 3600_000)), 'rectifying');
    r = await markAnswerOpened(t.app.deps, r, (now += 3600_000));
    r = await expectTransition(r, () => requestReview(t.app.deps, r, '我认为核查不全面，请上级复查。', (now += day)), 'under_review');
    r = await expectTransition(r, () => supervision.answerReview(t.app.deps, city, r, 'reopened', '经复查，原核查未入户核实家庭收入和住房情况，事实不清，发回县民政局重新办理。', (now += day)), 'accepted');
  });

  it('tells a rejection and a withdrawal once each', async () => {
    const now = Date.now();
    const a = await filedOrder(now);
    await expectTransition(a, () => workflow.reject(t.app.deps, county, a, '不属于本部门受理范围。', now + 1000), 'rejected');
    const b = await filedOrder(now);
    await expectTransition(b, () => withdraw(t.app.deps, b, '问题已经解决。', now + 1000), 'withdrawn');
  });
});
