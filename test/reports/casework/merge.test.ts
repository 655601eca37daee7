// Merging a duplicate into another report by its case number (issue 16 defect 4): the case number is
// looked up through its unique index, never by reading every report, and one the user may not see
// is answered like one that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { onPostgres } from '../../../src/db/engine.js';
import { eventsOf, fileReport, findReport } from '../../../src/reports/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';

let t: TestApp;
let intake: Session, otherCountyIntake: Session;

async function newReport(countyCode = '220102', townshipCode = '220102001', placeCode = '220102001001') {
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode, placeOther: null, countyCode, townshipCode, subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return report;
}

/** The SQL of every statement prepared while `run` runs. */
async function statementsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const client = t.app.db.$client;
  const prepare = client.prepare;
  const seen: string[] = [];
  client.prepare = ((source: string) => {
    seen.push(source);
    return prepare.call(client, source);
  }) as typeof client.prepare;
  try {
    await run();
  } finally {
    client.prepare = prepare;
  }
  return seen;
}

/** SQLite's plan for a statement (its parameters bound to null: the plan does not depend on them). */
function planOf(source: string): string[] {
  const params = new Array(source.split('?').length - 1).fill(null);
  return (t.app.db.$client.prepare(`explain query plan ${source}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

/** Whether SQLite would read the reports table from end to end for this statement. */
function scansReports(source: string): boolean {
  if (!/"reports"/.test(source) || !/^\s*select/i.test(source)) return false;
  return planOf(source).some((detail) => /^SCAN reports\b/.test(detail) && !/USING (COVERING )?INDEX/.test(detail));
}

beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  otherCountyIntake = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['intake']));
});
afterAll(() => t.close());

describe('merging by case number', () => {
  it('merges a duplicate into the report with that case number', async () => {
    const first = await newReport();
    const duplicate = await newReport();
    const page = `/staff/reports/${duplicate.id}`;
    const res = await intake.post(`${page}/merge`, { into: ` ${first.caseNo} ` }, page);
    expect(res.statusCode).toBe(303);
    const merged = (await findReport(t.app.db, duplicate.id))!;
    expect(merged.status).toBe('merged');
    expect(merged.mergedIntoId).toBe(first.id);
    expect((await eventsOf(t.app.db, duplicate.id)).some((e) => e.type === 'merged' && e.body === first.caseNo)).toBe(true);
  });

  it('refuses an unknown case number and one out of the user\'s scope with the same clear message, changing nothing', async () => {
    const duplicate = await newReport();
    const elsewhere = await newReport('220103', '220103001', '220103001001');
    expect((await otherCountyIntake.get(`/staff/reports/${elsewhere.id}`)).statusCode).toBe(200);
    const page = `/staff/reports/${duplicate.id}`;
    for (const into of ['JL2099-999999', elsewhere.caseNo, '', `${elsewhere.caseNo}' or 1=1 --`]) {
      const res = await intake.post(`${page}/merge`, { into }, page);
      expect(res.statusCode, into).toBe(409);
      expect(res.body).toContain('找不到要合并到的举报编号，或无权查看。');
      expect((await findReport(t.app.db, duplicate.id))!.status).toBe('received');
    }
    expect((await eventsOf(t.app.db, duplicate.id)).map((e) => e.type)).toEqual(['received']);
  });

  it('refuses merging a report into itself', async () => {
    const report = await newReport();
    const page = `/staff/reports/${report.id}`;
    expect((await intake.post(`${page}/merge`, { into: report.caseNo }, page)).statusCode).toBe(409);
    expect((await findReport(t.app.db, report.id))!.status).toBe('received');
  });

  // SQLite's query plans of the statements better-sqlite3 prepares: about the SQLite engine.
  it.skipIf(onPostgres)('finds the case number through its index instead of reading every report', async () => {
    // Enough reports that a read of all of them would be the bulk of the work.
    for (let i = 0; i < 30; i++) await newReport();
    const first = await newReport();
    const duplicate = await newReport();
    const page = `/staff/reports/${duplicate.id}`;
    const csrfPage = await intake.get(page);
    expect(csrfPage.statusCode).toBe(200);
    const statements = await statementsDuring(async () => {
      expect((await intake.post(`${page}/merge`, { into: first.caseNo }, page)).statusCode).toBe(303);
    });
    const readsReports = statements.filter((s) => /"reports"/.test(s) && /^\s*select/i.test(s));
    expect(readsReports.length).toBeGreaterThan(0);
    expect(readsReports.filter(scansReports)).toEqual([]);
    // The lookup itself is one statement on the unique index of case_no.
    const lookup = readsReports.find((s) => /"case_no" = \?/.test(s) && !/"id" = \?/.test(s));
    expect(lookup).toBeDefined();
    expect(planOf(lookup!).join(' ')).toMatch(/SEARCH reports USING INDEX .*\(case_no=\?\)/);
    expect((await t.app.db.get<{ n: number }>(sql`select count(*) as n from reports`))!.n).toBeGreaterThan(30);
  });
});
