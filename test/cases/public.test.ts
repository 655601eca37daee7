import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCases } from '../../src/demo/cases.js';
import { findCase, updateCase } from '../../src/cases/repository.js';
import { searchIds } from '../../src/search/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { concludedReport, COUNTY, FACTS } from './helpers.js';
import { checkXml } from './xml.js';
import { secondLeadSession } from '../helpers/four-eyes.js';

let t: TestApp;
let lead: Session, leadStaff: TestStaff;

const get = (url: string) => t.app.inject({ url });
/** Titles of the cases on a public list page, in order. */
const titles = (html: string) => [...html.matchAll(/<h2 lang="zh-CN"><a href="\/cases\/\d+">([^<]+)<\/a><\/h2>/g)].map((m) => m[1]!);

beforeAll(async () => {
  t = await makeApp({ baseUrl: 'https://jubao.example.gov.cn' });
  expect(await seedDemoCases(t.app.deps)).toBe(8);
  leadStaff = await createStaff(t.app, `ca:${COUNTY}`, ['lead', 'handler', 'intake']);
  lead = await signIn(t.app, leadStaff);
});
afterAll(() => t.close());

describe('the public list', () => {
  it('shows published cases, newest quarter first, with no cookie', async () => {
    const res = await get('/cases');
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    const list = titles(res.body);
    expect(list).toHaveLength(8);
    expect(list[0]).toContain('镇赉县'); // 2026Q4
    expect(list[list.length - 1]).toContain('双阳区'); // 2026Q1, the earlier of the two
    expect(res.body).toContain('2026年第四季度');
  });

  it('filters by quarter, region and category', async () => {
    expect(titles((await get('/cases?quarter=2026Q1')).body)).toEqual(['长春市榆树市弓棚镇民政助理李某吃拿卡要问题', '长春市双阳区鹿乡镇某村村干部王某优亲厚友问题']);
    const changchun = titles((await get('/cases?prefecture=220100')).body);
    expect(changchun).toHaveLength(2);
    const yushu = await get('/cases?prefecture=220100&county=220182');
    expect(titles(yushu.body)).toEqual(['长春市榆树市弓棚镇民政助理李某吃拿卡要问题']);
    expect(yushu.body).toContain('<option value="220182" selected>');
    // A county outside the chosen prefecture is ignored rather than mixed in.
    expect(titles((await get('/cases?prefecture=220100&county=220821')).body)).toHaveLength(2);
    expect(titles((await get('/cases?category=embezzlement')).body)).toEqual(['白山市抚松县松江河镇某村村干部郑某截留挪用救助资金问题']);
    expect(titles((await get('/cases?category=embezzlement&quarter=2026Q1')).body)).toEqual([]);
  });

  it('finds cases by any word of the text, two-character words included', async () => {
    expect(titles((await get(`/cases?q=${encodeURIComponent('存折')}`)).body)).toEqual(['吉林市蛟河市天岗镇某村村民小组长赵某冒领低保金问题']);
    expect(titles((await get(`/cases?q=${encodeURIComponent('护理')}`)).body)).toEqual(['白山市抚松县松江河镇某村村干部郑某截留挪用救助资金问题']);
    expect(titles((await get(`/cases?q=${encodeURIComponent('低保')}`)).body).length).toBeGreaterThan(4);
    expect(titles((await get(`/cases?q=${encodeURIComponent('低保')}&prefecture=220800`)).body)).toEqual(['白城市镇赉县坦途镇某村村干部吴某违规办理人情保问题']);
    const none = await get(`/cases?q=${encodeURIComponent('火箭')}`);
    expect(titles(none.body)).toEqual([]);
    expect(none.body).toContain('没有符合条件的案例');
  });

  it('pages by keyset', async () => {
    const all = (await get('/cases')).body;
    const ids = [...all.matchAll(/<h2 lang="zh-CN"><a href="\/cases\/(\d+)">/g)].map((m) => Number(m[1]));
    const third = (await findCase(t.app.db, ids[2]!))!;
    const rest = titles((await get(`/cases?after=${third.quarter}-${third.id}`)).body);
    expect(rest).toEqual(titles(all).slice(3));
  });

  it('has a detail page for published cases only', async () => {
    const res = await get('/cases/1');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('受到党内警告处分');
    expect((await get('/cases/99999')).statusCode).toBe(404);
    expect((await get('/cases/abc')).statusCode).toBe(404);
  });
});

