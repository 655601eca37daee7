import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { recipients } from '../../src/disclosure/tables.js';
import { indexVillageNames } from '../../src/disclosure/village-search.js';
import { insertRecipients } from '../../src/disclosure/repository.js';
import { todayInChina } from '../../src/clocks/index.js';
import { onPostgres } from '../../src/db/engine.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { csvList, decode, HENGAN, HUAYANG, ids, NANLING, objectionLinks, upload } from './helpers.js';

let t: TestApp;
let township: Session;
const people = ids(4, 200);

beforeAll(async () => {
  t = await makeApp();
  township = await signIn(t.app, await createStaff(t.app, `gov:${NANLING}`, ['handler']));
  const res = await upload(t.app, township, csvList([
    ['张明华', people[0]!, 3, 560, '低保', '华阳社区'],
    ['欧阳秀英', people[1]!, 1, '860.50', '特困', '华阳社区'],
    ['金美玉子', people[2]!, 2, 420, '临时救助', '恒安社区'],
  ]), 'list.csv');
  if (res.statusCode !== 200) throw new Error(`import failed: ${res.statusCode}`);
});
afterAll(() => t.close());

const get = (url: string) => t.app.inject({ url });

describe('public disclosure pages', () => {
  it('browse from the province down to the village, with no cookie set', async () => {
    const home = await get('/disclosure');
    expect(home.statusCode).toBe(200);
    expect(home.headers['set-cookie']).toBeUndefined();
    expect(home.body).toContain('href="/disclosure/regions/220100"');
    const city = await get('/disclosure/regions/220100');
    expect(city.body).toContain('href="/disclosure/regions/220102"');
    const county = await get('/disclosure/regions/220102');
    expect(county.body).toContain(`href="/disclosure/regions/${NANLING}"`);
    expect(county.body).toContain('href="/disclosure/counties/220102"');
    expect(county.body).toContain('华阳社区'); // open posting in the county
    const town = await get(`/disclosure/regions/${NANLING}`);
    expect(town.body).toContain(`href="/disclosure/villages/${HUAYANG}"`);
    expect(town.body).toContain('2 户');
    expect(town.body).toContain('公示中');
    expect((await get('/disclosure/regions/999999')).statusCode).toBe(404);
    expect((await get(`/disclosure/villages/${NANLING}`)).statusCode).toBe(404);
  });

  it('shows the village roster and open posting with masked names only, never ID digits', async () => {
    const page = await get(`/disclosure/villages/${HUAYANG}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.body).toContain('张*华');
    expect(page.body).toContain('欧阳*英');
    expect(page.body).toContain('860.50');
    expect(page.body).toContain('特困供养');
    expect(page.body).toContain('公示中');
    expect(page.body).toContain(todayInChina());
    for (const name of ['张明华', '欧阳秀英', '明华', '秀英']) expect(page.body).not.toContain(name);
    for (const id of people) {
      expect(page.body).not.toContain(id.slice(0, 17));
      expect(page.body).not.toContain(id.slice(6, 14)); // not even the birth date
    }
    expect(page.body).not.toContain('金*'); // another village's person
  });

  it('links every entry to the report form with the category, place codes and entry id only', async () => {
    const page = await get(`/disclosure/villages/${HUAYANG}`);
    const links = objectionLinks(page.body);
    // Two people on the roster and two entries in the open posting.
    expect(links.length).toBe(4);
    const rows = await t.app.db.select().from(recipients).all();
    for (const link of links) {
      expect([...link.searchParams.keys()]).toEqual(['category', 'prefecture', 'county', 'township', 'village', 'objection']);
      expect(link.searchParams.get('category')).toBe('wrong_grant');
      expect(Object.fromEntries(link.searchParams)).toMatchObject({ prefecture: '220100', county: '220102', township: NANLING, village: HUAYANG });
      const id = Number(link.searchParams.get('objection'));
      expect(rows.some((r) => r.id === id && r.villageCode === HUAYANG)).toBe(true);
    }
    // The report form takes them as a prefilled objection.
    const form = await get(links[0]!.pathname + links[0]!.search);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/name="objection" value="\d+"/);
  });

  // PostgreSQL's ids are 4-byte integers: a larger number in a link must not reach a query (a 500
  // there), and finds what SQLite finds — nothing after it, everything before it, no such posting.
  it('reads a cursor or posting id beyond any id as the largest id, on either engine', async () => {
    const huge = '99999999999';
    const after = await get(`/disclosure/villages/${HUAYANG}?after=${huge}`);
    expect(after.statusCode).toBe(200);
    expect(objectionLinks(after.body)).toEqual([]);
    expect(after.body).not.toContain('rel="next"');
    const history = await get(`/disclosure/villages/${HUAYANG}/postings?before=${huge}`);
    expect(history.statusCode).toBe(200);
    expect((await get(`/disclosure/villages/${HUAYANG}/postings/${huge}`)).statusCode).toBe(404);
    const county = await get(`/disclosure/counties/220102?after=${huge}`);
    expect(county.statusCode).toBe(200);
    expect(objectionLinks(county.body)).toEqual([]);
  });

  it('finds a village, a community or a township by two characters of its name', async () => {
    expect(await indexVillageNames(t.app.db)).toBe(0); // already indexed at start
    const res = await get(`/disclosure/search?q=${encodeURIComponent('南岭')}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`href="/disclosure/regions/${NANLING}"`); // 南岭街道
    expect(res.body).toContain('href="/disclosure/villages/220602005006"'); // 南岭社区
    expect(res.body).toContain('href="/disclosure/villages/220284102207"'); // 迎南岭村
    const middle = await get(`/disclosure/search?q=${encodeURIComponent('阳社')}`);
    expect(middle.body).toContain(`href="/disclosure/villages/${HUAYANG}"`);
    const none = await get(`/disclosure/search?q=${encodeURIComponent('不存在的地方')}`);
    expect(none.body).toContain('没有找到');
  });

  it('is cached, and a new import shows at once (miss → hit → miss with the new content)', async () => {
    const url = `/disclosure/villages/${HENGAN}`;
    const first = await get(url);
    const second = await get(url);
    expect([first.headers['x-cache'], second.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(second.body).toBe(first.body);
    expect(first.body).not.toContain('李*');
    const res = await upload(t.app, township, csvList([
      ['金美玉子', people[2]!, 2, 420, '临时救助', '恒安社区'],
      ['李四', people[3]!, 3, 510, '低保', '恒安社区'],
    ]), 'list.csv');
    expect(res.statusCode).toBe(200);
    const third = await get(url);
    expect(third.headers['x-cache']).toBe('miss');
    expect(third.body).toContain('李*');
    expect((await get(url)).headers['x-cache']).toBe('hit');
  });

  it('never caches a signed-in staff member\'s view of a public page for others', async () => {
    const url = `/disclosure/regions/${NANLING}`;
    t.app.deps.publicCache.invalidate();
    const staffView = await township.get(url);
    expect(staffView.statusCode).toBe(200);
    const anonymous = await get(url);
    expect(anonymous.body).not.toContain('/staff/logout');
    expect(anonymous.body).not.toContain('name="_csrf"');
  });

  it('pages a large county roster by keyset, deep pages included, on the county index', async () => {
    const now = Date.now();
    const bulk = Array.from({ length: 3000 }, (_, i) => ({
      villageCode: i % 2 ? HUAYANG : HENGAN,
      townshipCode: NANLING,
      countyCode: '220102',
      idHash: `bulk-${i}`,
      maskedName: `王*${i % 10}`,
      surname: '王',
      householdSize: 1 + (i % 5),
      monthlyAmountFen: 30000 + i,
      type: 'dibao',
      status: i % 7 === 0 ? 'removed' : 'active',
      sinceOn: '2025-01-01',
      updatedAt: now,
    }));
    await insertRecipients(t.app.db, bulk);
    const active = await t.app.db.all<{ id: number }>(sql`SELECT id FROM recipients WHERE county_code = '220102' AND status = 'active' ORDER BY id`);
    const deep = active[active.length - 60]!.id;
    const page = await get(`/disclosure/counties/220102?after=${deep}`);
    expect(page.statusCode).toBe(200);
    const ids = objectionLinks(page.body).map((l) => Number(l.searchParams.get('objection')));
    expect(ids).toEqual(active.slice(active.length - 59, active.length - 9).map((r) => r.id));
    expect(decode(page.body)).toMatch(/href="\/disclosure\/counties\/220102\?after=\d+" rel="next"/);
    const last = await get(`/disclosure/counties/220102?after=${active[active.length - 10]!.id}`);
    expect(objectionLinks(last.body).length).toBe(9);
    expect(last.body).not.toContain('rel="next"');

    // SQLite's query plan (on PostgreSQL the planner is another's).
    if (!onPostgres) {
      const plan = t.app.db.$client
        .prepare(`EXPLAIN QUERY PLAN SELECT * FROM recipients WHERE county_code = ? AND status = 'active' AND id > ? ORDER BY id LIMIT 51`)
        .all('220102', deep) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX recipients_county_idx \(county_code=\? AND status=\? AND (?:rowid|id)>\?\)/);
      expect(plan.map((p) => p.detail).join(' ')).not.toContain('TEMP B-TREE');
    }

    // The village roster pages the same way.
    const village = await get(`/disclosure/villages/${HUAYANG}`);
    const next = /href="(\/disclosure\/villages\/\d+\?after=\d+)" rel="next"/.exec(decode(village.body))?.[1];
    expect(next).toBeDefined();
    const second = await get(next!);
    expect(second.statusCode).toBe(200);
    expect(objectionLinks(second.body).length).toBe(50);
  });
});
