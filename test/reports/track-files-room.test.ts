// Follow-up files from the tracking page: the report's limit of files holds when two uploads to it
// arrive at once (the room is read where the files are written, not only before the body is read),
// and a file the report already holds is not stored again; the villager is told so, with and without
// the form's script. Nothing refused is left behind in tmp/ or in the evidence store.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { fileReport } from '../../src/reports/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { cookiesFrom, html, multipart, openForm, type FileField } from '../helpers/forms.js';
import { pdfFile } from '../evidence/media/builders.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ upload: { maxFileBytes: 2 * 1024 * 1024, maxFiles: 3, maxReportBytes: 3 * 1024 * 1024 } });
});
afterAll(() => t.close());

let ip = 0;
/** A PDF (not cleaned, so its bytes are kept as sent) that differs from the others by `mark`. */
const pdf = (mark: string, filename = `${mark}.pdf`): FileField => ({ name: 'evidence', filename, content: Buffer.concat([pdfFile(), Buffer.from(`%${mark}\n`)]), type: 'application/pdf' });

async function filed() {
  return await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null },
    [],
    { channel: 'online', nonce: null },
  );
}

async function open(code: string, locale?: string) {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: `10.31.0.${++ip}`, payload: { _csrf: form.csrf, code } });
  expect(res.statusCode).toBe(303);
  const jar = { ...cookiesFrom(res, form.cookies), ...(locale ? { lang: locale } : {}) };
  const get = async () => (await t.app.inject({ url: '/track/report', cookies: jar })).body;
  const csrf = async () => html.unescape(/name="_csrf" value="([^"]+)"/.exec(await get())![1]!);
  const send = async (files: FileField[], json = true) => {
    const body = await multipart({}, files);
    return t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(await csrf())}`, cookies: jar, headers: { ...body.headers, ...(json ? { accept: 'application/json' } : {}) }, payload: body.payload, remoteAddress: '10.31.1.1' });
  };
  return { jar, get, csrf, send };
}

const filesOf = async (reportId: number) => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from evidence_files where owner_type = 'report' and owner_id = ${reportId}`))!.n;
const fileEvents = async (reportId: number) => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from report_events where report_id = ${reportId} and type = 'reporter_files'`))!.n;
/** Every stored file is named by a row and every row has its file; no plaintext waits in tmp/. */
async function nothingLeftBehind() {
  expect(fs.readdirSync(path.join(t.dataDir, 'files')).sort()).toEqual((await t.app.db.all<{ s: string }>(sql`select stored_name as s from evidence_files`)).map((r) => r.s).sort());
  expect(fs.readdirSync(path.join(t.dataDir, 'tmp'))).toEqual([]);
}

describe('follow-up files to one report sent at once', () => {
  it('take only the room the report has left: one file in, the other refused by name with the limit', async () => {
    const { report, queryCode } = await filed();
    const s = await open(queryCode);
    for (const mark of ['a', 'b']) expect((await s.send([pdf(mark)])).statusCode).toBe(200);
    expect(await filesOf(report.id)).toBe(2);
    // Room for one more file; two phones (or two taps) send one each at the same moment.
    const answers = await Promise.all([s.send([pdf('c', '收据.pdf')]), s.send([pdf('d', '名单.pdf')])]);
    const kept = answers.filter((r) => r.statusCode === 200);
    const refused = answers.filter((r) => r.statusCode === 400);
    expect(kept).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const refusal = refused[0]!.json() as { ok: boolean; fileProblems: { name: string; problem: string }[]; files: unknown[] };
    expect(refusal.ok).toBe(false);
    expect(refusal.fileProblems).toHaveLength(1);
    expect(['收据.pdf', '名单.pdf']).toContain(refusal.fileProblems[0]!.name);
    expect(refusal.fileProblems[0]!.problem).toBe('too_many');
    // Refused in the writing transaction (both read the room before either wrote: files []) or, when
    // the other had already committed, by the room read before the upload (no files list): either way
    // nothing of it was kept.
    expect(refusal.files ?? []).toEqual([]);
    expect(await filesOf(report.id)).toBe(3);
    await nothingLeftBehind();
  });

  it('without the script, the refused file is named on the page with the same limit message', async () => {
    const { report, queryCode } = await filed();
    const s = await open(queryCode);
    for (const mark of ['e', 'f']) expect((await s.send([pdf(mark)])).statusCode).toBe(200);
    const [one, two] = await Promise.all([s.send([pdf('g', '收据.pdf')], false), s.send([pdf('h', '名单.pdf')], false)]);
    const page = [one!, two!].find((r) => r.statusCode === 400)!.body;
    expect(page).toMatch(/(收据|名单)\.pdf：文件太多：一件举报最多 3 个文件。/);
    expect(await filesOf(report.id)).toBe(3);
    expect(await fileEvents(report.id)).toBe(3);
    await nothingLeftBehind();
  });
});

describe('a follow-up file the report already holds', () => {
  it('is not stored twice; the script is told it is already there', async () => {
    const { report, queryCode } = await filed();
    const s = await open(queryCode);
    expect((await s.send([pdf('same', '公示名单.pdf')])).statusCode).toBe(200);
    const again = await s.send([pdf('same', '公示名单（再传）.pdf')]);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ ok: true, files: [], already: ['公示名单（再传）.pdf'] });
    expect(await filesOf(report.id)).toBe(1);
    // Nothing was added, so nothing new for the staff: one reporter_files step.
    expect(await fileEvents(report.id)).toBe(1);
    // Twice in one post: kept once.
    const twice = await s.send([pdf('pair', '一.pdf'), pdf('pair', '二.pdf')]);
    expect(twice.json()).toMatchObject({ ok: true, files: [{ name: '一.pdf' }], already: ['二.pdf'] });
    expect(await filesOf(report.id)).toBe(2);
    await nothingLeftBehind();
  });

  it('is named on the page without the script, in Chinese, Korean and English', async () => {
    const { queryCode } = await filed();
    const s = await open(queryCode);
    expect((await s.send([pdf('once', '名单.pdf')], false)).statusCode).toBe(303);
    const page = await s.send([pdf('once', '名单.pdf'), pdf('new', '收据.pdf')], false);
    expect(page.statusCode).toBe(200);
    const notice = /<div class="notice ok" role="status" id="files-already">([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? '';
    expect(notice).toContain('您之前已经传过');
    expect(notice).toContain('<li>名单.pdf</li>');
    expect(notice).not.toContain('收据.pdf');
    // The new one is listed as received.
    expect(/id="done"[\s\S]*?<\/div>/.exec(page.body)?.[0]).toContain('收据.pdf');
    for (const [locale, words] of [['ko', '전에 이미 올리셨습니다'], ['en', 'You sent these files before']] as const) {
      const other = await open(queryCode, locale);
      const res = await other.send([pdf('once', '名单.pdf')], false);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(words);
    }
    await nothingLeftBehind();
  });
});
