// The handling and review clocks through the real services, at fixed dates (issue 18, defects
// 3–5). The day of the event is not counted (民法典第二百零一条); a last day off moves to the next
// working day (第二百零三条). 2027 is not in chinese-days: the override rows below stand in for the
// operator's table (the State Council's arrangement was not published when this was written).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertOverride } from '../../../src/calendar/index.js';
import { runDeadlineSweep, supervision, workflow } from '../../../src/reports/casework/index.js';
import { reminderClaimsOf } from '../../../src/notifications/index.js';
import { staffContext, type StaffContext } from '../../../src/plugins/auth.js';
import { fileReport, findReport, type Report } from '../../../src/reports/index.js';
import { requestReview, markAnswerOpened } from '../../../src/reports/tracking.js';
import { transferService } from '../../../src/reports/transfers/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff } from '../../helpers/staff.js';
import { approvedBySecondLead } from '../../helpers/four-eyes.js';

let t: TestApp;
let county: StaffContext, city: StaffContext;

/** An instant in China time. */
const at = (local: string) => new Date(`${local}+08:00`).getTime();

beforeAll(async () => {
  t = await makeApp();
  const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  county = staffContext((await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead'])).user, unit);
  city = staffContext((await createStaff(t.app, 'ca:220100', ['supervisor', 'lead'])).user, (await findUnitByKey(t.app.db, 'ca:220100'))!);
  for (const d of ['06', '07', '08', '09', '10', '11', '12', '13', '14']) await upsertOverride(t.app.db, { date: `2027-02-${d}`, kind: 'holiday', note: '春节', updatedAt: 0 });
  await upsertOverride(t.app.db, { date: '2027-02-20', kind: 'workday', note: '春节调休', updatedAt: 0 });
});
afterAll(() => t.close());

const reload = async (r: Report) => (await findReport(t.app.db, r.id))!;

async function investigating(received: string, accepted: string): Promise<Report> {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '我母亲八十岁一个人过，申请低保三次都没批下来。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null, now: at(received) },
  );
  let r = await workflow.accept(t.app.deps, county, report, at(accepted));
  r = await workflow.assign(t.app.deps, county, r, { unitId: county.unit.id, assigneeId: county.user.id, due: r.handlingDue! }, at(accepted) + 3600_000);
  return await workflow.start(t.app.deps, county, r, at(accepted) + 7200_000);
}

async function transferredAndBack(r: Report, from: string, to: string): Promise<Report> {
  const department = (await transferService.departmentsFor(t.app.deps, r))[0]!;
  await transferService.transfer(t.app.deps, county, r, department.id, '2099-01-01', '涉嫌违法，请依法处理。', at(from));
  const sent = (await transferService.openTransfer(t.app.deps, r.id))!;
  await transferService.recordOutcome(t.app.deps, county, sent, '已核实，房屋确已出售。', [county.unit.id], at(to));
  return await reload(r);
}

async function concluded(received: string, accepted: string, on: string): Promise<Report> {
  const r = await investigating(received, accepted);
  const drafted = await workflow.draftConclusion(t.app.deps, county, r, 'unsubstantiated', '经入户核查，您母亲名下有一套住房出租，家庭收入超过当地低保标准。', at(on));
  return await approvedBySecondLead(t.app, drafted, at(on));
}

describe('art. 34: the handling clock', () => {
  it('art. 34: days away are added back in calendar days and the due date lands on a working day (National Day 2026)', async () => {
    // Accepted 1 Aug: due Wed 30 Sep. Away 25 Sep → 2 Oct (7 days): 7 Oct is 国庆节 → Thu 8 Oct
    // (plain days gave 7 Oct, a holiday).
    const r = await transferredAndBack(await investigating('2026-07-31T10:00:00', '2026-08-01T10:00:00'), '2026-09-25T09:00:00', '2026-10-02T15:00:00');
    expect(r.status).toBe('investigating');
    expect(r.handlingDue).toBe('2026-10-08');
    expect(r.dueOn).toBe('2026-10-08');
  });

  it('art. 34: a pause never leaves the due date on a Sunday (2027, weekends only)', async () => {
    // Accepted 1 Dec 2026: 60日 end Sat 30 Jan 2027. Away 10 → 30 Dec (20 days): Fri 19 Feb
    // (plain days added to the holiday-moved Mon 1 Feb gave Sun 21 Feb).
    const r = await transferredAndBack(await investigating('2026-11-30T10:00:00', '2026-12-01T10:00:00'), '2026-12-10T10:00:00', '2026-12-30T10:00:00');
    expect(r.handlingDue).toBe('2027-02-19');
  });

  it('art. 34: an extension approved after a pause runs from the running due date, not from acceptance', async () => {
    // As above, due Fri 19 Feb 2027; +30 = Sun 21 Mar → Mon 22 Mar (from acceptance: 1 Mar, the 20 days lost).
    const r = await transferredAndBack(await investigating('2026-11-30T10:00:00', '2026-12-01T10:00:00'), '2026-12-10T10:00:00', '2026-12-30T10:00:00');
    const asked = await workflow.requestExtension(t.app.deps, county, r, 30, '需要到外县核实房产登记。', at('2027-01-05T10:00:00'));
    const extended = await workflow.decideExtension(t.app.deps, county, asked, true, at('2027-01-06T10:00:00'));
    expect(extended.handlingDue).toBe('2027-03-22');
    expect((await reload(r)).handlingDue).toBe('2027-03-22');
    expect((await reload(r)).dueOn).toBe('2027-03-22');
  });

  it('art. 34: the 60-day clock stops when the written answer is sent: a concluded report is not escalated', async () => {
    const r = await concluded('2026-07-31T10:00:00', '2026-08-01T10:00:00', '2026-09-10T10:00:00');
    expect(r.status).toBe('concluded');
    expect(r.clockRule).toBeNull();
    expect(r.dueOn).toBeNull();
    await runDeadlineSweep(t.app.deps, at('2026-12-01T10:00:00'));
    const claims = await reminderClaimsOf(t.app.db, r.id);
    expect(claims).toEqual([]);
  });
});

describe('art. 35: the review clock', () => {
  it('art. 35: runs 30 days from the request, stops when decided, and a reopened case restarts the 60-day clock', async () => {
    let r = await concluded('2026-07-31T10:00:00', '2026-08-01T10:00:00', '2026-09-10T10:00:00');
    r = await markAnswerOpened(t.app.deps, r, at('2026-09-11T20:00:00'));
    // Asked while the report is still concluded; due 30日 later: 2 Sep … 12 Oct (a Monday).
    await requestReview(t.app.deps, r, '核查时没有入户，房子早就卖了。', at('2026-09-12T10:00:00'));
    r = await reload(r);
    expect(r.status).toBe('under_review');
    expect(r.dueOn).toBe('2026-10-12');

    const upheld = await supervision.answerReview(t.app.deps, city, r, 'upheld', '经复查，县民政局认定事实清楚，维持原处理意见。', at('2026-09-20T10:00:00'));
    expect(upheld.status).toBe('concluded');
    expect((await reload(r)).clockRule).toBeNull();
    expect((await reload(r)).dueOn).toBeNull();

    await markAnswerOpened(t.app.deps, await reload(r), at('2026-09-21T10:00:00'));
    await requestReview(t.app.deps, await reload(r), '复查也没有入户，请省厅复核。', at('2026-09-22T10:00:00'));
    // The re-review goes to the province; a city supervisor is not its reviewer, so reopen it as the province would.
    const province = staffContext((await createStaff(t.app, 'ca:220000', ['supervisor'])).user, (await findUnitByKey(t.app.db, 'ca:220000'))!);
    const reopened = await supervision.answerReview(t.app.deps, province, await reload(r), 'reopened', '经复核，原核查未入户，责成县民政局重新核查并答复。', at('2026-10-09T10:00:00'));
    // A new handling duty: 9 Oct + 60 = Tue 8 Dec.
    // The old assignment ends with the old duty: back to the handling unit to assign (issue 19 item 10).
    expect(reopened.status).toBe('accepted');
    expect((await reload(r)).handlingDue).toBe('2026-12-08');
    expect((await reload(r)).dueOn).toBe('2026-12-08');
  });
});
