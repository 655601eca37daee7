import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { findUnitByKey, type Unit } from '../../src/units/index.js';
import { findTaskByKey, submissionOf, tasksOfYear } from '../../src/reporting/repository.js';
import { parseStatistics } from '../../src/reporting/statistics.js';
import { todayInChina } from '../../src/clocks/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { html } from '../helpers/forms.js';

let t: TestApp;
let admin: Session, ngLead: Session, ngHandler: Session, kcLead: Session, ngIntake: Session, cityLead: Session, otherCity: Session, province: Session;
let ng: Unit, kc: Unit, city: Unit;
const year = Number(todayInChina().slice(0, 4));

const TEXTS = {
  basic: '全年复核低保家庭1286户，清退不符合条件的37户，新纳入52户。',
  practices: '建立网格员加低保专干入户核查机制，重病重残家庭每季度走访。',
  problems: '个别社区民主评议流于形式，评议记录不完整。',
  suggestions: '建议市局统一组织经办人员培训，推动部门数据按月共享。',
};

const task = async (kind: 'plan' | 'county_summary' | 'city_summary') => (await findTaskByKey(t.app.db, kind, year, null))!;
const page = async (kind: 'plan' | 'county_summary' | 'city_summary', unit: Unit) => `/staff/reporting/${(await task(kind)).id}/${unit.id}`;

beforeAll(async () => {
  t = await makeApp();
  ng = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  kc = (await findUnitByKey(t.app.db, 'ca:220103'))!;
  city = (await findUnitByKey(t.app.db, 'ca:220100'))!;
  admin = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['supervisor']));
  ngLead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead']));
  ngHandler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
  ngIntake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
  kcLead = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['lead', 'handler', 'supervisor']));
  cityLead = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor', 'lead']));
  otherCity = await signIn(t.app, await createStaff(t.app, 'ca:220200', ['supervisor', 'lead']));
  province = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['supervisor']));
});
afterAll(() => t.close());

