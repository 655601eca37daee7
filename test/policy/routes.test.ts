import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../src/audit/index.js';
import { seedDemoPolicies } from '../../src/demo/policy.js';
import { findPageBySlug } from '../../src/policy/repository.js';
import { searchIds } from '../../src/search/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';

let t: TestApp;
let editor: Session, admin: Session, provinceHandler: Session, countyLead: Session;
let editorName: string;
const get = (url: string) => t.app.inject({ url });
const links = (html: string) => [...html.matchAll(/<a href="\/policy\/([a-z0-9-]+)">/g)].map((m) => m[1]!);

beforeAll(async () => {
  t = await makeApp();
  expect(await seedDemoPolicies(t.app.db)).toBe(3);
  expect(await seedDemoPolicies(t.app.db)).toBe(0);
  const editorStaff = await createStaff(t.app, 'ca:220000', ['lead']);
  editorName = editorStaff.user.displayName;
  editor = await signIn(t.app, editorStaff);
  admin = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['system_admin']));
  provinceHandler = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['handler']));
  countyLead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead', 'supervisor']));
});
afterAll(() => t.close());

describe('public policy pages', () => {
  it('lists and renders the published explainers, cacheably and without cookies', async () => {
    const list = await get('/policy');
    expect(list.statusCode).toBe(200);
    expect(list.headers['set-cookie']).toBeUndefined();
    expect(links(list.body).sort()).toEqual(['close-relatives-declaration', 'how-to-report-and-track', 'rural-dibao-application']);
    expect((await get('/policy')).headers['x-cache']).toBe('hit');
    const page = await get('/policy/rural-dibao-application');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>农村低保申请条件和流程</h1>');
    expect(page.body).toContain('<table>');
    // Written in Chinese only: a Korean page says so and marks the text zh-CN for read-aloud (issue 20 item 11).
    expect(page.body).toContain('<article class="policy-page" lang="zh-CN">');
    expect(page.body).not.toContain('本页只有中文');
    const ko = await t.app.inject({ url: '/policy/rural-dibao-application', cookies: { lang: 'ko' } });
    expect(ko.body).toContain('이 페이지는 중국어로만 되여 있습니다.');
    expect(ko.body).toContain('<article class="policy-page" lang="zh-CN">');
    expect((await get('/policy/no-such-page')).statusCode).toBe(404);
    expect((await get('/policy/Bad_Slug')).statusCode).toBe(404);
  });

  it('finds pages by a two-character word', async () => {
    expect(links((await get(`/policy?q=${encodeURIComponent('回避')}`)).body)).toEqual(['close-relatives-declaration']);
    expect(links((await get(`/policy?q=${encodeURIComponent('存折')}`)).body)).toEqual([]);
    expect(links((await get(`/policy?q=${encodeURIComponent('查询码')}`)).body)).toEqual(['how-to-report-and-track']);
  });
});

describe('staff editing', () => {
  it('is for leads, supervisors and administrators of the provincial department only', async () => {
    expect((await editor.get('/staff/policy')).statusCode).toBe(200);
    expect((await admin.get('/staff/policy/new')).statusCode).toBe(200);
    expect((await provinceHandler.get('/staff/policy')).statusCode).toBe(403);
    expect((await countyLead.get('/staff/policy')).statusCode).toBe(403);
    expect((await countyLead.post('/staff/policy/new', { slug: 'x-page', title: '县里的页面', body: '县里写的政策解读正文。' }, '/staff')).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/staff/policy' })).statusCode).toBe(303);
  });

  it('validates with the input kept', async () => {
    const bad = await editor.post('/staff/policy/new', { slug: 'Bad Slug!', title: '临', body: '短' }, '/staff/policy/new');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('网址名称只能使用小写字母');
    expect(bad.body).toContain('标题需要2到100个字');
    expect(bad.body).toContain('value="bad slug!"');
    // The summary links each message to its field.
    for (const field of ['slug', 'title', 'bodyMarkdown']) {
      expect(bad.body).toContain(`href="#field-${field}"`);
      expect(bad.body).toContain(`id="field-${field}"`);
    }
    const taken = await editor.post('/staff/policy/new', { slug: 'rural-dibao-application', title: '重复', body: '重复的网址名称不能保存。' }, '/staff/policy/new');
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('已被其他页面使用');
  });

  it('publishes sanitized HTML; a change shows at once', async () => {
    const body = '## 临时救助\n\n<script>alert("x")</script>\n\n<img src=x onerror="alert(1)">\n\n[危险链接](javascript:alert(2)) [正常链接](https://www.mca.gov.cn/)\n\n遇到急难情形可以申请临时救助。';
    const created = await editor.post('/staff/policy/new', { slug: 'temporary-assistance', title: '临时救助怎么申请', body }, '/staff/policy/new');
    expect(created.statusCode).toBe(303);
    const page = (await findPageBySlug(t.app.db, 'temporary-assistance'))!;
    expect(page.published).toBe(false);
    expect((await get('/policy/temporary-assistance')).statusCode).toBe(404);
    await get('/policy');
    expect((await get('/policy')).headers['x-cache']).toBe('hit');

    const edit = `/staff/policy/${page.id}`;
    const preview = await editor.get(edit);
    expect(preview.body).not.toContain('<script>alert');
    expect((await editor.post(edit, { slug: 'temporary-assistance', title: '临时救助怎么申请', body, published: '1' }, edit)).statusCode).toBe(303);

    const list = await get('/policy');
    expect(list.headers['x-cache']).toBe('miss');
    expect(links(list.body)).toContain('temporary-assistance');
    const shown = await get('/policy/temporary-assistance');
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('<h2>临时救助</h2>');
    expect(shown.body).toContain('<a href="https://www.mca.gov.cn/" rel="noopener noreferrer nofollow">正常链接</a>');
    const article = /<article class="policy-page" lang="zh-CN">([\s\S]*)<\/article>/.exec(shown.body)![1]!;
    expect(article).not.toMatch(/<script|onerror|javascript:|alert/i);
    expect(links((await get(`/policy?q=${encodeURIComponent('急难')}`)).body)).toEqual(['temporary-assistance']);
    expect((await entriesFor(t.app.db, 'policy_page', String(page.id))).map((e) => e.action)).toEqual(['policy.created', 'policy.updated']);

    // Unpublishing takes it off at once.
    expect((await editor.post(edit, { slug: 'temporary-assistance', title: '临时救助怎么申请', body }, edit)).statusCode).toBe(303);
    expect((await get('/policy/temporary-assistance')).statusCode).toBe(404);
    expect(links((await get('/policy')).body)).not.toContain('temporary-assistance');
    expect(await searchIds(t.app.db, { type: 'policy', query: '急难', limit: 10 })).toEqual([]);
  });

  it('lists every page with who changed it last', async () => {
    const list = await editor.get('/staff/policy');
    const row = (slug: string) => new RegExp(`<tr>(?:(?!</tr>).)*/policy/${slug}</td>(?:(?!</tr>).)*</tr>`).exec(list.body)?.[0] ?? '';
    expect(row('temporary-assistance')).toContain(` · ${editorName}`);
    // The demo pages were seeded by nobody: no name.
    expect(row('rural-dibao-application')).toContain('农村低保申请条件和流程');
    expect(row('rural-dibao-application')).not.toContain(' · ');
  });
});
