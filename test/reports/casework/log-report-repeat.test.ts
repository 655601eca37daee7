// Staff logging a phoned-in report send the same form again (same nonce) after changing it: the
// first report stands and nothing is filed twice, and the confirmation says, in words a county clerk
// reads at a glance, that this time's changes (and files) were not saved and where to add them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { multipart, openForm, type FileField, type FormPage } from '../../helpers/forms.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';
import { pdfField, reportFields } from '../fixtures.js';

let t: TestApp;
let intake: Session;
beforeAll(async () => {
  t = await makeApp();
  intake = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake']));
});
afterAll(() => t.close());

async function post(form: FormPage, over: Record<string, string> = {}, files: FileField[] = [], lang?: string) {
  const body = await multipart({ ...reportFields({ channel: 'phone' }), submission_id: form.hidden.submission_id!, ...over }, files);
  return t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: { ...form.cookies, ...(lang ? { lang } : {}) }, headers: body.headers, payload: body.payload });
}

/** The notice that what was sent again was not saved. */
const notice = (page: string) => /<div class="notice warn" role="status" id="repeat-changed">([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '';
const latest = async () => (await t.app.db.get<{ id: number; description: string; n: number }>(sql`select id, description, (select count(*) from reports) as n from reports order by id desc limit 1`))!;

describe('the logging form sent again with a changed text', () => {
  it('keeps the first report and tells the clerk the change was not saved, and where to add it', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    const first = await post(form);
    expect(first.statusCode).toBe(200);
    expect(notice(first.body)).toBe('');
    const filed = await latest();
    const again = await post(form, { description: '来电人又补充：村主任还把他小舅子也评上了低保，家里开着小卖部。' });
    expect(again.statusCode).toBe(200);
    const said = notice(again.body);
    expect(said).toContain('这次改动的内容没有保存');
    expect(said).toContain('以第一次登记的内容为准');
    expect(said).toContain('“打开这件举报”');
    expect(said).toContain('“留言”');
    // Not the villager's words (no query code to write down here).
    expect(said).not.toContain('查询进度');
    expect(again.body).toContain(`href="/staff/reports/${filed.id}"`);
    const now = await latest();
    expect(now.n).toBe(filed.n);
    expect(now.description).toBe(filed.description);
  });

  it('says so when only the source or the day received differed', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    expect((await post(form, { source: 'visit' })).statusCode).toBe(200);
    const again = await post(form, { source: 'letter' });
    expect(notice(again.body)).toContain('这次改动的内容没有保存');
  });

  it('names the files of the second post as not saved', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    expect((await post(form)).statusCode).toBe(200);
    const again = await post(form, {}, [pdfField()]);
    const said = notice(again.body);
    expect(said).toContain('这次选的文件没有保存：公示名单.pdf');
    expect(said).not.toContain('这次改动的内容没有保存');
  });

  it('an unchanged repeat shows no such notice', async () => {
    const form = await openForm(t.app, '/staff/reports/new', intake.jar);
    expect((await post(form)).statusCode).toBe(200);
    const again = await post(form);
    expect(again.body).toContain('没有重复登记');
    expect(notice(again.body)).toBe('');
  });

  it('says the same in Korean and English', async () => {
    for (const [lang, words] of [['ko', '이번에 고친 내용은 저장되지 않았습니다'], ['en', 'The changes made this time were not saved']] as const) {
      const form = await openForm(t.app, '/staff/reports/new', { ...intake.jar, lang });
      expect((await post(form, {}, [], lang)).statusCode).toBe(200);
      const again = await post(form, { description: 'Changed after the call: the cadre also listed his brother-in-law.' }, [], lang);
      expect(notice(again.body)).toContain(words);
    }
  });
});
