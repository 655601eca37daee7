// A village the size of the largest in the province (718 listed, bench/findings.md: its page was
// 366 KB): the first posting lists the whole roster, three later rounds change a few entries, a
// fifth is open now, and 恒安社区 gets a first list of 110 people, open now. Past postings are one
// summary line each, a large open posting links to its own page, and each posting's page lists
// its entries (keyset-paged) with the objection links.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { importRecipientList, maskName } from '../../src/disclosure/index.js';
import { onPostgres } from '../../src/db/engine.js';
import { POSTING_PAGE_SIZE } from '../../src/disclosure/public-view.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { csvList, decode, HENGAN, HUAYANG, ids, NANLING, objectionLinks, type Line } from './helpers.js';

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶';
const LAST = '淑桂秀玉凤兰英华春梅丽艳红霞云芳敏静国建志明文军永德海立振庆宝福贵富成山林树忠义广长来金银喜顺平安俊伟强';
const BIG = 718;
const HENGAN_SIZE = 110;

let t: TestApp;
const people = ids(BIG + 20 + HENGAN_SIZE, 1);
/** Three-character made-up names whose masked forms (surname, *, last character) are all distinct. */
const nameOf = (i: number) => SURNAMES[i % SURNAMES.length]! + '小' + LAST[Math.floor(i / SURNAMES.length)]!;
const masked = (i: number) => maskName(nameOf(i));
const line = (i: number, amount: number, village = '华阳社区'): Line => [nameOf(i), people[i]!, 1 + (i % 5), amount, i % 10 === 0 ? '特困' : '低保', village];

/** Postings of 华阳社区, oldest first, with what each announced. */
const expected: { counts: [number, number, number]; removed: number[] }[] = [];
/** 华阳社区's postings by id, oldest first, and 恒安社区's one. */
let huayangPostings: number[] = [];
let henganPosting = 0;

beforeAll(async () => {
  t = await makeApp();
  const today = todayInChina();
  const roster = new Map<number, number>(Array.from({ length: BIG }, (_, i) => [i, 300 + (i % 50) * 10]));
  const importRound = async (day: number, extra: Line[] = []) => {
    const lines = [...[...roster].map(([i, amount]) => line(i, amount)), ...extra];
    const outcome = await importRecipientList(t.app.deps, { type: 'system' }, NANLING, csvList(lines), { today: addDays(today, day) });
    if (outcome.kind !== 'imported') throw new Error(`import failed: ${JSON.stringify(outcome).slice(0, 300)}`);
  };
  await importRound(-150);
  expected.push({ counts: [BIG, 0, 0], removed: [] });
  // Rounds 1–3 (past) and 4 (open now, with 恒安社区's first list): some leave, some change, some join.
  for (let r = 1; r <= 4; r++) {
    const removed = Array.from({ length: 6 - r }, (_, k) => 10 * r + k);
    const changed = Array.from({ length: 3 + r }, (_, k) => 100 * r + k);
    const joined = Array.from({ length: 3 }, (_, k) => BIG + 3 * r + k);
    for (const i of removed) roster.delete(i);
    for (const i of changed) roster.set(i, 900 + r);
    for (const i of joined) roster.set(i, 400);
    expected.push({ counts: [joined.length, changed.length, removed.length], removed });
    const hengan = r === 4 ? Array.from({ length: HENGAN_SIZE }, (_, k) => line(BIG + 20 + k, 500, '恒安社区')) : [];
    await importRound(r === 4 ? -1 : -150 + 30 * r, hengan);
  }
  const rows = await t.app.db.all<{ id: number; v: string }>(sql`SELECT id, village_code AS v FROM postings ORDER BY id`);
  huayangPostings = rows.filter((p) => p.v === HUAYANG).map((p) => p.id);
  henganPosting = rows.find((p) => p.v === HENGAN)!.id;
});
afterAll(() => t.close());

const get = (url: string, lang?: string) => t.app.inject({ url, ...(lang ? { cookies: { lang } } : {}) });
const summary = (c: readonly [number, number, number]) => `新增 ${c[0]} 户，变更 ${c[1]} 户，停发 ${c[2]} 户`;
const postingUrl = (village: string, id: number) => `/disclosure/villages/${village}/postings/${id}`;

