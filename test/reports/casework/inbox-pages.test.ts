// The inbox as a county and a city office page through it (issue 19 item 13): the number of matching
// reports (exact up to 1,000, then "1,000+"), keyset links both ways that give back exactly the page
// before, and the columns an office needs (被反映人, 承办单位, 交办期限 beside the legal date).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { fileReport } from '../../../src/reports/index.js';
import { reports } from '../../../src/reports/tables.js';
import { childrenOf } from '../../../src/regions/index.js';
import { findUnitByKey } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { fileReportIn } from '../../helpers/reports.js';
import { cloneReports, idsOnPage, linkOf } from './inbox-fixtures.js';

let t: TestApp;
let county: Session;
let city: Session;
let source: number;
let other: number;
let township: { code: string; name: string };
let assignee: TestStaff;
let clones: number[];

beforeAll(async () => {
  t = await makeApp();
  township = (await childrenOf(t.app.db, '220102'))[0]!;
  const village = (await childrenOf(t.app.db, township.code))[0]!;
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: village.code, placeOther: null, countyCode: '220102', townshipCode: township.code, subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户。', happenedAt: null, identity: null } as never,
    [],
    { channel: 'online', nonce: null },
  );
  source = report.id;
  other = await fileReportIn(t.app, '220103');
  // 1,100 more reports of the same county: over the 1,000 the inbox counts exactly.
  clones = await cloneReports(t.app, source, 1100);
  assignee = await createStaff(t.app, `gov:${township.code}`, ['handler'], { displayName: '郑春生' });
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['supervisor', 'intake']));
  city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
});
afterAll(() => t.close());

describe('inbox total', () => {
  it('shows the exact number up to 1,000 and "1,000+" beyond, counted within the user’s scope', async () => {
    const all = await county.get('/staff/reports');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('共1,000+件');

    // Exactly 1,000 letters: the exact number, no "+".
    await t.app.db.update(reports).set({ channel: 'letter' }).where(inArray(reports.id, clones.slice(0, 1000))).run();
    const thousand = await county.get('/staff/reports?channel=letter');
    expect(thousand.body).toContain('共1,000件');
    expect(thousand.body).not.toContain('1,000+');
    await t.app.db.update(reports).set({ channel: 'letter' }).where(eq(reports.id, clones[1000]!)).run();
    expect((await county.get('/staff/reports?channel=letter')).body).toContain('共1,000+件');

    // The other county's report is not counted: seven visits here, one there.
    await t.app.db.update(reports).set({ channel: 'visit' }).where(inArray(reports.id, [...clones.slice(1001, 1008), other])).run();
    const visits = await county.get('/staff/reports?channel=visit');
    expect(visits.body).toContain('共7件');
    expect(linkOf(visits.body, 'next')).toBeNull();
    expect((await city.get('/staff/reports?channel=visit')).body).toContain('共8件');
  });

  it('counts the whole filter on a later page too, not the rows left after the cursor', async () => {
    const ids = clones.slice(100, 230);
    await t.app.db.update(reports).set({ category: 'connections' }).where(inArray(reports.id, ids)).run();
    const first = await county.get('/staff/reports?category=connections');
    expect(first.body).toContain('共130件');
    const second = await county.get(linkOf(first.body, 'next')!);
    expect(second.body).toContain('共130件');
  });
});

