// /staff/exchange/file over HTTP: only leads and supervisors of a civil-affairs unit; the export holds
// only the reports the user may see; the import needs the CSRF token, lists a broken file's problems
// by row in the user's language and writes nothing, and files a sound file into the user's scope only.
// Runs on both engines (DATABASE_URL).
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aVillageOf, fileReportIn } from '../helpers/reports.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';
import { reportCount } from '../../src/reports/index.js';
import { COLUMNS } from '../../src/exchange/file/format.js';

let t: TestApp;
let lead: Session;
let ownVillage: string;
let otherVillage: string;

beforeAll(async () => {
  t = await makeApp();
  lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['lead']));
  ownVillage = await aVillageOf(t.app, '220102');
  otherVillage = await aVillageOf(t.app, '220104');
  await fileReportIn(t.app, '220102');
  await fileReportIn(t.app, '220104');
}, 60_000);
afterAll(async () => {
  await t?.close();
});

function itemRow(no: string, place: string, over: Partial<Record<(typeof COLUMNS)[number], string>> = {}): string[] {
  const values: Record<string, string> = {
    source_system: 'xf-system',
    work_order_no: no,
    channel: 'letter',
    source: 'xinfang_bureau',
    source_ref: no,
    received_at: '2026-11-02T09:30:00+08:00',
    category: 'left_out',
    place_code: place,
    subject_is_head: 'false',
    text: `来文反映：困难群众申请低保未获受理（${no}）。`,
    status: 'accepted',
    steps: 'received@2026-11-02T09:30:00+08:00; accepted@2026-11-03T10:00:00+08:00',
    ...over,
  };
  return COLUMNS.map((c) => values[c] ?? '');
}

async function upload(session: Session, content: Buffer, withToken = true) {
  const page = await openForm(t.app, '/staff/exchange/file', session.jar);
  Object.assign(session.jar, page.cookies);
  const body = await multipart({}, [{ name: 'file', filename: 'items.csv', content, type: 'text/csv' }]);
  return t.app.inject({ method: 'POST', url: `/staff/exchange/file/import${withToken ? `?_csrf=${encodeURIComponent(page.csrf)}` : ''}`, cookies: session.jar, headers: body.headers, payload: body.payload });
}