describe('the largest village page', () => {
  it('stays small: past postings are summary lines, the open posting is listed in full', async () => {
    expect(huayangPostings.length).toBe(5);
    const page = await get(`/disclosure/villages/${HUAYANG}`);
    expect(page.statusCode).toBe(200);
    const bytes = Buffer.byteLength(page.body);
    console.log(`largest village page: ${bytes} bytes`);
    expect(bytes).toBeLessThan(40_000); // was ≈ 410 KB with the past postings' entries
    // The open posting (12 entries) and the first roster page (50) carry objection links; nothing else.
    expect(expected[4]!.counts).toEqual([3, 7, 2]);
    expect(objectionLinks(page.body).length).toBe(12 + 50);
    expect(page.body).toContain(summary([3, 7, 2]));
    expect(page.body).toContain('公示中');
  });

  it('shows each past posting as one line with its period, correct counts and a link', async () => {
    const page = decode((await get(`/disclosure/villages/${HUAYANG}`)).body);
    const past = huayangPostings.slice(0, 4).reverse(); // newest first
    const lines = [...page.matchAll(/<li><a href="(\/disclosure\/villages\/\d+\/postings\/\d+)">公示期：(\S+) 至 (\S+)<\/a> <span class="muted">([^<]+)<\/span><\/li>/g)];
    expect(lines.map((m) => m[1])).toEqual(past.map((id) => postingUrl(HUAYANG, id)));
    expect(lines.map((m) => m[4])).toEqual([3, 2, 1, 0].map((r) => summary(expected[r]!.counts)));
    const today = todayInChina();
    // 公示期7天 counts the day of posting: each period ends six days after it starts (issue 19 item 15).
    expect(lines.map((m) => m[2])).toEqual([-60, -90, -120, -150].map((d) => addDays(today, d)));
    expect(lines.map((m) => m[3])).toEqual([-54, -84, -114, -144].map((d) => addDays(today, d)));

    // The history page lists the same lines.
    const history = decode((await get(`/disclosure/villages/${HUAYANG}/postings`)).body);
    for (const [i, id] of past.entries()) {
      expect(history).toContain(`href="${postingUrl(HUAYANG, id)}"`);
      expect(history).toContain(summary(expected[3 - i]!.counts));
    }
    expect(objectionLinks(history).length).toBe(0);
    expect(Buffer.byteLength(history)).toBeLessThan(10_000);
  });

  it('no longer shows the names of past postings\' entries', async () => {
    const page = (await get(`/disclosure/villages/${HUAYANG}`)).body;
    // Removed in rounds 1–3 (only in past postings), or listed only in the first posting and past the first roster page.
    const onlyInPast = [...expected[1]!.removed, ...expected[2]!.removed, ...expected[3]!.removed, 700, 717];
    for (const i of onlyInPast) expect(page, masked(i)).not.toContain(masked(i));
    // Those of the open posting are there.
    for (const i of expected[4]!.removed) expect(page).toContain(masked(i));
  });

  it('links a large open posting to its own page instead of listing it', async () => {
    const page = decode((await get(`/disclosure/villages/${HENGAN}`)).body);
    expect(page).toContain('公示中');
    expect(page).toContain(summary([HENGAN_SIZE, 0, 0]));
    expect(page).toContain(`href="${postingUrl(HENGAN, henganPosting)}"`);
    expect(page).toContain(`查看本次公示的全部 ${HENGAN_SIZE} 条`);
    expect(objectionLinks(page).length).toBe(50); // the roster page only
    const posting = await get(postingUrl(HENGAN, henganPosting));
    expect(posting.statusCode).toBe(200);
    expect(posting.body).toContain('公示中');
    expect(objectionLinks(posting.body).length).toBe(POSTING_PAGE_SIZE);
  });
});