describe('reporting up the hierarchy', () => {
  it("lets the province create the year's tasks once, with the notice's deadlines", async () => {
    const list = await admin.get('/staff/reporting');
    expect(list.body).toContain('创建本年度报送任务');
    expect((await cityLead.post('/staff/reporting/tasks', { year: String(year) }, '/staff/reporting')).statusCode).toBe(403);
    const bad = await admin.post('/staff/reporting/tasks', { year: '1999' }, '/staff/reporting');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请选择有效的年度');
    const res = await admin.post('/staff/reporting/tasks', { year: String(year) }, '/staff/reporting');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/staff/reporting?year=${year}&created=7`);
    const again = await admin.post('/staff/reporting/tasks', { year: String(year) }, '/staff/reporting');
    expect(again.headers.location).toContain('created=0');
    const tasks = await tasksOfYear(t.app.db, year);
    expect(tasks).toHaveLength(7);
    expect((await task('plan')).dueOn).toBe(`${year}-04-20`);
    expect((await task('county_summary')).dueOn).toBe(`${year}-11-30`);
    expect((await task('city_summary')).dueOn).toBe(`${year}-12-10`);
  });

  it('shows a county its own tasks and a city its counties', async () => {
    const own = await ngLead.get(`/staff/reporting?year=${year}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain((await task('county_summary')).title);
    expect(own.body).not.toContain((await task('city_summary')).title);
    const cityList = await cityLead.get(`/staff/reporting?year=${year}`);
    expect(cityList.body).toContain('南关区民政局');
    expect(cityList.body).toContain('榆树市民政局');
    expect(cityList.body).not.toContain('船营区民政局'); // 吉林市's
  });

  it('keeps the input and says what is missing when a submission is incomplete', async () => {
    const res = await ngLead.post(await page('county_summary', ng), { action: 'submit', version: '', basic: TEXTS.basic, practices: '', problems: TEXTS.problems, suggestions: '' }, await page('county_summary', ng));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('报送前请填写此栏目');
    expect(html.unescape(res.body)).toContain(TEXTS.basic);
    expect(await submissionOf(t.app.db, (await task('county_summary')).id, ng.id)).toBeUndefined();
  });

  it('lets a handler save the draft and only the lead submit it, freezing the statistics', async () => {
    const url = await page('county_summary', ng);
    const saved = await ngHandler.post(url, { action: 'save', version: '', ...TEXTS, practices: '' }, url);
    expect(saved.statusCode).toBe(303);
    expect((await submissionOf(t.app.db, (await task('county_summary')).id, ng.id))!.status).toBe('draft');
    expect((await ngHandler.post(url, { action: 'submit', ...TEXTS }, url)).statusCode).toBe(403);
    expect((await ngIntake.post(url, { action: 'save', ...TEXTS }, url)).statusCode).toBe(403);
    expect((await ngIntake.get(url)).statusCode).toBe(200);

    const form = await ngLead.get(url);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!;
    const submitted = await ngLead.post(url, { action: 'submit', version, ...TEXTS }, url);
    expect(submitted.statusCode).toBe(303);
    const sub = (await submissionOf(t.app.db, (await task('county_summary')).id, ng.id))!;
    expect(sub.status).toBe('submitted');
    expect(sub.practices).toBe(TEXTS.practices);
    expect(parseStatistics(sub.statistics)).toMatchObject({ from: `${year}-01-01`, to: `${year}-12-31`, units: 1 });
    const after = await ngLead.post(url, { action: 'save', version, ...TEXTS }, url);
    expect(after.statusCode).toBe(409);
    expect(after.body).toContain('已经报送');
  });

  it("does not show a county another county's submission, on any route", async () => {
    const sub = (await submissionOf(t.app.db, (await task('county_summary')).id, ng.id))!;
    expect((await kcLead.get(await page('county_summary', ng))).statusCode).toBe(404);
    expect((await kcLead.post(await page('county_summary', ng), { action: 'save', ...TEXTS }, await page('county_summary', kc))).statusCode).toBe(404);
    expect((await kcLead.get(`/staff/reporting/submissions/${sub.id}.docx`)).statusCode).toBe(404);
    expect((await kcLead.get(`/staff/reporting/submissions/${sub.id}/print`)).statusCode).toBe(404);
    expect((await kcLead.get(`/staff/reporting/tasks/${(await task('county_summary')).id}`)).statusCode).toBe(404);
    expect((await otherCity.get(await page('county_summary', ng))).statusCode).toBe(404);
    expect((await otherCity.get(`/staff/reporting/submissions/${sub.id}.docx`)).statusCode).toBe(404);
    // Nor a county the city summary.
    expect((await ngLead.get(await page('city_summary', city))).statusCode).toBe(404);
  });

  it("shows the city its counties' submissions, the roll-up and a compiled draft to edit", async () => {
    const view = await cityLead.get(await page('county_summary', ng));
    expect(view.statusCode).toBe(200);
    expect(html.unescape(view.body)).toContain(TEXTS.practices);
    expect(view.body).not.toContain('name="basic"'); // read only above

    const rollup = await cityLead.get(`/staff/reporting/tasks/${(await task('county_summary')).id}`);
    expect(rollup.statusCode).toBe(200);
    expect(rollup.body).toContain('南关区民政局');
    expect(rollup.body).toContain('宽城区民政局');
    expect(rollup.body).not.toContain('船营区民政局');
    expect(html.unescape(rollup.body)).toContain(`【南关区民政局】\n${TEXTS.problems}`);
    expect(html.unescape(rollup.body)).toContain(`/staff/reporting/${(await task('city_summary')).id}/${city.id}?compile=1`);

    const draft = await cityLead.get(`${await page('city_summary', city)}?compile=1`);
    expect(draft.statusCode).toBe(200);
    expect(draft.body).toContain('已按栏目汇集1个县');
    expect(html.unescape(draft.body)).toContain(`<textarea id="f-suggestions" name="suggestions" rows="8" aria-describedby="h-suggestions">【南关区民政局】\n${TEXTS.suggestions}</textarea>`);
    // The city edits the compiled text into its own summary and submits it.
    const edited = { basic: `全市汇总：\n【南关区民政局】\n${TEXTS.basic}`, practices: TEXTS.practices, problems: TEXTS.problems, suggestions: TEXTS.suggestions };
    expect((await cityLead.post(await page('city_summary', city), { action: 'submit', version: '', ...edited }, await page('city_summary', city))).statusCode).toBe(303);
    const citySub = (await submissionOf(t.app.db, (await task('city_summary')).id, city.id))!;
    expect(citySub.basic).toContain('全市汇总');
    expect(parseStatistics(citySub.statistics)!.units).toBe(15); // 长春's fifteen county-level units
  });

  it('lets the province see everything, city by city', async () => {
    expect((await province.get(await page('county_summary', ng))).statusCode).toBe(200);
    expect((await province.get(await page('city_summary', city))).statusCode).toBe(200);
    const rollup = await province.get(`/staff/reporting/tasks/${(await task('county_summary')).id}`);
    expect(rollup.statusCode).toBe(200);
    expect(rollup.body).toContain('长春市民政局');
    expect(rollup.body).toContain('长白山管委会民政局');
    expect(html.unescape(rollup.body)).toContain(`?unit=${city.id}`);
    const drill = await province.get(`/staff/reporting/tasks/${(await task('county_summary')).id}?unit=${city.id}`);
    expect(drill.body).toContain('南关区民政局');
    const cities = await province.get(`/staff/reporting/tasks/${(await task('city_summary')).id}`);
    expect(cities.body).toContain('长春市民政局');
    expect(cities.body).toContain('延边朝鲜族自治州民政局');
  });

  it('exports a submission as a valid Word document and an A4 print page', async () => {
    const sub = (await submissionOf(t.app.db, (await task('county_summary')).id, ng.id))!;
    const res = await cityLead.get(`/staff/reporting/submissions/${sub.id}.docx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers['content-disposition']).toContain(`filename="reporting-${sub.id}.docx"`);
    const zip = await JSZip.loadAsync(res.rawPayload);
    expect(zip.file('[Content_Types].xml')).not.toBeNull();
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toContain('南关区民政局');
    expect(xml).toContain((await task('county_summary')).title);
    for (const text of Object.values(TEXTS)) expect(xml).toContain(text);
    for (const heading of ['一、基本情况', '二、典型做法', '三、存在问题', '四、意见建议', '五、统计数据', '按期办结率']) expect(xml).toContain(heading);

    const print = await cityLead.get(`/staff/reporting/submissions/${sub.id}/print`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('/static/css/print.css');
    expect(print.body).toContain('报送单位：南关区民政局');
    expect(html.unescape(print.body)).toContain(TEXTS.suggestions);
  });

  it('keeps a colleague\'s newer draft instead of overwriting it', async () => {
    const url = await page('plan', ng);
    const opened = await ngHandler.get(url);
    expect(opened.statusCode).toBe(200);
    await ngLead.post(url, { action: 'save', version: '', basic: '负责人写的', practices: '', problems: '', suggestions: '' }, url);
    const version = String((await submissionOf(t.app.db, (await task('plan')).id, ng.id))!.updatedAt);
    const stale = await ngHandler.post(url, { action: 'save', version: '1', basic: '承办人写的', practices: '', problems: '', suggestions: '' }, url);
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('承办人写的');
    expect((await submissionOf(t.app.db, (await task('plan')).id, ng.id))!.basic).toBe('负责人写的');
    expect((await ngHandler.post(url, { action: 'save', version, basic: '承办人写的', practices: '', problems: '', suggestions: '' }, url)).statusCode).toBe(303);
  });
});
