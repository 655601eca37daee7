// The staff report page names each element once (found by the issue 19 office-workflow journey): the
// facts row of the 交办期限 and the date field of the assignee's request for a later one were both
// id="assignment-due", so the field's label "申请延至" pointed at the facts row and the field had no
// name for a screen reader (or for a test that finds it by its label). Checked where both show: the
// township assignee's page with a running assignment, and the county's with her request waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInChina } from '../../../src/clocks/index.js';
import { fileReport } from '../../../src/reports/index.js';
import { findUnitByKey, type Unit } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';

let t: TestApp;
let county: Session, township: Session;
let townshipStaff: TestStaff;
let townshipUnit: Unit;

/** Ids used more than once in the page. */
function repeatedIds(html: string): string[] {
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}

/** The element a label names: the tag that carries the label's `for` id. */
function labelled(html: string, text: string): string {
  const label = new RegExp(`<label for="([^"]+)">${text}</label>`).exec(html);
  expect(label, `a label "${text}"`).not.toBeNull();
  const target = new RegExp(`<(\\w+)[^>]*\\sid="${label![1]}"`).exec(html);
  expect(target, `the element #${label![1]}`).not.toBeNull();
  return target![1]!;
}

beforeAll(async () => {
  t = await makeApp();
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  townshipStaff = await createStaff(t.app, 'gov:220102001', ['handler'], { displayName: '郑春生' });
  township = await signIn(t.app, townshipStaff);
  townshipUnit = (await findUnitByKey(t.app.db, 'gov:220102001'))!;
});
afterAll(() => t.close());

describe('the report page with a running 交办期限', () => {
  it('uses each id once, and the request form\'s date field is the one its label names', async () => {
    const { report } = await fileReport(
      t.app.deps,
      { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: '村主任把他表弟一家评成了低保户，家里开着小卖部。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
    const page = `/staff/reports/${report.id}`;
    expect((await county.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    const due = addDays(todayInChina(), 10);
    expect((await county.post(`${page}/assign`, { unit_id: String(townshipUnit.id), assignee_id: String(townshipStaff.user.id), due }, page)).statusCode).toBe(303);

    const assignee = await township.get(page);
    expect(assignee.statusCode).toBe(200);
    expect(assignee.body).toContain('<div id="assignment-due">');
    expect(assignee.body).toContain('name="assignment_due"');
    expect(repeatedIds(assignee.body)).toEqual([]);
    expect(labelled(assignee.body, '申请延至')).toBe('input');

    const later = addDays(todayInChina(), 20);
    expect((await township.post(`${page}/assignment_extension`, { assignment_due: later, assignment_reason: '村主任外出务工，月底才回村。' }, page)).statusCode).toBe(303);
    const assigner = await county.get(page);
    expect(assigner.body).toContain('同意延期');
    expect(repeatedIds(assigner.body)).toEqual([]);
  });
});
