// The villager reads back what she reported (the privacy box on the tracking page promises she can
// 查看、补充和更正 it): her own words with their line breaks, and her files by the names she gave
// them — in "您反映的内容" and beside each "您补充了材料" step — not just "（2个文件）". Nothing of the
// staff side shows: internal notes, staff material, files a clerk attached to a call they logged,
// nor another reporter's files. The page is never stored by a browser or a proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { findReport, insertEvent, updateReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { type FileField, multipart, openForm, trackWithCode } from '../helpers/forms.js';
import { createStaff, signIn } from '../helpers/staff.js';
import { jpegWith, pdfFile } from '../evidence/media/builders.js';
import { photoField, reportFields } from './fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

let ip = 0;
const codeOf = (body: string) => /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(body)![1]!;
const section = (page: string, id: string) => new RegExp(`<section id="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(page)?.[1] ?? '';

async function fileOnline(fields: Record<string, string>, files: FileField[]) {
  const form = await openForm(t.app, '/report');
  const body = await multipart({ submission_id: form.hidden.submission_id!, ...reportFields(fields) }, files);
  const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: `203.0.113.${++ip}` });
  expect(res.statusCode).toBe(200);
  return codeOf(res.body);
}

async function open(code: string) {
  const { res, jar } = await trackWithCode(t.app, code, `10.61.0.${++ip}`);
  expect(res.statusCode).toBe(303);
  const get = () => t.app.inject({ url: '/track/report', cookies: jar });
  return { jar, get, csrf: async () => (await openForm(t.app, '/track/report', jar)).csrf };
}

const DESCRIPTION = '村主任把他弟弟一家评成了低保户。\n他弟弟家有两台拖拉机，<b>根本不困难</b>。\n\n去年秋天评的。';

describe('what the villager reported, on her tracking page', () => {
  it('shows her words with their line breaks, escaped, and the names of the files she sent', async () => {
    const code = await fileOnline({ description: DESCRIPTION, happened_at: '去年秋天' }, [photoField(), { name: 'evidence', filename: '村里公示的名单.pdf', content: pdfFile(), type: 'application/pdf' }]);
    // Another villager's report and files, which her page must never name.
    await fileOnline({ description: '另一个人的举报，村会计收钱才给办低保，说不给就不往上报。' }, [{ name: 'evidence', filename: '别人的照片.jpg', content: jpegWith(), type: 'image/jpeg' }]);
    const s = await open(code);
    const res = await s.get();
    expect(res.headers['cache-control']).toBe('no-store');
    const own = section(res.body, 'own');
    expect(own).toContain('您反映的内容');
    expect(own).toContain('您写的情况');
    expect(own).toContain('村主任把他弟弟一家评成了低保户。<br>他弟弟家有两台拖拉机，&lt;b&gt;根本不困难&lt;/b&gt;。<br><br>去年秋天评的。');
    expect(own).toContain('去年秋天');
    expect(own).toContain('现场照片.jpg');
    expect(own).toContain('村里公示的名单.pdf');
    expect(res.body).not.toContain('<b>根本不困难</b>');
    expect(res.body).not.toContain('别人的照片.jpg');
    expect(own).toContain('想补充或者更正，请写在下面的“回复或补充说明”里。');

    // Files sent later, one by one as the page's script sends them: one step, each named.
    for (const file of [{ name: 'evidence', filename: '拖拉机.jpg', content: jpegWith(), type: 'image/jpeg' }, { name: 'evidence', filename: '户口本<第2页>.pdf', content: Buffer.concat([pdfFile(), Buffer.from('% 第2页\n')]), type: 'application/pdf' }]) {
      const body = await multipart({}, [file]);
      const up = await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(await s.csrf())}`, cookies: s.jar, headers: { ...body.headers, accept: 'application/json' }, payload: body.payload });
      expect(up.statusCode).toBe(200);
    }
    // Her follow-up message keeps its lines too.
    const message = await t.app.inject({ method: 'POST', url: '/track/message', cookies: s.jar, payload: { _csrf: await s.csrf(), body: '补充一下：\n拖拉机是前年买的。' } });
    expect(message.statusCode).toBe(303);
    const page = (await s.get()).body;
    const timeline = section(page, 'timeline');
    const step = /<li class="event-reporter_files[\s\S]*?<\/li>\s*<\/ul>/.exec(timeline)![0];
    expect(step).toContain('（2个文件）');
    expect(step).toContain('<li>拖拉机.jpg</li>');
    expect(step).toContain('<li>户口本&lt;第2页&gt;.pdf</li>');
    expect(timeline).toContain('补充一下：<br>拖拉机是前年买的。');
    expect(section(page, 'own')).toContain('拖拉机.jpg');
  });

  it('shows nothing of the staff side: internal notes, the staff’s file steps, a clerk’s files', async () => {
    const clerkStaff = await createStaff(t.app, 'ca:220102', ['intake']);
    const clerk = await signIn(t.app, clerkStaff);
    const form = await openForm(t.app, '/staff/reports/new', clerk.jar);
    const body = await multipart({ ...reportFields({ source: 'call', description: '来电人说：村主任把他弟弟评成了低保户，家里有拖拉机。' }), submission_id: form.hidden.submission_id! }, [{ name: 'evidence', filename: '来电录音-内部.jpg', content: jpegWith(), type: 'image/jpeg' }]);
    const logged = await t.app.inject({ method: 'POST', url: `/staff/reports/new?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(logged.statusCode).toBe(200);
    const code = /(\d{4} \d{4} \d{4} \d{4})/.exec(logged.body)![1]!;
    const reportId = (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))!.id;
    await insertEvent(t.app.db, { reportId, at: Date.now(), type: 'internal_note', actorType: 'staff', actorId: clerkStaff.user.id, visibleToReporter: false, body: '内部备注：来电人是村主任的邻居' });
    await insertEvent(t.app.db, { reportId, at: Date.now(), type: 'staff_files_added', actorType: 'staff', actorId: clerkStaff.user.id, visibleToReporter: false, data: JSON.stringify({ files: 1 }) });
    const page = (await (await open(code)).get()).body;
    const own = section(page, 'own');
    expect(own).toContain('工作人员按您说的记下的情况');
    expect(own).toContain('来电人说：村主任把他弟弟评成了低保户');
    expect(own).toContain('您没有发来文件。');
    expect(page).not.toContain('来电录音-内部.jpg');
    expect(page).not.toContain('内部备注');
  });

  it('gives a merged reporter her own words and files, never those of the report hers was merged into', async () => {
    const masterCode = await fileOnline({ description: '主举报人的话：村会计收了五百块钱才给往上报低保材料。' }, [{ name: 'evidence', filename: '主举报人的收据.jpg', content: jpegWith(), type: 'image/jpeg' }]);
    const m = await open(masterCode);
    const later = await multipart({}, [{ name: 'evidence', filename: '主举报人后补的.pdf', content: pdfFile(), type: 'application/pdf' }]);
    expect((await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(await m.csrf())}`, cookies: m.jar, headers: { ...later.headers, accept: 'application/json' }, payload: later.payload })).statusCode).toBe(200);
    const mineCode = await fileOnline({ description: '我也要反映：村会计收钱才给办低保，我家交了三百。' }, [{ name: 'evidence', filename: '我的收据.jpg', content: jpegWith(), type: 'image/jpeg' }]);
    const newest = async (n: number) => (await t.app.db.all<{ id: number }>(sql`select id from reports order by id desc limit 2`))[n]!.id;
    const [mine, master] = [await newest(0), await newest(1)];
    expect((await findReport(t.app.db, master))!.description).toContain('主举报人的话');
    await updateReport(t.app.db, mine, { status: 'merged', mergedIntoId: master });
    const page = (await (await open(mineCode)).get()).body;
    expect(section(page, 'own')).toContain('我也要反映：村会计收钱才给办低保，我家交了三百。');
    expect(section(page, 'own')).toContain('我的收据.jpg');
    for (const theirs of ['主举报人的话', '主举报人的收据.jpg', '主举报人后补的.pdf']) expect(page).not.toContain(theirs);
  });
});
