// The 交办期限 tracked like a legal clock (issue 19 item 2): the casework deadline sweep reminds the
// township's responsible person REMIND_DAYS_BEFORE days before the date the county set, and once
// it has passed tells the assigning unit (the county's intake officers and leads) and the
// responsible person — each once, audited, with an in-app notice, through the sweep the scheduler
// already runs. A concluded report is not chased; a granted extension is a new date, reminded again.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { entriesFor } from '../../../src/audit/index.js';
import { addDays, todayInChina } from '../../../src/clocks/index.js';
import { noticeCount } from '../../../src/notifications/index.js';
import type { OutgoingMail } from '../../../src/plugins/mail.js';
import { staffContext, type StaffContext } from '../../../src/plugins/auth.js';
import { decideAssignmentExtension, requestAssignmentExtension } from '../../../src/reports/casework/assignment.js';
import { REMIND_DAYS_BEFORE, runDeadlineSweep } from '../../../src/reports/casework/scheduler.js';
import { workflow } from '../../../src/reports/casework/index.js';
import { fileReport, findReport, type Report } from '../../../src/reports/index.js';
import { updateReport } from '../../../src/reports/repository.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, type TestStaff } from '../../helpers/staff.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const DESCRIPTION = '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。';

let t: TestApp;
let intake: TestStaff, lead: TestStaff, handler: TestStaff, citySupervisor: TestStaff, assignee: TestStaff;
let intakeCtx: StaffContext, leadCtx: StaffContext, assigneeCtx: StaffContext;
let townshipId: number;
const mails: OutgoingMail[] = [];

async function assigned(due: string, now: number): Promise<Report> {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: DESCRIPTION, happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null, now },
  );
  const accepted = await workflow.accept(t.app.deps, intakeCtx, report, now);
  return workflow.assign(t.app.deps, intakeCtx, accepted, { unitId: townshipId, assigneeId: assignee.user.id, due }, now);
}

const about = (r: Report) => mails.filter((m) => m.subject.includes(r.caseNo));
const recipients = (list: OutgoingMail[]) => list.map((m) => m.to).sort();
const settle = () => new Promise((r) => setTimeout(r, 100));

beforeAll(async () => {
  t = await makeApp();
  const county = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  const township = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
  townshipId = township.id;
  intake = await createStaff(t.app, 'ca:220102', ['intake']);
  lead = await createStaff(t.app, 'ca:220102', ['lead']);
  handler = await createStaff(t.app, 'ca:220102', ['handler']);
  citySupervisor = await createStaff(t.app, 'ca:220100', ['supervisor']);
  assignee = await createStaff(t.app, 'gov:220102001', ['handler']);
  intakeCtx = staffContext(intake.user, county);
  leadCtx = staffContext(lead.user, county);
  assigneeCtx = staffContext(assignee.user, township);
  // The sweep's sends (awaited, claimed); filing's and assigning's notices go another way (sendLater).
  vi.spyOn(t.app.deps.mailer, 'send').mockImplementation(async (mail) => {
    mails.push(mail);
  });
});
afterAll(() => t.close());

describe('the 交办期限 in the deadline sweep', () => {
  it(`reminds the assignee ${REMIND_DAYS_BEFORE} days before, escalates to the assigning unit after, each once`, async () => {
    const now = Date.now();
    const today = todayInChina(new Date(now));
    const report = await assigned(addDays(today, 2), now);
    const later = await assigned(addDays(today, 20), now);
    // A report concluded after its 交办期限 passed is not chased.
    const done = await assigned(addDays(today, 1), now);
    await updateReport(t.app.db, done.id, { status: 'concluded', concludedAt: now, assignmentDue: addDays(today, -3) });

    // Due in two days: the responsible person, and only she, is reminded.
    expect(await runDeadlineSweep(t.app.deps, now)).toEqual({ reminded: 1, escalated: 0 });
    expect(recipients(about(report))).toEqual([assignee.user.email]);
    const [soon] = about(report);
    expect(soon!.subject).toContain('交办期限即将到期');
    expect(soon!.text).toContain(addDays(today, 2));
    expect(soon!.text).not.toContain(DESCRIPTION.slice(0, 6));
    expect(about(later)).toEqual([]);
    expect(about(done)).toEqual([]);
    expect(await noticeCount(t.app.db, assignee.user.id, { kind: 'assignment_due_soon' })).toBe(1);
    const reminded = (await entriesFor(t.app.db, 'report', String(report.id))).filter((e) => e.action === 'report.reminded');
    expect(reminded.map((e) => JSON.parse(e.detail!))).toEqual([{ kind: 'assignment_due_soon', dueOn: addDays(today, 2), recipient: assignee.user.id }]);

    // Again: nothing more.
    expect(await runDeadlineSweep(t.app.deps, now + MINUTE)).toEqual({ reminded: 0, escalated: 0 });
    await settle();
    expect(about(report)).toHaveLength(1);

    // Four days on, the date has passed: the county's intake officer and lead, and the assignee, are told.
    const overdueAt = now + 4 * DAY;
    expect(await runDeadlineSweep(t.app.deps, overdueAt)).toEqual({ reminded: 0, escalated: 1 });
    const overdue = about(report).slice(1);
    expect(recipients(overdue)).toEqual([intake.user.email, lead.user.email, assignee.user.email].sort());
    for (const m of overdue) expect(m.subject).toContain('交办件已超过交办期限');
    expect(mails.some((m) => m.to === handler.user.email || m.to === citySupervisor.user.email)).toBe(false);
    for (const user of [intake, lead, assignee]) expect(await noticeCount(t.app.db, user.user.id, { kind: 'assignment_overdue' })).toBe(1);
    const escalated = (await entriesFor(t.app.db, 'report', String(report.id))).filter((e) => e.action === 'report.escalated');
    expect(escalated.map((e) => JSON.parse(e.detail!).recipient).sort()).toEqual([intake.user.id, lead.user.id, assignee.user.id].sort());

    // Again: nothing more.
    expect(await runDeadlineSweep(t.app.deps, overdueAt + MINUTE)).toEqual({ reminded: 0, escalated: 0 });
    await settle();
    expect(about(report)).toHaveLength(4);
    expect(about(done)).toEqual([]);

    // More time granted: the new date is a new deadline, reminded once before it too.
    const asked = await requestAssignmentExtension(t.app.deps, assigneeCtx, (await findReport(t.app.db, report.id))!, addDays(today, 6), '还有三户需要入户核查。', overdueAt + 2 * MINUTE);
    await decideAssignmentExtension(t.app.deps, leadCtx, asked, true, '', overdueAt + 3 * MINUTE);
    expect(await runDeadlineSweep(t.app.deps, overdueAt + 4 * MINUTE)).toEqual({ reminded: 1, escalated: 0 });
    expect(recipients(about(report).slice(4))).toEqual([assignee.user.email]);
    expect(await runDeadlineSweep(t.app.deps, overdueAt + 5 * MINUTE)).toEqual({ reminded: 0, escalated: 0 });
  });
});
