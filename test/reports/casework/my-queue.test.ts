// 我的待办 holds each role's next work (issue 19 item 8), by deadline: intake — reports waiting for
// acceptance and for assignment (a returned one included); a handler — what is assigned to them; a
// lead — an answer another wrote, waiting for approval; the reviewing city's supervisor — the
// pending review. Nobody's queue holds another role's work, and a reload is served from the staff
// page cache until something changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findReport } from '../../../src/reports/index.js';
import { updateReport } from '../../../src/reports/repository.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { fileReportIn } from '../../helpers/reports.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

let t: TestApp;
let intake: Session, handler: Session, lead: Session, citySupervisor: Session;
let handlerStaff: TestStaff;
const ids: Record<string, number> = {};
const caseNo = async (id: number) => (await findReport(t.app.db, id))!.caseNo;
const mine = async (who: Session) => (await who.get('/staff/reports?queue=mine')).body;

beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  handlerStaff = await createStaff(t.app, 'ca:220102', ['handler']);
  handler = await signIn(t.app, handlerStaff);
  lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead']));
  citySupervisor = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
  const county = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  const city = (await findUnitByKey(t.app.db, 'ca:220100'))!;
  const now = Date.now();
  ids.received = await fileReportIn(t.app, '220102');
  ids.unassigned = await fileReportIn(t.app, '220102');
  await updateReport(t.app.db, ids.unassigned, { status: 'accepted', acceptedAt: now });
  ids.assigned = await fileReportIn(t.app, '220102');
  await updateReport(t.app.db, ids.assigned, { status: 'investigating', acceptedAt: now, assignedUnitId: county.id, assigneeId: handlerStaff.user.id, assignedAt: now });
  ids.drafted = await fileReportIn(t.app, '220102');
  await updateReport(t.app.db, ids.drafted, { status: 'investigating', acceptedAt: now, assignedUnitId: county.id, assigneeId: handlerStaff.user.id, answerDraft: JSON.stringify({ finding: 'partly', body: '经核查部分属实。', by: handlerStaff.user.id, at: now }) });
  ids.review = await fileReportIn(t.app, '220102');
  await updateReport(t.app.db, ids.review, { status: 'under_review', acceptedAt: now, concludedAt: now, reviewLevel: 1, reviewUnitId: city.id, statusBeforeReview: 'closed', dueOn: '2099-01-01', clockRule: 'xinfang.review_answer' });
  ids.otherCounty = await fileReportIn(t.app, '220103');
});
afterAll(() => t.close());

/** Which of the fixture's reports the page lists, by name. */
async function listed(body: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, id] of Object.entries(ids)) if (body.includes(`>${await caseNo(id)}</a>`)) out.push(name);
  return out.sort();
}

describe('我的待办', () => {
  it('intake: reports waiting for acceptance and for assignment; a handler: only the reports assigned to them', async () => {
    expect(await listed(await mine(intake))).toEqual(['received', 'unassigned']);
    expect(await listed(await mine(handler))).toEqual(['assigned', 'drafted']);
  });

  it('lead: the answer waiting for approval', async () => {
    expect(await listed(await mine(lead))).toEqual(['drafted']);
  });

  it('the reviewing city supervisor: the pending review', async () => {
    expect(await listed(await mine(citySupervisor))).toEqual(['review']);
  });

  it('is ordered by deadline, and a reload is served from the cache until a new report arrives', async () => {
    const page = await intake.get('/staff/reports?queue=mine');
    expect(page.body).toMatch(/<option value="due" selected>/);
    await intake.get('/staff/reports?queue=mine');
    expect((await intake.get('/staff/reports?queue=mine')).headers['x-cache']).toBe('hit');
    const fresh = await fileReportIn(t.app, '220102');
    const after = await intake.get('/staff/reports?queue=mine');
    expect(after.headers['x-cache']).not.toBe('hit');
    expect(after.body).toContain(`>${await caseNo(fresh)}</a>`);
  });
});