describe('a posting\'s own page', () => {
  it('lists its entries with the objection links, keyset-paged to the end', async () => {
    const first = huayangPostings[0]!;
    const recipientIds = new Map((await t.app.db.all<{ id: number; m: string }>(sql`SELECT id, masked_name AS m FROM recipients`)).map((r) => [r.m, r.id]));
    let url: string | undefined = postingUrl(HUAYANG, first);
    const seen: number[] = [];
    let pages = 0;
    while (url) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      const body = decode(res.body);
      const links = objectionLinks(body);
      expect(links.length).toBe(Math.min(POSTING_PAGE_SIZE, BIG - seen.length));
      expect(body).toContain(`第 ${seen.length + 1}–${seen.length + links.length} 条，共 ${BIG} 条。`);
      for (const link of links) {
        expect([...link.searchParams.keys()]).toEqual(['category', 'prefecture', 'county', 'township', 'village', 'objection']);
        expect(Object.fromEntries(link.searchParams)).toMatchObject({ category: 'wrong_grant', prefecture: '220100', county: '220102', township: NANLING, village: HUAYANG });
        seen.push(Number(link.searchParams.get('objection')));
      }
      if (pages === 0) {
        expect(body).toContain(summary([BIG, 0, 0]));
        expect(body).toContain('公示期已结束');
        expect(body).toContain(`<caption>${addDays(todayInChina(), -150)} 至 ${addDays(todayInChina(), -144)} 公示的对象</caption>`);
        expect(body).toContain(`aria-label="对此有异议：${masked(0)}"`);
        expect(body).toContain(`<a href="/disclosure/villages/${HUAYANG}">华阳社区</a> › <span aria-current="page">公示期：`);
      }
      pages++;
      url = /href="([^"]+)" rel="next"/.exec(body)?.[1];
      if (url) expect(url).toMatch(new RegExp(`^${postingUrl(HUAYANG, first)}\\?after=\\d+$`));
    }
    expect(pages).toBe(Math.ceil(BIG / POSTING_PAGE_SIZE));
    // Every person of the first list once, in the order they were posted.
    expect(seen).toEqual(Array.from({ length: BIG }, (_, i) => recipientIds.get(masked(i))));
  });

  it('files an objection to a posted removal as 一刀切退保', async () => {
    const body = decode((await get(postingUrl(HUAYANG, huayangPostings[1]!))).body);
    expect(body).toContain(summary(expected[1]!.counts));
    for (const i of expected[1]!.removed) expect(body).toContain(masked(i));
    const categories = objectionLinks(body).map((l) => l.searchParams.get('category'));
    expect(categories.filter((c) => c === 'blanket_removal').length).toBe(expected[1]!.removed.length);
    expect(categories.filter((c) => c === 'wrong_grant').length).toBe(expected[1]!.counts[0] + expected[1]!.counts[1]);
  });

  it('answers 404 for another village\'s posting, an unknown id or a bad one, and is cached', async () => {
    expect((await get(postingUrl(HENGAN, huayangPostings[0]!))).statusCode).toBe(404);
    expect((await get(postingUrl(HUAYANG, henganPosting))).statusCode).toBe(404);
    expect((await get(postingUrl(HUAYANG, 999_999))).statusCode).toBe(404);
    expect((await get(`/disclosure/villages/${HUAYANG}/postings/abc`)).statusCode).toBe(404);
    expect((await get(`/disclosure/villages/${HUAYANG}/postings/0`)).statusCode).toBe(404);
    expect((await get(`/disclosure/villages/${NANLING}/postings/${huayangPostings[0]}`)).statusCode).toBe(404);
    const url = postingUrl(HUAYANG, huayangPostings[2]!);
    const [a, b] = [await get(url), await get(url)];
    expect([a.headers['x-cache'], b.headers['x-cache']]).toEqual(['miss', 'hit']);
    expect(a.headers['set-cookie']).toBeUndefined();
  });

  it('speaks Korean and English', async () => {
    const url = postingUrl(HUAYANG, huayangPostings[0]!);
    const ko = decode((await get(url, 'ko')).body);
    expect(ko).toContain(`모두 ${BIG}건 가운데 1~${POSTING_PAGE_SIZE}번째.`);
    expect(ko).toContain('공시 기간이 끝났습니다');
    const en = decode((await get(url, 'en')).body);
    expect(en).toContain(`Entries 1–${POSTING_PAGE_SIZE} of ${BIG}.`);
    const village = decode((await get(`/disclosure/villages/${HENGAN}`, 'ko')).body);
    expect(village).toContain(`이번 공시 ${HENGAN_SIZE}건을 모두 보고 이의 제기하기`);
  });

  // SQLite's query plan: about the SQLite engine.
  it.skipIf(onPostgres)('reads a page of entries through the posting index', () => {
    const plan = t.app.db.$client
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM posting_entries WHERE posting_id = ? AND id > ? ORDER BY id LIMIT 101')
      .all(huayangPostings[0], 500) as { detail: string }[];
    const detail = plan.map((p) => p.detail).join(' ');
    expect(detail).toMatch(/posting_entries_posting_idx \(posting_id=\? AND (?:rowid|id)>\?\)/);
    expect(detail).not.toContain('TEMP B-TREE');
  });
});
