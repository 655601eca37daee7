// A report form posted again with the same one-time nonce (submission_id): the text-first answer was
// lost and the script fell back to the browser's own post of the whole form, or a villager without
// script pressed send twice or sent again after a time-out. The villager must get her query code back
// and the files she sent, and nothing may be filed twice or changed.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { evidenceOf } from '../../src/evidence/index.js';
import { REPEAT_WINDOW_MS, findReport } from '../../src/reports/index.js';
import { reports } from '../../src/reports/tables.js';
import { runRetentionSweep } from '../../src/retention/index.js';
import { onPostgres } from '../../src/db/engine.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm, type FileField } from '../helpers/forms.js';
import { exifSegment, jpegWith } from '../evidence/media/builders.js';
import { pdfField as pdf, photoField as photo, reportFields, voiceField as voice } from './fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ upload: { maxFileBytes: 2 * 1024 * 1024, maxFiles: 3, maxReportBytes: 3 * 1024 * 1024 } });
});
afterAll(() => t.close());


type Form = Awaited<ReturnType<typeof openForm>>;
async function post(form: Form, fields: Record<string, string>, files: FileField[] = []) {
  const body = await multipart({ ...fields, submission_id: form.hidden.submission_id! }, files);
  return t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '203.0.113.78' });
}