describe('/staff/exchange/file', () => {
  it('is refused to a handler and to a township government', async () => {
    const handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
    expect((await handler.get('/staff/exchange/file')).statusCode).toBe(403);
    expect((await handler.get('/staff/exchange/file/export?format=csv')).statusCode).toBe(403);
    const township = await signIn(t.app, await createStaff(t.app, 'gov:220102001', ['lead']));
    expect((await township.get('/staff/exchange/file')).statusCode).toBe(403);
  });

  it('exports only the reports in the user scope', async () => {
    const res = await lead.get('/staff/exchange/file/export?format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parse(res.body.replace(/^\ufeff/, '')) as string[][];
    expect(rows[0]).toEqual([...COLUMNS]);
    const places = rows.slice(1).map((r) => r[COLUMNS.indexOf('place_code')]);
    expect(places).toEqual([ownVillage]);
    const bad = await lead.get('/staff/exchange/file/export?format=csv&from=2026-13-40');
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('2026-13-40');
  });

  it('links the format description at a staff URL and names the formats in words', async () => {
    const page = await lead.get('/staff/exchange/file');
    expect(page.body).not.toContain('docs/exchange-format.md');
    expect(page.body).toContain('<a href="/staff/exchange/file/format">');
    expect(page.body).toContain('>Excel（.xlsx）</option>');
    expect(page.body).toContain('>JSON（系统对接用）</option>');
    // In the staff member's language (Chinese by default), the column names as they are in the file.
    const doc = await lead.get('/staff/exchange/file/format');
    expect(doc.statusCode).toBe(200);
    expect(doc.body).toMatch(/<h1[^>]*>交换文件格式（第 1 版）<\/h1>/);
    expect(doc.body).toContain('<code>work_order_no</code>');
    const ko = await t.app.inject({ url: '/staff/exchange/file/format', cookies: { ...lead.jar, lang: 'ko' } });
    expect(ko.body).toMatch(/<h1[^>]*>교환 파일 형식 \(제1판\)<\/h1>/);
    expect(ko.body).toContain('<code>work_order_no</code>');
    const en = await t.app.inject({ url: '/staff/exchange/file/format', cookies: { ...lead.jar, lang: 'en' } });
    expect(en.body).toMatch(/<h1[^>]*>Exchange file format \(version 1\)<\/h1>/);
    // The column table and the JSON example are wider than a phone: each scrolls in its own box (named
    // in the reader's language) instead of the whole page scrolling sideways at 375 px.
    for (const [body, label] of [[doc.body, '表格（可左右滑动查看）'], [ko.body, null], [en.body, null]] as const) {
      const wide = body.match(/<(table|pre)>/g) ?? [];
      expect(wide.length).toBeGreaterThan(1);
      const wrapped = body.match(/<div class="table-wrap" tabindex="0" role="region" aria-label="[^"]+"><(table|pre)>/g) ?? [];
      expect(wrapped).toHaveLength(wide.length);
      if (label) expect(body).toContain(`aria-label="${label}"`);
    }
    const handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler']));
    expect((await handler.get('/staff/exchange/file/format')).statusCode).toBe(403);
  });

  it('refuses an import without the CSRF token', async () => {
    const res = await upload(lead, Buffer.from(stringify([[...COLUMNS], itemRow('XF-1', ownVillage)])), false);
    expect(res.statusCode).toBe(403);
  });

  it('lists the problems of a broken file by row and writes nothing; then files a sound one into the scope', async () => {
    const before = await reportCount(t.app.db);
    const broken = stringify([[...COLUMNS], itemRow('XF-1', ownVillage), itemRow('XF-2', otherVillage), itemRow('XF-3', ownVillage, { received_at: '昨天' })]);
    const res = await upload(lead, Buffer.from(broken));
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('不在您的权限范围内');
    expect(res.body).toMatch(/<td>3<\/td><td><code>place_code<\/code><\/td>/);
    expect(res.body).toMatch(/<td>4<\/td><td><code>received_at<\/code><\/td>/);
    expect(await reportCount(t.app.db)).toBe(before);

    const sound = stringify([[...COLUMNS], itemRow('XF-1', ownVillage), itemRow('XF-3', ownVillage)]);
    const done = await upload(lead, Buffer.from(sound));
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('新登记 2 件');
    // The new cases by number, each a link to its report page.
    const links = [...done.body.matchAll(/<li><a href="\/staff\/reports\/(\d+)">([^<]+)<\/a><\/li>/g)];
    expect(links).toHaveLength(2);
    for (const [, id, caseNo] of links) expect((await lead.get(`/staff/reports/${id}`)).body).toContain(caseNo);
    expect(await reportCount(t.app.db)).toBe(before + 2);
    const again = await upload(lead, Buffer.from(sound));
    expect(again.body).toContain('无变化 2 件');
    expect(await reportCount(t.app.db)).toBe(before + 2);
    // The export names them by the sending system's key, with its steps and state.
    const exported = (parse((await lead.get('/staff/exchange/file/export?format=csv&from=2026-11-01&to=2026-11-30')).body.replace(/^\ufeff/, '')) as string[][]).slice(1);
    expect(exported.map((r) => [r[0], r[1], r[COLUMNS.indexOf('status')]])).toEqual([
      ['xf-system', 'XF-1', 'accepted'],
      ['xf-system', 'XF-3', 'accepted'],
    ]);
  });

  it('answers a wrong file with one message for the whole file, and lists codes with their labels', async () => {
    const own = (await lead.get('/staff/exchange/file/export?format=csv')).rawPayload;
    const back = await upload(lead, own);
    expect(back.statusCode).toBe(422);
    expect(back.body).toContain('这是本平台导出的文件，无需导入；请上传对方系统导出的文件。');
    expect(back.body.match(/class="problem"/g)).toHaveLength(1);
    const other = await upload(lead, Buffer.from('姓名,身份证号,户籍地址,家庭人口,月保障金\n张三,220102,长春,3,900\n'));
    expect(other.body).toContain('第1行不是交换文件的列名，请使用导出的文件作模板。');
    expect(other.body.match(/class="problem"/g)).toHaveLength(1);
    const labelled = await upload(lead, Buffer.from(stringify([[...COLUMNS], itemRow('XF-9', ownVillage, { category: '低保', channel: '来信', received_at: '2026/11/02 09:30' })])));
    expect(labelled.statusCode).toBe(422);
    expect(labelled.body).toContain('left_out（漏保、应保未保）');
    expect(labelled.body).not.toMatch(/<td><code>(channel|received_at)<\/code><\/td>/);
    // A row with a bad cell reports its unknown place and its future receipt time in the same round.
    const both = await upload(lead, Buffer.from(stringify([[...COLUMNS], itemRow('XF-10', '220102999999', { category: '低保', received_at: '2099/01/06 08:00', steps: '' })])));
    expect(both.body).toMatch(/<td>2<\/td><td><code>category<\/code><\/td>/);
    expect(both.body).toContain('时间 2099-01-06 08:00 晚于现在，请核对年份。');
    expect(both.body).toContain('发生地代码 220102999999 不是吉林省的乡镇或村。');
  });

  it('reads a damaged XLSX as a problem of the whole file, in the user language', async () => {
    const before = await reportCount(t.app.db);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const page = await openForm(t.app, '/staff/exchange/file', lead.jar);
    const body = await multipart({}, [{ name: 'file', filename: 'items.xlsx', content: zip }]);
    const jar = { ...lead.jar, ...page.cookies, lang: 'en' };
    const res = await t.app.inject({ method: 'POST', url: `/staff/exchange/file/import?_csrf=${encodeURIComponent(page.csrf)}`, cookies: jar, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('The XLSX file is damaged or cannot be read.');
    expect(await reportCount(t.app.db)).toBe(before);
  });
});