describe('the Atom feed', () => {
  it('is valid Atom 1.0 with absolute links and one entry per published case', async () => {
    const res = await get('/cases.atom');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
    const xml = res.body;
    expect(checkXml(xml)).toBeNull();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom"/);
    for (const el of ['id', 'title', 'updated', 'author']) expect(xml).toMatch(new RegExp(`<feed[^>]*>[\\s\\S]*?<${el}[ >]`));
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="https://jubao.example.gov.cn/cases.atom"/>');
    const entries = [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!);
    expect(entries).toHaveLength(8);
    const ids = new Set<string>();
    for (const e of entries) {
      const id = /<id>(urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})<\/id>/.exec(e)?.[1];
      expect(id).toBeDefined();
      ids.add(id!);
      expect(e).toMatch(/<title type="text">[^<]+<\/title>/);
      expect(e).toMatch(/<updated>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z<\/updated>/);
      expect(e).toMatch(/<link rel="alternate" type="text\/html" href="https:\/\/jubao\.example\.gov\.cn\/cases\/\d+"\/>/);
      expect(e).toMatch(/<content type="text">[^<]+<\/content>/);
    }
    expect(ids.size).toBe(8);
  });
});

describe('the public cache', () => {
  it('shows a publication and a withdrawal at once', async () => {
    await get('/cases');
    const cached = await get('/cases');
    expect(cached.headers['x-cache']).toBe('hit');
    await get('/cases.atom');
    expect((await get('/cases.atom')).headers['x-cache']).toBe('hit');

    const reportId = await concludedReport(t.app, lead, leadStaff);
    const made = await lead.post(`/staff/reports/${reportId}/case/new`, {}, '/staff/cases');
    const id = Number(/\/staff\/cases\/(\d+)/.exec(made.headers.location as string)![1]);
    const title = '长春市双阳区鹿乡镇某村村干部王某优亲厚友问题（缓存测试）';
    await updateCase(t.app.db, id, { title, body: `${FACTS}王某受到党内警告处分。` });
    const indexed = async () => (await searchIds(t.app.db, { type: 'case', query: '缓存', limit: 10 })).map((h) => Number(h.id));
    const page = `/staff/cases/${id}`;
    expect((await lead.post(`${page}/submit`, {}, page)).statusCode).toBe(303);
    expect(await indexed()).toEqual([]); // only published cases are searchable
    // Still cached and unchanged while the case waits for approval.
    expect((await get('/cases')).headers['x-cache']).toBe('hit');
    // The lead drafted it: another lead approves (four eyes, issue 19 item 9).
    const second = await secondLeadSession(t.app, leadStaff.user.unitId);
    expect((await second.post(`${page}/approve`, {}, page)).statusCode).toBe(303);

    const after = await get('/cases');
    expect(after.headers['x-cache']).toBe('miss');
    expect(titles(after.body)[0]).toBe(title);
    expect((await get('/cases.atom')).body).toContain(title);
    expect((await get(`/cases?q=${encodeURIComponent('缓存')}`)).body).toContain(title);

    expect((await lead.post(`${page}/withdraw`, { note: '误发' }, page)).statusCode).toBe(303);
    expect((await get('/cases')).body).not.toContain(title);
    expect((await get('/cases.atom')).body).not.toContain(title);
    expect(await indexed()).toEqual([]);
  });
});