describe('inbox pages both ways', () => {
  beforeAll(async () => {
    // 130 reports of one category: pages of 50, 50 and 30. Ties on every sort key in threes, and
    // some without a due date, so the cursors must order by id within a tie.
    const ids = clones.slice(300, 430);
    await t.app.db.update(reports).set({ category: 'wrong_grant' }).where(inArray(reports.id, ids)).run();
    for (const [i, id] of ids.entries()) {
      const due = i % 10 === 9 ? null : `2026-05-${String(1 + (Math.floor(i / 3) % 20)).padStart(2, '0')}`;
      await t.app.db.update(reports).set({ receivedAt: Date.parse('2026-02-01T08:00:00+08:00') + Math.floor(i / 3) * 1000, dueOn: due }).where(eq(reports.id, id)).run();
    }
  });

  for (const sort of ['newest', 'due'] as const) {
    it(`goes forward over three pages and back again to exactly the same pages (sort ${sort}), filters kept`, async () => {
      const firstUrl = `/staff/reports?category=wrong_grant&sort=${sort}`;
      const forward: { url: string; ids: number[] }[] = [];
      let url: string | null = firstUrl;
      while (url) {
        const res = await county.get(url);
        expect(res.statusCode).toBe(200);
        forward.push({ url, ids: idsOnPage(res.body) });
        if (forward.length === 1) expect(linkOf(res.body, 'prev'), 'the first page has no previous page').toBeNull();
        else expect(linkOf(res.body, 'prev')).toContain('category=wrong_grant');
        url = linkOf(res.body, 'next');
        if (url) expect(url).toContain(`sort=${sort}`);
      }
      expect(forward.map((p) => p.ids.length)).toEqual([50, 50, 30]);
      expect(new Set(forward.flatMap((p) => p.ids)).size).toBe(130);

      // Back from the third page: the second, then the first, each exactly as seen going forward.
      const third = await county.get(forward[2]!.url);
      const back2 = await county.get(linkOf(third.body, 'prev')!);
      expect(idsOnPage(back2.body)).toEqual(forward[1]!.ids);
      const back1 = await county.get(linkOf(back2.body, 'prev')!);
      expect(idsOnPage(back1.body)).toEqual(forward[0]!.ids);
      expect(linkOf(back1.body, 'prev'), 'back at the first page: no previous page').toBeNull();
      // And forward again from a page reached backwards.
      expect(idsOnPage((await county.get(linkOf(back1.body, 'next')!)).body)).toEqual(forward[1]!.ids);
      expect(idsOnPage((await county.get(linkOf(back2.body, 'next')!)).body)).toEqual(forward[2]!.ids);
    });
  }
});

describe('inbox columns', () => {
  it('shows the subject, the handling unit and the 交办期限 beside the legal date; the city sees which county is late', async () => {
    const gov = (await findUnitByKey(t.app.db, `gov:${township.code}`))!;
    await t.app.db
      .update(reports)
      .set({ status: 'investigating', assignedUnitId: gov.id, assigneeId: assignee.user.id, assignmentDue: '2026-01-20', dueOn: '2026-02-10', clockRule: 'xinfang.handling' })
      .where(eq(reports.id, source))
      .run();
    await t.app.db.update(reports).set({ status: 'accepted', dueOn: '2026-01-31', clockRule: 'xinfang.handling' }).where(eq(reports.id, other)).run();

    const res = await city.get('/staff/reports?queue=overdue');
    expect(res.statusCode).toBe(200);
    // The row of a report, whatever comes before its link (a batch-accept box for intake, issue 19 item 12).
    const row = (id: number) => res.body.split('<tr').find((r) => r.includes(`<a href="/staff/reports/${id}">`)) ?? '';
    const mine = row(source);
    expect(mine).toContain('王德福');
    expect(mine).toContain('村干部');
    expect(mine).toContain((await findUnitByKey(t.app.db, 'ca:220102'))!.name);
    expect(mine).toContain('2026-01-20');
    expect(mine).toContain('2026-02-10');
    expect(mine).toContain('郑春生');
    expect(mine).toContain(gov.name);
    expect(row(other)).toContain((await findUnitByKey(t.app.db, 'ca:220103'))!.name);
    expect(res.body).toContain('<th scope="col">被反映人</th>');
    expect(res.body).toContain('<th scope="col">承办单位</th>');
    expect(res.body).toContain('<th scope="col">交办期限</th>');
    // On a phone the table scrolls inside a region a keyboard can reach, named by the page's heading.
    expect(res.body).toMatch(/<div class="table-wrap" tabindex="0" role="region" aria-labelledby="inbox-title inbox-total">/);
    expect(res.body).toContain('id="inbox-title"');
  });
});
