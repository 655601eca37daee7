// The inbox query at service level: region filters at every level and keyset paging under every
// sort, including rows that tie on the sort keys (the cursor must neither skip nor repeat them).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { fileReport } from '../../../src/reports/index.js';
import { reports } from '../../../src/reports/tables.js';
import { childrenOf } from '../../../src/regions/index.js';
import { listInbox, dashboardCounts, SORTS, type InboxFilter } from '../../../src/reports/casework/inbox.js';
import { staffContext } from '../../../src/plugins/auth.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff } from '../../helpers/staff.js';

let t: TestApp;
const filed: { id: number; county: string; township: string; village: string }[] = [];

async function file(county: string, township: string, village: string, realName: boolean) {
  const identity = realName ? { name: '张三', phone: '13900000000', email: '', address: '' } : null;
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: village, placeOther: null, countyCode: county, townshipCode: township, subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友，把不符合条件的亲属评为低保户。', happenedAt: null, identity } as never,
    [],
    { channel: 'online', nonce: null },
  );
  filed.push({ id: report.id, county, township, village });
}

beforeAll(async () => {
  t = await makeApp();
  const places: [string, string, string][] = [];
  for (const county of ['220102', '220103']) {
    const townships = (await childrenOf(t.app.db, county)).slice(0, 2);
    for (const township of townships) {
      const village = (await childrenOf(t.app.db, township.code))[0]!;
      places.push([county, township.code, village.code]);
    }
  }
  for (let i = 0; i < 24; i++) {
    const [county, township, village] = places[i % places.length]!;
    await file(county, township, village, i % 3 === 0);
  }
  // Ties: groups of three reports share one arrival time, as a bulk import or a clock tick would make.
  for (let i = 0; i < filed.length; i++) {
    await t.app.db.update(reports).set({ receivedAt: 1_790_000_000_000 + Math.floor(i / 3) * 1000 }).where(eq(reports.id, filed[i]!.id)).run();
  }
});
afterAll(() => t.close());

async function cityStaff() {
  const staff = await createStaff(t.app, 'ca:220100', ['supervisor']);
  return staffContext(staff.user, (await findUnitByKey(t.app.db, 'ca:220100'))!);
}

async function allPages(staff: Awaited<ReturnType<typeof cityStaff>>, filter: Omit<InboxFilter, 'after' | 'limit'>) {
  const ids: number[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await listInbox(t.app.db, staff, { ...filter, limit: 4, after });
    ids.push(...page.rows.map((r) => r.id));
    if (!page.next) return ids;
    after = page.next;
  }
  throw new Error('paging did not end');
}

describe('staff inbox', () => {
  it('pages through every sort without skipping or repeating a row, ties included', async () => {
    const staff = await cityStaff();
    const everything = (await listInbox(t.app.db, staff, { queue: 'all', sort: 'newest', limit: 1000 })).rows;
    expect(everything.length).toBe(filed.length);
    for (const sort of SORTS) {
      const one = (await listInbox(t.app.db, staff, { queue: 'all', sort, limit: 1000 })).rows.map((r) => r.id);
      const paged = await allPages(staff, { queue: 'all', sort });
      expect(paged, sort).toEqual(one);
      expect(new Set(paged).size, sort).toBe(filed.length);
    }
    const newest = (await listInbox(t.app.db, staff, { queue: 'all', sort: 'newest', limit: 1000 })).rows;
    for (let i = 1; i < newest.length; i++) {
      const [a, b] = [newest[i - 1]!, newest[i]!];
      expect(a.receivedAt > b.receivedAt || (a.receivedAt === b.receivedAt && a.id > b.id)).toBe(true);
    }
  });

  it('filters by a region at prefecture, county, township and village level', async () => {
    const staff = await cityStaff();
    const ids = async (region: string) => (await allPages(staff, { queue: 'all', sort: 'newest', region })).sort((a, b) => a - b);
    const expected = (keep: (r: (typeof filed)[number]) => boolean) => filed.filter(keep).map((r) => r.id).sort((a, b) => a - b);
    const one = filed[0]!;
    expect(await ids('220100')).toEqual(expected(() => true));
    expect(await ids('220102')).toEqual(expected((r) => r.county === '220102'));
    expect(await ids(one.township)).toEqual(expected((r) => r.township === one.township));
    expect(await ids(one.village)).toEqual(expected((r) => r.village === one.village));
    expect(await ids('220200')).toEqual([]);
  });

  it('ignores a cursor that was tampered with instead of failing', async () => {
    const staff = await cityStaff();
    const bad = Buffer.from(JSON.stringify([{ x: 1 }, 2])).toString('base64url');
    const page = await listInbox(t.app.db, staff, { queue: 'all', sort: 'newest', limit: 4, after: bad });
    expect(page.rows.length).toBe(4);
    const junk = await listInbox(t.app.db, staff, { queue: 'all', sort: 'newest', limit: 4, after: '%%%' });
    expect(junk.rows.length).toBe(4);
  });

  it('counts the dashboard over the same scope as the inbox', async () => {
    const staff = await cityStaff();
    const counts = await dashboardCounts(t.app.db, staff);
    const total = counts.byStatus.reduce((n, s) => n + s.n, 0);
    expect(total).toBe(filed.length);
    const county = await createStaff(t.app, 'ca:220103', ['supervisor']);
    const countyCounts = await dashboardCounts(t.app.db, staffContext(county.user, (await findUnitByKey(t.app.db, 'ca:220103'))!));
    expect(countyCounts.byStatus.reduce((n, s) => n + s.n, 0)).toBe(filed.filter((r) => r.county === '220103').length);
  });

  it('lists the dashboard statuses in the order a report moves through', async () => {
    const staff = await cityStaff();
    await t.app.db.update(reports).set({ status: 'investigating' }).where(eq(reports.id, filed[0]!.id)).run();
    await t.app.db.update(reports).set({ status: 'accepted' }).where(eq(reports.id, filed[1]!.id)).run();
    const order = (await dashboardCounts(t.app.db, staff)).byStatus.map((s) => s.status);
    expect(order).toEqual(['received', 'accepted', 'investigating']);
    await t.app.db.update(reports).set({ status: 'received' }).where(inArray(reports.id, [filed[0]!.id, filed[1]!.id])).run();
  });
});