const count = async (table: string) => (await t.app.db.get<{ n: number }>(sql.raw(`select count(*) as n from ${table}`)))!.n;
const codeOf = (html: string) => /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(html)?.[1];
const lastReportId = async () => (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))!.id;
const tmpFiles = () => fs.readdirSync(path.join(t.dataDir, 'tmp'));
/** Every stored file is named by a row, and every row has its file: nothing orphaned, nothing lost. */
async function storeMatchesRows() {
  expect(fs.readdirSync(path.join(t.dataDir, 'files')).sort()).toEqual((await t.app.db.all<{ s: string }>(sql`select stored_name as s from evidence_files`)).map((r) => r.s).sort());
}
/** The notice that a changed text was not added (class="notice warn", role="status"). */
const changedNotice = (html: string) => /<div class="notice warn" role="status" id="repeat-changed">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
/** The section naming the files not received. */
const droppedSection = (html: string) => /aria-labelledby="not-received-title">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
const eventsOfType = async (id: number, type: string) => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from report_events where report_id = ${id} and type = ${type}`))!.n;

describe('the whole form posted again after the text-first answer was lost', () => {
  it('shows the same query code and attaches the files, cleaned and sealed, to the one report', async () => {
    const form = await openForm(t.app, '/report');
    const before = await count('reports');
    // The script's fetch: the text alone (staged=1). Its answer never reached the phone.
    const first = await post(form, { ...reportFields(), staged: '1' });
    expect(first.statusCode).toBe(200);
    const code = codeOf(first.body)!;
    expect(code).toBeDefined();
    const id = await lastReportId();
    // The fallback: the browser posts the form itself, text and files, same nonce, no staged flag.
    const again = await post(form, reportFields(), [photo(), pdf()]);
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBe(code);
    expect(again.body).toContain('没有重复提交');
    expect(again.body).toContain('现场照片.jpg — 已删除位置和设备信息');
    expect(again.body).toContain('公示名单.pdf — <strong>无法自动删除其中的隐藏信息');
    expect(again.body).not.toContain('这些文件没有收到');
    expect(await count('reports')).toBe(before + 1);
    const files = await evidenceOf(t.app.db, 'report', id);
    expect(files.map((f) => [f.mime, f.cleaned, f.uploadedBy])).toEqual([['image/jpeg', true, 'reporter'], ['application/pdf', false, 'reporter']]);
    // Recorded as the staged upload records files the reporter adds: one event, one audit entry.
    expect(await eventsOfType(id, 'reporter_files')).toBe(1);
    expect(await storeMatchesRows());
    expect(tmpFiles()).toEqual([]);
  });
});

describe('send pressed twice without script', () => {
  it('does not attach a file twice, and attaches the one the first post did not carry', async () => {
    const form = await openForm(t.app, '/report');
    const first = await post(form, reportFields(), [photo()]);
    expect(first.statusCode).toBe(200);
    const id = await lastReportId();
    const again = await post(form, reportFields(), [photo(), voice()]);
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBe(codeOf(first.body));
    // Both named as kept: the photo arrived with the first post, the recording with this one.
    expect(again.body).toContain('现场照片.jpg — 已删除位置和设备信息');
    expect(again.body).toContain('录音.mp3 — 已删除位置和设备信息');
    expect((await evidenceOf(t.app.db, 'report', id)).map((f) => f.mime)).toEqual(['image/jpeg', 'audio/mpeg']);
    // The very same post a third time: nothing new, nothing recorded.
    const third = await post(form, reportFields(), [photo(), voice()]);
    expect(codeOf(third.body)).toBe(codeOf(first.body));
    expect(third.body).toContain('录音.mp3 — 已删除位置和设备信息');
    expect(await evidenceOf(t.app.db, 'report', id)).toHaveLength(2);
    expect(await eventsOfType(id, 'reporter_files')).toBe(1);
    await storeMatchesRows();
    expect(tmpFiles()).toEqual([]);
  });

  it('keeps the report\'s file limit: files beyond it are named as not received', async () => {
    const form = await openForm(t.app, '/report');
    const first = await post(form, reportFields(), [photo(), pdf()]);
    expect(first.statusCode).toBe(200);
    const id = await lastReportId();
    const again = await post(form, reportFields(), [voice(), { ...photo(), filename: '第二张.jpg', content: jpegWith(exifSegment(3)) }]);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('录音.mp3 — 已删除位置和设备信息');
    expect(again.body).toContain('第二张.jpg</strong> — 文件太多：一件举报最多 3 个文件。');
    expect(await evidenceOf(t.app.db, 'report', id)).toHaveLength(3);
    await storeMatchesRows();
    expect(tmpFiles()).toEqual([]);
  });
});

describe('a different text under the same nonce', () => {
  it('changes nothing in the report and says so plainly near the top, with the code and how to add the changes', async () => {
    const form = await openForm(t.app, '/report');
    const first = await post(form, reportFields());
    const id = await lastReportId();
    const filed = (await findReport(t.app.db, id))!;
    const again = await post(form, reportFields({ description: '改过的内容：村主任还把他小舅子也评上了低保，家里开着小卖部。', category: 'wrong_grant' }), [photo()]);
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBe(codeOf(first.body));
    // A notice of its own, before the code: received before (same code), changes not added, how to add them.
    const notice = changedNotice(again.body);
    expect(notice).toContain('您的举报之前已经收到了，查询码还是下面这个');
    expect(notice).toContain('这次改过的内容没有加进去');
    expect(notice).toContain('输入查询码，在“回复或补充说明”里写上');
    expect(again.body.indexOf('id="repeat-changed"')).toBeLessThan(again.body.indexOf('class="query-code"'));
    // It replaces the plain "sent before, same code" line rather than saying it twice.
    expect(again.body).not.toContain('下面是同一个查询码');
    // The list of files not received names files only.
    const dropped = droppedSection(again.body);
    expect(dropped).toContain('现场照片.jpg</strong> — 这次提交的内容和第一次的不一样，这个文件没有加进去。');
    expect(dropped).not.toContain('这次填写的内容');
    expect(dropped).not.toContain('和第一次提交的不一样。');
    expect(dropped).toContain('以第一次的内容为准');
    const now = (await findReport(t.app.db, id))!;
    expect({ ...now }).toEqual({ ...filed });
    expect(await evidenceOf(t.app.db, 'report', id)).toHaveLength(0);
    await storeMatchesRows();
    expect(tmpFiles()).toEqual([]);
  });

  it('without files: the notice alone, no list of files not received', async () => {
    const form = await openForm(t.app, '/report');
    const first = await post(form, reportFields());
    const again = await post(form, reportFields({ description: '我又想起来一件事：去年的低保名单也没有公示。' }));
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBe(codeOf(first.body));
    expect(changedNotice(again.body)).toContain('这次改过的内容没有加进去');
    expect(again.body).not.toContain('这些文件没有收到');
  });

  it('says the same in Korean and English', async () => {
    for (const [lang, words] of [
      ['ko', ['이 신고는 전에 이미 받았습니다', '이번에 고친 내용은 들어가지 않았습니다', '“회답 또는 보충 설명”']],
      ['en', ['We already received this report earlier', 'The changes you made this time were not added', '“Reply or add details”']],
    ] as const) {
      const form = await openForm(t.app, '/report', { lang });
      await post(form, reportFields());
      const again = await post(form, reportFields({ description: 'Changed: the village head also listed his brother-in-law.' }));
      const notice = changedNotice(again.body);
      for (const w of words) expect(notice).toContain(w);
    }
  });

  it('an unchanged repeat shows no such notice', async () => {
    const form = await openForm(t.app, '/report');
    await post(form, reportFields());
    const again = await post(form, reportFields());
    expect(again.body).toContain('下面是同一个查询码');
    expect(again.body).not.toContain('id="repeat-changed"');
  });
});

describe('limits on getting the code back', () => {
  /** A form whose text-first post was filed `age` ago: the form, the code it was shown, the report. */
  async function filedAgo(age: number) {
    const form = await openForm(t.app, '/report');
    const first = await post(form, { ...reportFields(), staged: '1' });
    const code = codeOf(first.body)!;
    const id = await lastReportId();
    const filed = (await findReport(t.app.db, id))!;
    await t.app.db.update(reports).set({ receivedAt: filed.receivedAt - age }).where(eq(reports.id, id)).run();
    return { form, code, id };
  }

  it('gives the code back and attaches the files until the last minute of the day, a retention sweep notwithstanding', async () => {
    // A minute short of a day, and the retention sweep has just run: it keeps the sealed copy of the
    // code exactly as long as the repeat may bring it back, never less.
    const { form, code, id } = await filedAgo(REPEAT_WINDOW_MS - 60_000);
    await runRetentionSweep(t.app.deps, null);
    expect((await findReport(t.app.db, id))!.receiptForRetry).not.toBeNull();
    const again = await post(form, reportFields(), [photo()]);
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBe(code);
    expect(again.body).toContain('现场照片.jpg — 已删除位置和设备信息');
    expect(await evidenceOf(t.app.db, 'report', id)).toHaveLength(1);
    await storeMatchesRows();
    expect(tmpFiles()).toEqual([]);
  });

  it('withholds the code and attaches nothing once the form is older than the retry window', async () => {
    // A day and a minute later, before the retention sweep has dropped the sealed copy.
    const { form, code, id } = await filedAgo(REPEAT_WINDOW_MS + 60_000);
    const again = await post(form, { ...reportFields(), staged: '1' });
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBeUndefined();
    expect(again.body).not.toContain(code);
    expect(again.body).toContain('查询码只在第一次提交时显示');
    // No follow-up session for the report either: that would reach the same page the code opens.
    expect((again.cookies as { name: string }[]).some((c) => c.name === 'sid')).toBe(false);
    const late = await post(form, reportFields(), [photo()]);
    expect(codeOf(late.body)).toBeUndefined();
    expect(late.body).toContain('现场照片.jpg');
    expect(late.body).toContain('这些文件没有收到');
    expect(late.body).toContain('这张表格一天以前已经提交过');
    // The code is not on this page: the way to add files names the hotline and the case number.
    expect(late.body).toContain('没有记下查询码的，请带上举报编号拨打下面的投诉电话');
    expect(await evidenceOf(t.app.db, 'report', id)).toHaveLength(0);
    await storeMatchesRows();
    expect(tmpFiles()).toEqual([]);
  });

  it('past the window, a changed text: the notice says the changes were not added, with the written-down code or the hotline', async () => {
    const { form, code, id } = await filedAgo(REPEAT_WINDOW_MS + 60_000);
    const filed = (await findReport(t.app.db, id))!;
    const late = await post(form, reportFields({ description: '改过的内容：村主任还把他小舅子也评上了低保。' }));
    expect(late.statusCode).toBe(200);
    expect(late.body).not.toContain(code);
    expect(late.body).toContain('查询码只在第一次提交时显示');
    const notice = changedNotice(late.body);
    expect(notice).toContain('这次改过的内容没有加进去');
    expect(notice).toContain('输入您记下的查询码');
    expect(notice).toContain('没有记下查询码的，请打下面的投诉电话，说出举报编号');
    expect(notice).not.toContain('查询码还是下面这个');
    expect(late.body).not.toContain('这些文件没有收到');
    expect({ ...(await findReport(t.app.db, id))! }).toEqual({ ...filed });
  });

  it('gives nothing back to another form: a different nonce files a report of its own', async () => {
    const a = await openForm(t.app, '/report');
    const b = await openForm(t.app, '/report', a.cookies);
    const first = await post(a, reportFields());
    const other = await post(b, reportFields());
    expect(codeOf(other.body)).toBeDefined();
    expect(codeOf(other.body)).not.toBe(codeOf(first.body));
  });
});

describe('a repeat that fails half way', () => {
  const trigger = onPostgres
    ? [
        sql.raw(`create or replace function refuse_reporter_files() returns trigger as $$ begin if new.type = 'reporter_files' then raise exception 'refused'; end if; return new; end $$ language plpgsql`),
        sql.raw(`create trigger refuse_reporter_files before insert on report_events for each row execute function refuse_reporter_files()`),
      ]
    : [sql.raw(`create trigger refuse_reporter_files before insert on report_events when new.type = 'reporter_files' begin select raise(abort, 'refused'); end`)];
  const untrigger = onPostgres ? [sql.raw('drop trigger if exists refuse_reporter_files on report_events'), sql.raw('drop function if exists refuse_reporter_files()')] : [sql.raw('drop trigger if exists refuse_reporter_files')];
  afterEach(async () => {
    for (const s of untrigger) await t.app.db.run(s);
  });

  it('leaves no file and no record, and the next repeat attaches them', async () => {
    const form = await openForm(t.app, '/report');
    const first = await post(form, { ...reportFields(), staged: '1' });
    const id = await lastReportId();
    for (const s of trigger) await t.app.db.run(s);
    const failed = await post(form, reportFields(), [photo(), pdf()]);
    expect(failed.statusCode).toBe(500);
    expect(await evidenceOf(t.app.db, 'report', id)).toHaveLength(0);
    expect(await eventsOfType(id, 'reporter_files')).toBe(0);
    await storeMatchesRows();
    expect(tmpFiles()).toEqual([]);
    for (const s of untrigger) await t.app.db.run(s);
    const again = await post(form, reportFields(), [photo(), pdf()]);
    expect(again.statusCode).toBe(200);
    expect(codeOf(again.body)).toBe(codeOf(first.body));
    expect(await evidenceOf(t.app.db, 'report', id)).toHaveLength(2);
    await storeMatchesRows();
  });
});
