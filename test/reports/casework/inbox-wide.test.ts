// The inbox of a dense scope (a bureau whose tree holds many reports: SCOPE_PLAN.denseReports, set
// low here) in time order: read newest first with the tree tested on each row, instead of every
// report of the tree read through the unit indexes and sorted (issue 22: 0.3 s for a prefecture,
// 1.7 s for the province at 200,000 reports).
// The rows are the same as a county's own view shows; the plan is asserted on SQLite only (on
// PostgreSQL the planner chooses by statistics, and the rows are checked the same).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPostgres } from '../../../src/db/connection.js';
import { fileReport } from '../../../src/reports/index.js';
import { countInbox, dashboardCounts, DASHBOARD_PLAN, inboxCountPlan, inboxPlan, listInbox, type InboxFilter } from '../../../src/reports/casework/inbox.js';
import { aVillageOf } from '../../helpers/reports.js';
import { inArray } from 'drizzle-orm';
import { reports } from '../../../src/reports/tables.js';
import { SCOPE_PLAN, scopeOf } from '../../../src/reports/casework/scope.js';
import { PAGE_PLAN } from '../../../src/reports/casework/repository/inbox.js';
import { dashboardTallies } from '../../../src/reports/casework/repository/dashboard.js';
import { findUnit } from '../../../src/units/index.js';
import { staffContext, type StaffContext } from '../../../src/plugins/auth.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn } from '../../helpers/staff.js';
import { addDays, todayInChina } from '../../../src/clocks/index.js';

let t: TestApp;
let province: StaffContext, prefecture: StaffContext, county: StaffContext;
let provinceStaff: Awaited<ReturnType<typeof createStaff>>;
/** The county again, asked after the reports were filed: a dense scope that is no wide tree. */
let denseCounty: StaffContext;

async function contextAt(unitKey: string) {
  const s = await createStaff(t.app, unitKey, ['supervisor']);
  return staffContext(s.user, (await findUnit(t.app.db, s.user.unitId))!);
}

const filter = (over: Partial<InboxFilter> = {}): InboxFilter => ({ queue: 'all', sort: 'newest', limit: 5, ...over });

const shipped = SCOPE_PLAN.denseReports;
const shippedFew = PAGE_PLAN.fewMatches;

beforeAll(async () => {
  t = await makeApp();
  // The province's and the prefecture's scopes count as dense with the dozen reports filed here; the
  // county's is asked before any is filed and so stays read through its unit indexes.
  provinceStaff = await createStaff(t.app, 'ca:220000', ['supervisor']);
  province = staffContext(provinceStaff.user, (await findUnit(t.app.db, provinceStaff.user.unitId))!);
  prefecture = await contextAt('ca:220100');
  county = await contextAt('ca:220102');
  SCOPE_PLAN.denseReports = 5;
  PAGE_PLAN.fewMatches = 5;
  await listInbox(t.app.db, county, filter());
  for (let i = 0; i < 12; i++) {
    await fileReport(
      t.app.deps,
      { category: i % 2 ? 'favouritism' : 'wrong_grant', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: null, subjectIsHead: false, description: `第${i}份举报：评低保不公开。`, happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: null },
    );
  }
  denseCounty = await contextAt('ca:220102');
});
afterAll(async () => {
  SCOPE_PLAN.denseReports = shipped;
  PAGE_PLAN.fewMatches = shippedFew;
  await t.close();
});

