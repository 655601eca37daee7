// More time for an assignment (issue 19 item 2): the township's responsible person asks the
// assigning unit for a later 交办期限 with a reason and a date (never after the legal due date); the
// county's intake officers and leads are told in-app and by mail; one of them grants it (the new date
// replaces the old) or refuses it with a reason. Both steps are on the report's timeline, internal:
// the reporter sees neither. A user of another county finds no such report (404), the assignee
// cannot decide, and nobody decides on their own request.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addDays, todayInChina } from '../../../src/clocks/index.js';
import { noticeCount } from '../../../src/notifications/index.js';
import { eventsOf, fileReport, findReport } from '../../../src/reports/index.js';
import { findUnitByKey, type Unit } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

let t: TestApp;
let intake: Session, lead: Session, supervisor: Session, otherCounty: Session, assignee: Session, neighbour: Session, countyHandler: Session;
let intakeStaff: TestStaff, leadStaff: TestStaff, assigneeStaff: TestStaff, countyHandlerStaff: TestStaff;
let township: Unit, county: Unit;
const sent: { to: string; subject: string; text: string }[] = [];

const today = () => todayInChina();
const REASON = '涉及的三户低保家庭常年在外务工，需要等他们春节回村后入户核查。';

async function assignedReport(to: { unit: Unit; staff: TestStaff }, due = addDays(today(), 10)) {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  expect((await intake.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  expect((await intake.post(`${page}/assign`, { unit_id: String(to.unit.id), assignee_id: String(to.staff.user.id), due }, page)).statusCode).toBe(303);
  const r = (await findReport(t.app.db, report.id))!;
  return { id: report.id, page, handlingDue: r.handlingDue!, due };
}

const typesOf = async (id: number) => (await eventsOf(t.app.db, id)).map((e) => e.type);

beforeAll(async () => {
  t = await makeApp();
  vi.spyOn(t.app.deps.mailer, 'sendLater').mockImplementation((mail) => {
    sent.push(mail);
  });
  county = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  township = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
  intakeStaff = await createStaff(t.app, 'ca:220102', ['intake']);
  intake = await signIn(t.app, intakeStaff);
  leadStaff = await createStaff(t.app, 'ca:220102', ['lead']);
  lead = await signIn(t.app, leadStaff);
  supervisor = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['supervisor']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['intake', 'handler', 'lead', 'supervisor']));
  assigneeStaff = await createStaff(t.app, 'gov:220102001', ['handler'], { displayName: '郑春生' });
  assignee = await signIn(t.app, assigneeStaff);
  neighbour = await signIn(t.app, await createStaff(t.app, 'gov:220102001', ['handler']));
  // A county officer who handles casework herself and also takes in reports.
  countyHandlerStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler']);
  countyHandler = await signIn(t.app, countyHandlerStaff);
});
afterAll(() => t.close());

