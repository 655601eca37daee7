// A case a review reopens starts its new duty cleanly (issue 19 item 10): the old assignment (person,
// 交办期限, a pending request for a later one) ends, the old finding and conclusion leave the current
// state (the timeline keeps them), the page shows the new 60日 from the reopening (第三十四条), and the
// statistics count it open — not 办结 — until it is concluded again, then once, 按期 against the new date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, fileReport, findReport, reportCountsByRegion, statsCube, updateReport } from '../../../src/reports/index.js';
import { markAnswerOpened, requestReview } from '../../../src/reports/tracking.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { loadCalendar } from '../../../src/calendar/index.js';
import { dueFrom } from '../../../src/clocks/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { approveBySecondLeadRoute } from '../../helpers/four-eyes.js';

let t: TestApp;
let lead: Session, city: Session;
let leadStaff: TestStaff;

beforeAll(async () => {
  t = await makeApp();
  leadStaff = await createStaff(t.app, 'ca:220102', ['lead', 'handler', 'intake']);
  lead = await signIn(t.app, leadStaff);
  city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
});
afterAll(() => t.close());

const ANSWER = '经核查，您父亲名下有两套住房出租，家庭收入超过当地低保标准，不符合条件。';

async function assignAndConclude(page: string, id: number) {
  const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  expect((await lead.post(`${page}/assign`, { unit_id: String(unit.id), assignee_id: String(leadStaff.user.id), due: (await findReport(t.app.db, id))!.handlingDue! }, page)).statusCode).toBe(303);
  await lead.post(`${page}/start`, {}, page);
  await lead.post(`${page}/conclude`, { finding: 'unsubstantiated', answer: ANSWER }, page);
  await approveBySecondLeadRoute(t.app, page);
  expect((await findReport(t.app.db, id))!.status).toBe('concluded');
}

/** A report answered, closed, asked for review, and reopened by the city. */
async function reopenedCase() {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'left_out', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '我父亲七十六岁一个人生活，申请低保两次都说材料不全。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  await lead.post(`${page}/accept`, {}, page);
  await assignAndConclude(page, report.id);
  await lead.post(`${page}/close`, {}, page);
  await markAnswerOpened(t.app.deps, (await findReport(t.app.db, report.id))!);
  await requestReview(t.app.deps, (await findReport(t.app.db, report.id))!, '核查时没有入户，房子早就卖了。');
  expect((await city.post(`${page}/review_answer`, { outcome: 'reopened', answer: '经复查，原核查未入户，责成县民政局重新核查并答复。' }, page)).statusCode).toBe(303);
  return { id: report.id, page };
}

/** The county's figures of the year so far, as the public statistics and reporting count them. */
async function counted() {
  const now = Date.now();
  const w = { from: now - 86_400_000 * 30, to: now + 86_400_000, cutoff: now + 1 };
  const rows = (await statsCube(t.app.db, w, [w.to, w.to, w.to])).filter((r) => r.county === '220102');
  const cube = rows.reduce((a, r) => ({ concluded: a.concluded + r.concluded, onTime: a.onTime + r.onTime, received: a.received + r.received }), { concluded: 0, onTime: 0, received: 0 });
  const region = (await reportCountsByRegion(t.app.db, ['220102'], { start: w.from, end: w.to })).get('220102');
  return { ...cube, regionConcluded: region?.concluded ?? 0, regionOnTime: region?.onTime ?? 0 };
}

describe('a case reopened by a review', () => {
  it('shows no old assignee, 交办期限 or finding, and its clock runs 60日 from the reopening', async () => {
    const { id, page } = await reopenedCase();
    const r = (await findReport(t.app.db, id))!;
    expect(r).toMatchObject({ assigneeId: null, assignedUnitId: null, assignmentDue: null, assignmentExtensionRequest: null, finding: null, answerDraft: null, concludedAt: null });
    // Back with the handling unit to assign again.
    expect(r.status).toBe('accepted');
    const reopenedAt = (await eventsOf(t.app.db, id)).find((e) => e.type === 'reopened')!.at;
    const due = dueFrom(await loadCalendar(t.app.db), 'xinfang.handling', reopenedAt).due;
    expect(r.handlingDue).toBe(due);
    expect(r.dueOn).toBe(due);

    const html = (await lead.get(page)).body;
    expect(html).not.toContain('id="assignment-due"');
    expect(html).not.toMatch(/<dt>核查结论<\/dt>/);
    expect(/<div id="legal-due">[\s\S]*?<\/div>/.exec(html)?.[0]).toContain(due);
    // The old finding and answer stay in the timeline.
    expect(html).toContain(ANSWER);
    // The handling unit can assign it again, within the new date.
    expect(html).toContain(`action="${page}/assign"`);
  });

  it('is not 办结 until concluded again, then counted once, 按期 against the new clock', async () => {
    const before = await counted();
    const { id, page } = await reopenedCase();
    const reopened = await counted();
    expect(reopened.received).toBe(before.received + 1);
    expect(reopened.concluded).toBe(before.concluded);
    expect(reopened.regionConcluded).toBe(before.regionConcluded);

    // A row reopened before this fix still carries its first conclusion: it is not counted either.
    await updateReport(t.app.db, id, { concludedAt: Date.now() - 60_000, finding: 'unsubstantiated' });
    expect((await counted()).concluded).toBe(before.concluded);
    expect((await counted()).regionConcluded).toBe(before.regionConcluded);
    await updateReport(t.app.db, id, { concludedAt: null, finding: null });

    await assignAndConclude(page, id);
    const again = await counted();
    expect(again.concluded).toBe(before.concluded + 1);
    expect(again.onTime).toBe(before.onTime + 1);
    expect(again.regionConcluded).toBe(before.regionConcluded + 1);
    expect(again.regionOnTime).toBe(before.regionOnTime + 1);
  });
});