describe('the inbox of a wide unit tree', () => {
  it('lists the same reports, page by page, as the county that handles them', async () => {
    const today = todayInChina();
    for (const f of [filter(), filter({ sort: 'oldest' }), filter({ category: 'favouritism' }), filter({ status: 'received' }), filter({ status: 'closed' }), filter({ status: 'received', category: 'favouritism' }), filter({ status: 'received', sort: 'oldest' }), filter({ status: 'received', from: today, to: today }), filter({ status: 'received', region: '220100' }), filter({ sort: 'due' }), filter({ sort: 'due', status: 'received' }), filter({ sort: 'due', region: '220100' })]) {
      const own = await listInbox(t.app.db, county, { ...f, limit: 50 });
      for (const wide of [province, prefecture, denseCounty]) {
        const ids: number[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await listInbox(t.app.db, wide, { ...f, after });
          ids.push(...page.rows.map((r) => r.id));
          if (!page.next) break;
          after = page.next;
        }
        expect(ids).toEqual(own.rows.map((r) => r.id));
      }
    }
  });

  it('reads the reports in time order through the received_at index, with no sort of the whole tree (SQLite plan)', async () => {
    if (isPostgres(t.app.db)) return; // PostgreSQL plans by its statistics; the rows are checked above.
    for (const staff of [province, prefecture]) {
      for (const f of [filter(), filter({ sort: 'oldest' })]) {
        const plan = (await inboxPlan(t.app.db, staff, f)).join('\n');
        expect(plan).toMatch(/reports_received_idx/);
        expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      }
      // A status, common in the tree (received) or rare (closed: none), newest or oldest first, with
      // a date range: that status's reports in time order through reports_wide_status_idx, the tree
      // tested in the index (the count reads no table row), no sort: the unit indexes gathered the
      // status over every unit of the tree, and time order passed the whole table for a rare one.
      for (const f of [filter({ status: 'received' }), filter({ status: 'closed' }), filter({ status: 'received', sort: 'oldest' }), filter({ status: 'closed', from: '2026-01-01', to: '2026-02-01' })]) {
        const plan = (await inboxPlan(t.app.db, staff, f)).join('\n');
        expect(plan, JSON.stringify(f)).toMatch(/USING (COVERING )?INDEX reports_wide_status_idx\b/);
        expect(plan, JSON.stringify(f)).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
        expect((await inboxCountPlan(t.app.db, staff, f)).join('\n'), JSON.stringify(f)).toMatch(/USING COVERING INDEX reports_wide_status_idx\b/);
      }
      // The overdue queue: its page reads the range of past due dates, as its count does, not every
      // report of the tree in time order to find the few (an empty page cost ≈ 170 ms at 200,000 reports).
      for (const f of [filter({ queue: 'overdue' }), filter({ queue: 'overdue', sort: 'due' })]) {
        const plan = (await inboxPlan(t.app.db, staff, f)).join('\n');
        expect(plan, JSON.stringify(f)).toMatch(/USING INDEX reports_due_idx \(due_on<\?\)/);
        expect(plan, JSON.stringify(f)).not.toMatch(/reports_received_idx|reports_due_sort_idx/);
      }
    }
    // By due date: the due-date expression's index in order, also with a prefecture's region filter
    // or a status, instead of every report of the tree sorted (1.2 s at 200,000 reports).
    for (const staff of [province, prefecture]) {
      for (const [f, index] of [[filter({ sort: 'due' }), 'reports_due_sort_idx'], [filter({ sort: 'due', region: '220100' }), 'reports_due_sort_idx'], [filter({ sort: 'due', status: 'received' }), 'reports_due_sort_idx']] as const) {
        const plan = (await inboxPlan(t.app.db, staff, f)).join('\n');
        expect(plan).toMatch(new RegExp(`USING INDEX ${index}\\b`));
        expect(plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
      }
    }
    // A county's dense tree with a category (or channel, or clock) filter: its unit indexes, not the
    // whole table in time order for the ≈ 1 in 400 reports that are the county's and of the category.
    for (const f of [filter({ category: 'favouritism' }), filter({ channel: 'online' }), filter({ clock: 'on_time' })]) {
      const plan = (await inboxPlan(t.app.db, denseCounty, f)).join('\n');
      expect(plan, JSON.stringify(f)).toMatch(/reports_unit_status_idx/);
      expect(plan, JSON.stringify(f)).not.toMatch(/reports_received_idx/);
    }
    expect((await inboxPlan(t.app.db, denseCounty, filter())).join('\n')).toMatch(/reports_received_idx/);
    // Nothing but the tree: the count reads its unit indexes, which stop after cap + 1, not the table
    // in time order (a small prefecture's 1,001 after ≈ 40,000: ≈ 11 ms at 200,000 reports).
    for (const staff of [province, prefecture]) {
      const plan = (await inboxCountPlan(t.app.db, staff, filter())).join('\n');
      expect(plan).toMatch(/reports_unit_status_idx/);
      expect(plan).not.toMatch(/reports_received_idx/);
    }
    // A county filter reads the county's own index (the tree tested on each row), and a small
    // scope (the county's own, asked before any report was filed) keeps its unit indexes.
    expect((await inboxPlan(t.app.db, prefecture, filter({ region: '220102', status: 'received' }))).join('\n')).toMatch(/reports_county_status_received_idx/);
    expect((await inboxPlan(t.app.db, county, filter())).join('\n')).not.toMatch(/reports_received_idx/);
  });

  it('counts a county or township filter with a status in its index alone: the tree and a home-village recusal tested there, no table row read (SQLite plan)', async () => {
    if (isPostgres(t.app.db)) return;
    const withHome = await createStaff(t.app, 'ca:220100', ['supervisor'], { homeVillageCode: '220102001002' });
    const recused = staffContext(withHome.user, (await findUnit(t.app.db, withHome.user.unitId))!);
    for (const staff of [prefecture, county, recused]) {
      for (const [f, index] of [
        [filter({ region: '220102', status: 'received' }), 'reports_county_status_received_idx'],
        [filter({ region: '220102001', status: 'received' }), 'reports_township_status_received_idx'],
      ] as const) {
        const plan = (await inboxCountPlan(t.app.db, staff, f)).join('\n');
        expect(plan, JSON.stringify(f)).toMatch(new RegExp(`USING COVERING INDEX ${index}\\b`));
        // The count is still the number of reports the pages list.
        const listed = (await listInbox(t.app.db, staff, { ...f, limit: 50 })).rows.length;
        expect((await countInbox(t.app.db, staff, f, 1000)).n, JSON.stringify(f)).toBe(listed);
      }
    }
  });

  it('counts by a prefecture what its pages list: the reports of its counties, by county as a county filter is', async () => {
    // Two reports of 吉林市's 昌邑区 (220202), one of them placed in a village of 长春市's 南关区 (a place
    // that does not match its county): by its county it is 吉林市's, on the pages and in the count.
    const village = await aVillageOf(t.app, '220202');
    const ids: number[] = [];
    for (const [countyCode, placeCode] of [['220202', village], ['220202', '220102001001']] as const) {
      ids.push((await fileReport(t.app.deps, { category: 'favouritism', placeCode, placeOther: null, countyCode, townshipCode: placeCode.slice(0, 9), subjectName: null, subjectPosition: null, subjectIsHead: false, description: '评低保不公开。', happenedAt: null, identity: null } as never, [], { channel: 'online', nonce: null })).report.id);
    }
    const listedIn = async (region: string) => (await listInbox(t.app.db, province, { ...filter({ region }), limit: 50 })).rows.map((r) => r.id);
    expect(await listedIn('220200')).toEqual(expect.arrayContaining(ids));
    expect(await listedIn('220100')).not.toContain(ids[1]);
    for (const f of [filter({ region: '220100' }), filter({ region: '220100', category: 'favouritism' }), filter({ region: '220100', status: 'received' }), filter({ region: '220200' }), filter({ region: '220200', queue: 'unassigned' })]) {
      const listed = (await listInbox(t.app.db, province, { ...f, limit: 50 })).rows.length;
      expect((await countInbox(t.app.db, province, f, 1000)).n, JSON.stringify(f)).toBe(listed);
    }
  });

  it('counts the overdue queue of a wide tree through the due dates, the same reports its pages list', async () => {
    // The test writes the reports' rows itself (tests may reach a feature's tables).
    const some = (await listInbox(t.app.db, county, filter({ limit: 3 }))).rows.map((r) => r.id);
    await t.app.db.update(reports).set({ dueOn: '2020-01-01' }).where(inArray(reports.id, some)).run();
    for (const staff of [province, prefecture, county]) {
      for (const f of [filter({ queue: 'overdue' }), filter({ queue: 'overdue', region: '220100' }), filter({ queue: 'overdue', category: 'favouritism' })]) {
        const listed = (await listInbox(t.app.db, staff, { ...f, limit: 50 })).rows.map((r) => r.id);
        expect((await countInbox(t.app.db, staff, f, 1000)).n, JSON.stringify(f)).toBe(listed.length);
      }
      expect((await listInbox(t.app.db, staff, { ...filter({ queue: 'overdue' }), limit: 50 })).rows.map((r) => r.id).sort()).toEqual([...some].sort());
    }
  });

  it('counts a status over a wide tree as its pages list it', async () => {
    for (const staff of [province, prefecture]) {
      for (const f of [filter({ status: 'received' }), filter({ status: 'received', category: 'favouritism' }), filter({ status: 'received', from: todayInChina(), to: todayInChina() }), filter({ status: 'closed' }), filter({ status: 'received', region: '220100' })]) {
        const listed = (await listInbox(t.app.db, staff, { ...f, limit: 50 })).rows.length;
        expect(listed, JSON.stringify(f)).toBeGreaterThan(f.status === 'closed' ? -1 : 0);
        expect((await countInbox(t.app.db, staff, f, 1000)).n, JSON.stringify(f)).toBe(listed);
      }
    }
  });

  it("tallies a wide tree's dashboard as the county's, each state a report ends in up to the cap, shown as \"cap+\"", async () => {
    const ids = (await listInbox(t.app.db, county, filter({ limit: 50 }))).rows.map((r) => r.id);
    const shippedCap = DASHBOARD_PLAN.cap;
    try {
      // Three closed, one being investigated and overdue, one hastened.
      await t.app.db.update(reports).set({ status: 'closed', dueOn: null }).where(inArray(reports.id, ids.slice(0, 3))).run();
      await t.app.db.update(reports).set({ status: 'investigating', dueOn: '2020-02-02', hastenPending: true }).where(inArray(reports.id, ids.slice(3, 4))).run();
      const own = await dashboardCounts(t.app.db, county);
      expect(own.byStatus.find((s) => s.status === 'closed')?.n).toBe(3);
      expect(own.clock.overdue).toBeGreaterThan(0);
      expect(own.clock.hastened).toBe(1);
      // The same as the tree's exact tallies through its unit indexes (the province also holds 吉林市's two reports filed above).
      const byName = (list: { status: string }[]) => [...list].sort((a, b) => a.status.localeCompare(b.status));
      for (const wide of [province, prefecture]) {
        const counts = await dashboardCounts(t.app.db, wide);
        const exact = await dashboardTallies(t.app.db, (await scopeOf(t.app.db, wide)).condition, { userId: wide.user.id, unitId: wide.unit.id, roles: wide.roles }, todayInChina(), addDays(todayInChina(), 3));
        expect(byName(counts.byStatus)).toEqual(byName(exact.byStatus));
        expect(counts.clock).toEqual(exact.clock);
        expect(counts.clock.overdue).toBe(own.clock.overdue);
        expect(counts.byStatus.find((s) => s.status === 'closed')?.n).toBe(3);
      }
      DASHBOARD_PLAN.cap = 2;
      const capped = await dashboardCounts(t.app.db, province);
      expect(capped.byStatus.find((s) => s.status === 'closed')).toEqual({ status: 'closed', n: 2, more: true });
      // The open states stay exact.
      expect(capped.byStatus.filter((s) => s.status !== 'closed')).toEqual((await dashboardCounts(t.app.db, province)).byStatus.filter((s) => s.status !== 'closed'));
      const page = await (await signIn(t.app, provinceStaff)).get('/staff');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<td>2+</td>');
      expect(page.body).toContain('“2+”表示超过2件');
    } finally {
      DASHBOARD_PLAN.cap = shippedCap;
    }
  });
});