describe('asking the assigning unit for a later 交办期限', () => {
  it('is asked by the assignee with a reason and a date within the legal one; the county is told; a lead grants it', async () => {
    const { id, page, handlingDue, due } = await assignedReport({ unit: township, staff: assigneeStaff });
    const form = (await assignee.get(page)).body;
    expect(form).toContain(`action="${page}/assignment_extension"`);
    // Nobody else at the township asks in her place.
    expect((await neighbour.get(page)).body).not.toContain(`action="${page}/assignment_extension"`);
    expect((await neighbour.post(`${page}/assignment_extension`, { assignment_due: addDays(due, 5), assignment_reason: REASON }, page)).statusCode).toBe(403);

    // A reason of fewer than five characters, and a date past the legal one, are refused with the input kept.
    const wanted = addDays(due, 7);
    const short = await assignee.post(`${page}/assignment_extension`, { assignment_due: wanted, assignment_reason: '太忙' }, page);
    expect(short.statusCode).toBe(409);
    expect(short.body).toContain('请写明理由（至少5个字）。');
    expect(short.body).toMatch(new RegExp(`name="assignment_due"[^>]* value="${wanted}"`));
    const tooLate = await assignee.post(`${page}/assignment_extension`, { assignment_due: addDays(handlingDue, 1), assignment_reason: REASON }, page);
    expect(tooLate.statusCode).toBe(409);
    expect(tooLate.body).toContain('交办期限不能晚于法定期限');
    expect(tooLate.body).toContain(REASON);
    expect((await findReport(t.app.db, id))!.assignmentExtensionRequest).toBeNull();

    sent.length = 0;
    expect((await assignee.post(`${page}/assignment_extension`, { assignment_due: wanted, assignment_reason: REASON }, page)).statusCode).toBe(303);
    const asked = (await findReport(t.app.db, id))!;
    expect(asked.assignmentDue).toBe(due);
    expect(JSON.parse(asked.assignmentExtensionRequest!)).toMatchObject({ due: wanted, reason: REASON, by: assigneeStaff.user.id });
    // The assigning unit — the county's intake officers and leads — is told, in the portal and by mail, without the report's content.
    for (const who of [intakeStaff, leadStaff, countyHandlerStaff]) expect(await noticeCount(t.app.db, who.user.id, { kind: 'assignment_extension_requested' })).toBe(1);
    expect(sent.map((m) => m.to).sort()).toEqual([intakeStaff.user.email, leadStaff.user.email, countyHandlerStaff.user.email].sort());
    for (const m of sent) expect(m.text).not.toContain(REASON);
    expect((await assignee.get(page)).body).toContain(`您已申请把交办期限延至${wanted}`);

    // Another county: no such report. The assignee: not hers to decide. A supervisor: not the assigning desk.
    expect((await otherCounty.get(page)).statusCode).toBe(404);
    expect((await otherCounty.post(`${page}/assignment_extension_decision`, { decision: 'approve' }, '/staff/profile')).statusCode).toBe(404);
    expect((await assignee.post(`${page}/assignment_extension_decision`, { decision: 'approve' }, page)).statusCode).toBe(403);
    expect((await supervisor.post(`${page}/assignment_extension_decision`, { decision: 'approve' }, page)).statusCode).toBe(403);
    expect((await findReport(t.app.db, id))!.assignmentDue).toBe(due);

    // The county lead sees the request and grants it: the new date replaces the old.
    const decision = (await lead.get(page)).body;
    expect(decision).toContain(`action="${page}/assignment_extension_decision"`);
    expect(decision).toContain(REASON);
    expect(decision).toContain(wanted);
    sent.length = 0;
    expect((await lead.post(`${page}/assignment_extension_decision`, { decision: 'approve' }, page)).statusCode).toBe(303);
    const granted = (await findReport(t.app.db, id))!;
    expect(granted.assignmentDue).toBe(wanted);
    expect(granted.assignmentExtensionRequest).toBeNull();
    expect(await noticeCount(t.app.db, assigneeStaff.user.id, { kind: 'assignment_extension_decided' })).toBe(1);
    expect(sent.map((m) => m.to)).toEqual([assigneeStaff.user.email]);

    // On the timeline, internal: the reporter sees neither step.
    expect(await typesOf(id)).toEqual(expect.arrayContaining(['assignment_extension_requested', 'assignment_extended']));
    const visible = (await eventsOf(t.app.db, id, true)).map((e) => e.type);
    expect(visible).not.toContain('assignment_extension_requested');
    expect(visible).not.toContain('assignment_extended');
    const timeline = (await assignee.get(page)).body;
    expect(timeline).toContain('申请延长交办期限');
    expect(timeline).toContain('同意延长交办期限');
  });

  it('is refused with a reason, the 交办期限 unchanged', async () => {
    const { id, page, due } = await assignedReport({ unit: township, staff: assigneeStaff });
    expect((await assignee.post(`${page}/assignment_extension`, { assignment_due: addDays(due, 3), assignment_reason: REASON }, page)).statusCode).toBe(303);
    // A second request while one waits is refused.
    expect((await assignee.post(`${page}/assignment_extension`, { assignment_due: addDays(due, 4), assignment_reason: REASON }, page)).statusCode).toBe(409);
    const bare = await intake.post(`${page}/assignment_extension_decision`, { decision: 'refuse', decision_reason: '' }, page);
    expect(bare.statusCode).toBe(409);
    expect(bare.body).toContain('请写明理由（至少5个字）。');
    const why = '交办期限已经考虑了入户时间，请按期办结。';
    expect((await intake.post(`${page}/assignment_extension_decision`, { decision: 'refuse', decision_reason: why }, page)).statusCode).toBe(303);
    const refused = (await findReport(t.app.db, id))!;
    expect(refused.assignmentDue).toBe(due);
    expect(refused.assignmentExtensionRequest).toBeNull();
    const event = (await eventsOf(t.app.db, id)).find((e) => e.type === 'assignment_extension_refused')!;
    expect(event).toMatchObject({ body: why, visibleToReporter: false, actorId: intakeStaff.user.id });
    expect((await assignee.get(page)).body).toContain(why);
  });

  it('is never decided by the one who asked, even when she sits at the assigning desk', async () => {
    // The county assigned the report to one of its own officers, who also takes in reports.
    const { id, page, due } = await assignedReport({ unit: county, staff: countyHandlerStaff });
    const told = async (who: TestStaff) => noticeCount(t.app.db, who.user.id, { kind: 'assignment_extension_requested' });
    const [herBefore, intakeBefore] = [await told(countyHandlerStaff), await told(intakeStaff)];
    expect((await countyHandler.post(`${page}/assignment_extension`, { assignment_due: addDays(due, 3), assignment_reason: REASON }, page)).statusCode).toBe(303);
    // The others at the desk are told; she is not told of her own request.
    expect(await told(countyHandlerStaff)).toBe(herBefore);
    expect(await told(intakeStaff)).toBe(intakeBefore + 1);
    expect((await countyHandler.get(page)).body).not.toContain(`action="${page}/assignment_extension_decision"`);
    const own = await countyHandler.post(`${page}/assignment_extension_decision`, { decision: 'approve' }, page);
    expect(own.statusCode).toBe(403);
    expect(own.body).toContain('您不能审批本人提出的延长交办期限申请');
    expect((await findReport(t.app.db, id))!.assignmentDue).toBe(due);
    expect((await intake.post(`${page}/assignment_extension_decision`, { decision: 'approve' }, page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.assignmentDue).toBe(addDays(due, 3));
  });
});
