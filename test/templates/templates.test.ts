// 常用答复: who sees and who edits which answer templates, validation, seeding, and the lookup the
// report page uses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { findUnitByKey } from '../../src/units/index.js';
import { seedDefaultTemplates, templateFor, templatesFor, DEFAULT_TEMPLATES } from '../../src/templates/index.js';
import { answerTemplates } from '../../src/templates/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';

let t: TestApp;
let countyLead: Session, countyHandler: Session, citySupervisor: Session, provinceLead: Session, provinceHandler: Session;
let countyUnitId: number;

const templateCount = async () => (await t.app.db.select().from(answerTemplates).all()).length;
const byTitle = async (title: string) => (await t.app.db.select().from(answerTemplates).all()).find((r) => r.title === title);

beforeAll(async () => {
  t = await makeApp();
  countyUnitId = (await findUnitByKey(t.app.db, 'ca:220102'))!.id;
  countyLead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead']));
  countyHandler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler', 'intake']));
  citySupervisor = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
  provinceLead = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['lead']));
  provinceHandler = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['handler']));
});
afterAll(() => t.close());

describe('default templates', () => {
  it('seeds province-wide templates once, each with the parts of a written answer', async () => {
    expect(await seedDefaultTemplates(t.app.db)).toBe(DEFAULT_TEMPLATES.length);
    expect(await seedDefaultTemplates(t.app.db)).toBe(0);
    const rows = await t.app.db.select().from(answerTemplates).all();
    expect(rows).toHaveLength(DEFAULT_TEMPLATES.length);
    for (const row of rows) {
      expect(row.unitId).toBeNull();
      expect(row.body.length).toBeLessThanOrEqual(5000);
      for (const part of ['一、您的请求', '二、核查的事实和理由', '三、处理意见', '四、法律法规依据', '第三十五条']) expect(row.body).toContain(part);
    }
    const categories = rows.map((r) => r.category);
    expect(categories).toEqual(expect.arrayContaining(['favouritism', 'wrong_grant', 'left_out']));
  });
});

describe('the list', () => {
  it('shows every user the province-wide templates, filtered by category', async () => {
    const all = await countyHandler.get('/staff/templates');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('优亲厚友问题属实');
    expect(all.body).toContain('全省通用');
    expect(all.body).not.toContain('/staff/templates/new');
    expect(all.body).not.toContain('/edit"');
    const filtered = await countyHandler.get('/staff/templates?category=wrong_grant');
    expect(filtered.body).toContain('错保问题不属实');
    expect(filtered.body).not.toContain('优亲厚友问题属实');
  });
});

