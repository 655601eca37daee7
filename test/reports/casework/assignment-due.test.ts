// The 交办期限 checked and shown (issue 19 item 2): the county assigning a report to a township
// cannot set a due date in the past, or one that is not a date, or one after the legal handling due
// date (信访工作条例第三十四条: an assignment cannot promise more time than the law gives); a refused
// form comes back with the reason and everything the clerk chose. Once assigned, the report page of
// the township's responsible person and of the county both show the two dates, labelled, each with
// its state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInChina } from '../../../src/clocks/index.js';
import { eventsOf, fileReport, findReport } from '../../../src/reports/index.js';
import { updateReport } from '../../../src/reports/repository.js';
import { findUnitByKey, type Unit } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

let t: TestApp;
let county: Session, township: Session;
let townshipStaff: TestStaff;
let townshipUnit: Unit;

async function accepted() {
  const { report } = await fileReport(
    t.app.deps,
    // No subject position: most villagers do not know one, and the township may see it (issue 19 item 0).
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  expect((await county.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  return { id: report.id, page, handlingDue: (await findReport(t.app.db, report.id))!.handlingDue! };
}

const assignTo = (due: string) => ({ unit_id: String(townshipUnit.id), assignee_id: String(townshipStaff.user.id), due });

/** The assign form's choices as the page shows them after a refusal: the same unit, person and date. */
function expectFormKept(body: string, due: string) {
  expect(body).toMatch(new RegExp(`<option value="${townshipUnit.id}" selected>`));
  expect(body).toMatch(new RegExp(`<option value="${townshipStaff.user.id}" data-unit="${townshipUnit.id}" selected>`));
  expect(body).toContain(`name="due" min="${todayInChina()}"`);
  expect(body).toMatch(new RegExp(`id="assign-due" name="due"[^>]* value="${due}"`));
}

async function notAssigned(id: number) {
  const r = (await findReport(t.app.db, id))!;
  expect(r.status).toBe('accepted');
  expect(r.assignmentDue).toBeNull();
  expect((await eventsOf(t.app.db, id)).some((e) => e.type === 'assigned')).toBe(false);
}

/** The content of one row of the facts list, by its id. */
function row(body: string, id: string): string {
  const m = new RegExp(`<div id="${id}">([\\s\\S]*?)</div>`).exec(body);
  expect(m, `no #${id} on the page`).not.toBeNull();
  return m![1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

beforeAll(async () => {
  t = await makeApp();
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  townshipStaff = await createStaff(t.app, 'gov:220102001', ['handler'], { displayName: '郑春生' });
  township = await signIn(t.app, townshipStaff);
  townshipUnit = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
});
afterAll(() => t.close());

describe('the 交办期限 is checked', () => {
  it('refuses a date in the past with its reason, and keeps the unit, the person and the date chosen', async () => {
    const { id, page } = await accepted();
    const yesterday = addDays(todayInChina(), -1);
    const res = await county.post(`${page}/assign`, assignTo(yesterday), page);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('交办期限不能早于今天。');
    expectFormKept(res.body, yesterday);
    await notAssigned(id);
    // Today itself is a due date the county may set.
    expect((await county.post(`${page}/assign`, assignTo(todayInChina()), page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.assignmentDue).toBe(todayInChina());
  });

  it('refuses a day that does not exist', async () => {
    const { id, page } = await accepted();
    const res = await county.post(`${page}/assign`, assignTo('2026-02-30'), page);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('交办期限不是有效的日期');
    expectFormKept(res.body, '2026-02-30');
    await notAssigned(id);
  });

  it('refuses a date after the legal handling due date (第三十四条), with the form kept', async () => {
    const { id, page, handlingDue } = await accepted();
    const late = addDays(handlingDue, 1);
    const res = await county.post(`${page}/assign`, assignTo(late), page);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('交办期限不能晚于法定期限（《信访工作条例》第三十四条）');
    expectFormKept(res.body, late);
    await notAssigned(id);
    // The legal due date itself is the latest the county may set.
    expect((await county.post(`${page}/assign`, assignTo(handlingDue), page)).statusCode).toBe(303);
    expect((await findReport(t.app.db, id))!.assignmentDue).toBe(handlingDue);
  });
});

describe('the 交办期限 is shown', () => {
  it('shows both dates, labelled, with their state and the article, to the township assignee and to the county', async () => {
    const { page, handlingDue } = await accepted();
    const due = addDays(todayInChina(), 2);
    expect((await county.post(`${page}/assign`, assignTo(due), page)).statusCode).toBe(303);
    for (const [who, session] of [['township', township], ['county', county]] as const) {
      const res = await session.get(page);
      expect(res.statusCode, who).toBe(200);
      const assignment = row(res.body, 'assignment-due');
      expect(assignment, who).toContain('交办期限');
      expect(assignment, who).toContain(due);
      expect(assignment, who).toContain('3日内到期');
      const legal = row(res.body, 'legal-due');
      expect(legal, who).toContain('法定期限');
      expect(legal, who).toContain(handlingDue);
      expect(legal, who).toContain('期限内');
      expect(legal, who).toContain('第三十四条');
    }
  });

  it('shows a passed 交办期限 as overdue while the legal date is still ahead', async () => {
    const { id, page } = await accepted();
    expect((await county.post(`${page}/assign`, assignTo(todayInChina()), page)).statusCode).toBe(303);
    // The assignment was made on an earlier day: its date has passed since.
    await updateReport(t.app.db, id, { assignmentDue: addDays(todayInChina(), -2) });
    const res = await township.get(page);
    expect(row(res.body, 'assignment-due')).toContain('已超期');
    expect(row(res.body, 'legal-due')).toContain('期限内');
  });
});
