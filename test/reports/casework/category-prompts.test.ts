// Category prompts on the staff report page (issue 18 item 9): a police category (涉黑涉恶) offers
// the transfer to the police first, an official's-misconduct category the referral to discipline
// inspection — at the top of the action area, only to a user the permission table lets take that
// action and only in a state that allows it; the prompt points to the form, it does not act.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileReport, findReport, type Category } from '../../../src/reports/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';

let t: TestApp;
let intake: Session, handler: Session;

const POLICE_PROMPT = '涉黑涉恶线索：请先转办公安机关';
const REFERRAL_PROMPT = '反映干部问题：请考虑移送纪检监察机关';

async function newReport(category: Category) {
  const { report } = await fileReport(
    t.app.deps,
    { category, placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村里有人仗着家族势力大，把持低保评议，谁提意见就上门威胁。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return report;
}

async function accepted(category: Category) {
  const report = await newReport(category);
  const page = `/staff/reports/${report.id}`;
  expect((await intake.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
  expect((await findReport(t.app.db, report.id))!.status).toBe('accepted');
  return page;
}

/** The action area of the page: from its heading to the timeline. */
function actionArea(html: string): string {
  const start = html.indexOf('id="actions-title"');
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('class="timeline"', start));
}

beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  // A handler of the handling unit sees the report but, not being its responsible person, may not
  // transfer or refer it (permissions.ts handOver).
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
});
afterAll(() => t.close());

describe('police prompt (涉黑涉恶)', () => {
  it('offers the transfer to the police first, citing 信访工作条例第二十三条, to a user who may transfer and not to one who may not', async () => {
    const page = await accepted('organized_crime');
    const res = await intake.get(page);
    expect(res.statusCode).toBe(200);
    const area = actionArea(res.body);
    // At the top of the action area, before any form.
    const prompt = area.indexOf('id="category-prompt"');
    expect(prompt).toBeGreaterThan(0);
    expect(prompt).toBeLessThan(area.indexOf('<form'));
    expect(area).toContain(POLICE_PROMPT);
    expect(area).toContain('《信访工作条例》第二十三条“对不属于本机关、单位或者本系统职权范围的，应当告知信访人向有权处理的机关、单位提出”');
    expect(area).toContain('对社会救助领域涉黑涉恶问题线索，及时移送有关部门和机构严肃查处');
    // It points to the transfer form (which it does not replace) and preselects the county's police.
    expect(area).toContain('href="#transfer"');
    expect(area).toContain('id="transfer"');
    const police = (await findUnitByKey(t.app.db, 'dept:220102:police'))!;
    expect(area).toMatch(new RegExp(`<option value="${police.id}" selected>`));
    // Not the referral prompt as well.
    expect(area).not.toContain(REFERRAL_PROMPT);
    // Showing the page transferred nothing.
    expect((await findReport(t.app.db, Number(page.split('/').pop())))!.status).toBe('accepted');

    // The handler sees the same page without the prompt (nor the transfer form).
    const other = await handler.get(page);
    expect(other.statusCode).toBe(200);
    expect(other.body).toContain('涉黑涉恶');
    expect(other.body).not.toContain('id="category-prompt"');
    expect(other.body).not.toContain(POLICE_PROMPT);
  });

  it('appears once the report is in a state the transfer takes (after acceptance, not while received)', async () => {
    const fresh = await newReport('organized_crime');
    const page = `/staff/reports/${fresh.id}`;
    const received = await intake.get(page);
    expect(received.statusCode).toBe(200);
    expect(received.body).not.toContain(POLICE_PROMPT);
    expect((await intake.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
    expect((await intake.get(page)).body).toContain(POLICE_PROMPT);
  });
});

describe('referral prompt (officials\u2019 misconduct)', () => {
  it('offers the referral to discipline inspection, citing 信访工作条例第三十条, to a user who may refer and not to one who may not', async () => {
    for (const category of ['favouritism', 'bankbook_custody', 'impersonation'] as const) {
      const page = await accepted(category);
      const area = actionArea((await intake.get(page)).body);
      const prompt = area.indexOf('id="category-prompt"');
      expect(prompt, category).toBeGreaterThan(0);
      expect(prompt).toBeLessThan(area.indexOf('<form'));
      expect(area).toContain(REFERRAL_PROMPT);
      expect(area).toContain('《信访工作条例》第三十条“对信访人提出的检举控告类事项，纪检监察机关或者有权处理的机关、单位应当依规依纪依法接收、受理、办理和反馈”');
      expect(area).toContain('href="#refer"');
      expect(area).toContain('id="refer"');
      expect(area).not.toContain(POLICE_PROMPT);

      const other = await handler.get(page);
      expect(other.statusCode).toBe(200);
      expect(other.body).not.toContain(REFERRAL_PROMPT);
    }
    // A category that does not involve officials has the referral form but no prompt.
    const plain = await intake.get(await accepted('left_out'));
    expect(plain.body).toContain('id="refer"');
    expect(plain.body).not.toContain('id="category-prompt"');
  });
});