describe('permissions', () => {
  it('lets only leads and supervisors create templates', async () => {
    expect((await countyHandler.get('/staff/templates/new')).statusCode).toBe(403);
    const before = await templateCount();
    const res = await countyHandler.post('/staff/templates', { scope: 'unit', category: 'other', title: '通用', body: '正文内容。' }, '/staff/templates');
    expect(res.statusCode).toBe(403);
    expect(await templateCount()).toBe(before);
    expect((await countyLead.get('/staff/templates')).body).toContain('/staff/templates/new');
  });

  it('keeps a unit template to its unit', async () => {
    const created = await countyLead.post('/staff/templates', { scope: 'unit', category: 'favouritism', title: '南关区优亲厚友属实答复', body: '经核查，您反映的问题属实。【处理意见】' }, '/staff/templates/new');
    expect(created.statusCode).toBe(303);
    const row = (await byTitle('南关区优亲厚友属实答复'))!;
    expect(row.unitId).toBe(countyUnitId);
    expect((await countyHandler.get('/staff/templates')).body).toContain('南关区优亲厚友属实答复');
    expect((await citySupervisor.get('/staff/templates')).body).not.toContain('南关区优亲厚友属实答复');
    // Another unit's template does not exist for a city supervisor.
    expect((await citySupervisor.get(`/staff/templates/${row.id}/edit`)).statusCode).toBe(404);
    expect((await citySupervisor.post(`/staff/templates/${row.id}`, { category: 'favouritism', title: 'x', body: 'y' }, '/staff/templates')).statusCode).toBe(404);
    expect((await citySupervisor.post(`/staff/templates/${row.id}/delete`, {}, '/staff/templates')).statusCode).toBe(404);

    // The report page's lookups: the unit's own first, then the province's; never another unit's.
    const forCounty = await templatesFor(t.app.db, countyUnitId, 'favouritism');
    expect(forCounty[0]!.title).toBe('南关区优亲厚友属实答复');
    expect(forCounty.slice(1).every((x) => x.unitId === null && x.category === 'favouritism')).toBe(true);
    const cityUnitId = (await findUnitByKey(t.app.db, 'ca:220100'))!.id;
    expect((await templatesFor(t.app.db, cityUnitId, 'favouritism')).some((x) => x.id === row.id)).toBe(false);
    expect((await templateFor(t.app.db, countyUnitId, row.id))?.id).toBe(row.id);
    expect(await templateFor(t.app.db, cityUnitId, row.id)).toBeUndefined();

    const edited = await countyLead.post(`/staff/templates/${row.id}`, { category: 'favouritism', title: '南关区优亲厚友属实答复（修订）', body: '修订后的正文。' }, `/staff/templates/${row.id}/edit`);
    expect(edited.statusCode).toBe(303);
    expect((await byTitle('南关区优亲厚友属实答复（修订）'))!.unitId).toBe(countyUnitId);
    expect((await countyLead.post(`/staff/templates/${row.id}/delete`, {}, '/staff/templates')).statusCode).toBe(303);
    expect(await byTitle('南关区优亲厚友属实答复（修订）')).toBeUndefined();
    const audit = await t.app.db.all<{ action: string }>(sql`SELECT action FROM audit_log WHERE object_type = 'answer_template' AND object_id = ${String(row.id)} ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['template.create', 'template.update', 'template.delete']);
  });

  it('lets only users of 省民政厅 create or change province-wide templates', async () => {
    const before = await templateCount();
    const refused = await countyLead.post('/staff/templates', { scope: 'province', category: 'other', title: '县级想发全省的答复', body: '正文。' }, '/staff/templates/new');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('只有省民政厅的工作人员');
    expect(refused.body).toContain('value="县级想发全省的答复"');
    expect(await templateCount()).toBe(before);
    expect((await countyLead.get('/staff/templates/new')).body).not.toContain('value="province"');

    const seeded = (await byTitle(DEFAULT_TEMPLATES[0]!.title))!;
    expect((await countyLead.get(`/staff/templates/${seeded.id}/edit`)).statusCode).toBe(403);
    expect((await countyLead.post(`/staff/templates/${seeded.id}`, { category: seeded.category, title: '改', body: '改' }, '/staff/templates')).statusCode).toBe(403);
    expect((await countyLead.post(`/staff/templates/${seeded.id}/delete`, {}, '/staff/templates')).statusCode).toBe(403);
    expect((await citySupervisor.post(`/staff/templates/${seeded.id}/delete`, {}, '/staff/templates')).statusCode).toBe(403);
    expect((await byTitle(DEFAULT_TEMPLATES[0]!.title))!.body).toBe(seeded.body);
    // A province handler may read but not edit.
    expect((await provinceHandler.get(`/staff/templates/${seeded.id}/edit`)).statusCode).toBe(403);

    expect((await provinceLead.get('/staff/templates/new')).body).toContain('value="province"');
    const created = await provinceLead.post('/staff/templates', { scope: 'province', category: 'bribery', title: '吃拿卡要问题已移送纪检监察机关', body: '您反映的问题线索已移送【××纪委监委】依规处理。' }, '/staff/templates/new');
    expect(created.statusCode).toBe(303);
    const row = (await byTitle('吃拿卡要问题已移送纪检监察机关'))!;
    expect(row.unitId).toBeNull();
    expect((await countyHandler.get('/staff/templates?category=bribery')).body).toContain('吃拿卡要问题已移送纪检监察机关');
    expect((await citySupervisor.get('/staff/templates')).body).toContain('吃拿卡要问题已移送纪检监察机关');

    const edit = await provinceLead.get(`/staff/templates/${seeded.id}/edit`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('所有单位看到的都会改变');
    expect((await provinceLead.post(`/staff/templates/${seeded.id}`, { category: seeded.category, title: seeded.title, body: `${seeded.body}\n（省厅修订）` }, `/staff/templates/${seeded.id}/edit`)).statusCode).toBe(303);
    expect((await byTitle(seeded.title))!.body).toContain('（省厅修订）');
    expect((await byTitle(seeded.title))!.unitId).toBeNull();
  });
});

describe('validation', () => {
  it('refuses a body over 5000 characters and keeps the input; 5000 is fine', async () => {
    const long = '字'.repeat(5001);
    const res = await countyLead.post('/staff/templates', { scope: 'unit', category: 'other', title: '太长的答复', body: long }, '/staff/templates/new');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('正文不能超过5000字');
    expect(res.body).toContain(long);
    expect(await byTitle('太长的答复')).toBeUndefined();
    const ok = await countyLead.post('/staff/templates', { scope: 'unit', category: 'other', title: '刚好5000字', body: '字'.repeat(5000) }, '/staff/templates/new');
    expect(ok.statusCode).toBe(303);
    expect((await byTitle('刚好5000字'))!.body).toHaveLength(5000);
  });

  it('requires a category, title and body', async () => {
    const res = await countyLead.post('/staff/templates', { scope: 'unit', category: 'nonsense', title: ' ', body: '' }, '/staff/templates/new');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('请选择问题类别');
    expect(res.body).toContain('请填写标题');
    expect(res.body).toContain('请填写正文');
  });
});
