import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decryptFromStore, evidenceOf, readAll } from '../../src/evidence/index.js';
import { findReport } from '../../src/reports/index.js';
import { unsealJson } from '../../src/shared/crypto.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm, type FileField } from '../helpers/forms.js';
import { CAMERA_MAKE, GPS_RATIONALS, jpegWith } from '../evidence/media/builders.js';
import { pdfField as pdf, photoField as photo, reportFields, voiceField as voice } from './fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ upload: { maxFileBytes: 2 * 1024 * 1024, maxFiles: 3, maxReportBytes: 3 * 1024 * 1024 } });
});
afterAll(() => t.close());


async function submit(fields: Record<string, string>, files: FileField[] = [], opts: { csrf?: string; cookies?: Record<string, string>; ip?: string } = {}) {
  const form = opts.csrf ? { csrf: opts.csrf, cookies: opts.cookies!, hidden: { submission_id: fields.submission_id! } } : await openForm(t.app, '/report');
  const body = await multipart({ submission_id: form.hidden.submission_id!, ...fields }, files);
  const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: opts.ip ?? '203.0.113.77' });
  return { res, form };
}

const reportCount = async () => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from reports`))!.n;
const codeOf = (html: string) => /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(html)?.[1];
const tmpFiles = () => fs.readdirSync(path.join(t.dataDir, 'tmp'));

describe('filing a report', () => {
  it('renders the form with every category, the place selects and a CSRF token in the action', async () => {
    const form = await openForm(t.app, '/report');
    expect(form.html).toContain('action="/report?_csrf=');
    expect(form.html).toContain('优亲厚友');
    expect(form.html).toContain('涉黑涉恶');
    expect(form.html).toContain('<option value="220100"');
    expect(form.hidden.submission_id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(form.html).toContain('查询码只显示一次');
  });

  it('files a report with a photo, a PDF and a voice recording, cleaned, encrypted and hashed', async () => {
    const before = await reportCount();
    const { res } = await submit(reportFields(), [photo(), pdf(), voice()]);
    expect(res.statusCode).toBe(200);
    const code = codeOf(res.body);
    expect(code).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(res.body).toContain('南关区民政局');
    expect(res.body).toContain('现场照片.jpg — 已删除位置和设备信息');
    expect(res.body).toContain('公示名单.pdf — <strong>无法自动删除其中的隐藏信息');
    expect(await reportCount()).toBe(before + 1);

    const report = (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))!;
    const row = (await findReport(t.app.db, report.id))!;
    expect(row.status).toBe('received');
    expect(row.channel).toBe('online');
    expect(JSON.stringify(row)).not.toContain(code!.replace(/ /g, ''));
    const files = await evidenceOf(t.app.db, 'report', report.id);
    expect(files.map((f) => [f.mime, f.cleaned])).toEqual([['image/jpeg', true], ['application/pdf', false], ['audio/mpeg', true]]);
    for (const f of files) {
      const raw = fs.readFileSync(path.join(t.dataDir, 'files', f.storedName));
      const plain = await readAll(decryptFromStore(t.app.deps.dirs, t.app.keys.files, f.storedName));
      expect(crypto.createHash('sha256').update(plain).digest('hex')).toBe(f.sha256);
      expect(raw.includes(plain.subarray(0, 64))).toBe(false);
    }
    const jpeg = await readAll(decryptFromStore(t.app.deps.dirs, t.app.keys.files, files[0]!.storedName));
    expect(jpeg.includes(GPS_RATIONALS)).toBe(false);
    expect(jpeg.includes(Buffer.from(CAMERA_MAKE))).toBe(false);
    // Without the key the files do not open.
    await expect(readAll(decryptFromStore(t.app.deps.dirs, Buffer.alloc(32, 7), files[0]!.storedName))).rejects.toThrow();
    expect(tmpFiles()).toEqual([]);
  });

  it('keeps the identity of a real-name reporter encrypted', async () => {
    const { res } = await submit(reportFields({ identity_mode: 'real_name', reporter_name: '李秀兰', reporter_phone: '13904311234' }));
    expect(res.statusCode).toBe(200);
    const row = (await t.app.db.get<{ id: number; identity_sealed: Buffer }>(sql`select id, identity_sealed from reports order by id desc limit 1`))!;
    expect(row.identity_sealed.toString('latin1')).not.toContain('13904311234');
    expect(Buffer.from(row.identity_sealed).includes(Buffer.from('李秀兰'))).toBe(false);
    expect(unsealJson<{ name: string }>(t.app.keys.identity, row.identity_sealed, `report:${row.id}`).name).toBe('李秀兰');
    expect(() => unsealJson(Buffer.alloc(32, 3), row.identity_sealed, `report:${row.id}`)).toThrow();
  });

  it.each([
    ['no category', { category: '' }, '请选择反映的问题类型'],
    ['an empty description', { description: '' }, '请写明具体情况，至少15个字'],
    ['a short description', { description: '太短了' }, '请写明具体情况，至少15个字'],
    ['an unknown place', { county: '999999' }, '请选择县（市、区）'],
    ['a village of another township', { village: '220102002001' }, '请选择列表中的村（社区）'],
    ['a bad phone for a real-name report', { identity_mode: 'real_name', reporter_name: '李秀兰', reporter_phone: 'call me' }, '请填写1开头的11位手机号，或带区号的固定电话'],
  ])('brings the form back for %s, keeping the input and filing nothing', async (_label, change, message) => {
    const before = await reportCount();
    const fields = reportFields({ ...change, subject_name: '王德福<b>' });
    const { res } = await submit(fields, [photo()]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).toContain('value="王德福&lt;b&gt;"');
    if (fields.description) expect(res.body).toContain(fields.description.slice(0, 10));
    expect(res.body).toContain('以下文件没有保存，请重新选择');
    expect(res.body).toContain('现场照片.jpg');
    expect(await reportCount()).toBe(before);
    expect(tmpFiles()).toEqual([]);
  });

  it('accepts a voice recording in place of a written description', async () => {
    const { res } = await submit(reportFields({ description: '' }), [voice()]);
    expect(res.statusCode).toBe(200);
    expect(codeOf(res.body)).toBeDefined();
  });

  // Issue 20 item 1: one bad file no longer sends the whole report back (the good files had to be
  // picked again): the report is filed with the others, and the receipt names each refused file,
  // why, with the limit, and how to send another from the tracking page.
  it.each([
    ['a page whose name says .jpg', [photo(), { name: 'evidence', filename: 'photo.jpg', content: Buffer.from('<!doctype html><script>alert(1)</script>'), type: 'image/jpeg' }], 'photo.jpg</strong> — 不能用这种文件。请传照片、PDF、录音或MP4视频。', 1],
    ['a file over the size limit', [photo(), { name: 'evidence', filename: 'big.jpg', content: Buffer.concat([jpegWith(), Buffer.alloc(2 * 1024 * 1024 + 10)]) }], 'big.jpg</strong> — 文件太大：每个文件不能超过 2 MB。手机拍的视频太长就会这样', 1],
    ['too many files', [photo(), photo(), photo(), { ...photo(), filename: '第四张.jpg' }], '第四张.jpg</strong> — 文件太多：一件举报最多 3 个文件。', 3],
  ])('files the report without %s and names it on the receipt with the limit', async (_label, files, message, kept) => {
    const before = await reportCount();
    const { res } = await submit(reportFields(), files as FileField[]);
    expect(res.statusCode).toBe(200);
    expect(codeOf(res.body)).toBeDefined();
    expect(await reportCount()).toBe(before + 1);
    expect(res.body).toContain('这些文件没有收到');
    expect(res.body).toContain(message);
    expect(res.body).toContain('在“补充证据材料”里传上去');
    expect((res.body.match(/已删除位置和设备信息/g) ?? []).length).toBe(kept);
    expect(tmpFiles()).toEqual([]);
  });

  it('still brings the form back, files and all, when the text itself is wrong', async () => {
    const before = await reportCount();
    const { res } = await submit(reportFields({ description: '太短' }), [{ name: 'evidence', filename: 'photo.jpg', content: Buffer.from('<html>'), type: 'image/jpeg' }]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('不能用这种文件');
    expect(await reportCount()).toBe(before);
  });

  it('does not file twice when the same form is posted again', async () => {
    const form = await openForm(t.app, '/report');
    const fields = { ...reportFields(), submission_id: form.hidden.submission_id! };
    const before = await reportCount();
    const [a, b] = await Promise.all([
      submit(fields, [photo()], { csrf: form.csrf, cookies: form.cookies }),
      submit(fields, [photo()], { csrf: form.csrf, cookies: form.cookies }),
    ]);
    const c = await submit(fields, [], { csrf: form.csrf, cookies: form.cookies });
    expect([a.res.statusCode, b.res.statusCode, c.res.statusCode]).toEqual([200, 200, 200]);
    expect(await reportCount()).toBe(before + 1);
    expect(codeOf(b.res.body)).toBe(codeOf(a.res.body));
    expect(codeOf(c.res.body)).toBe(codeOf(a.res.body));
    expect(c.res.body).toContain('没有重复提交');
    const stored = fs.readdirSync(path.join(t.dataDir, 'files'));
    const referenced = (await t.app.db.get<{ n: number }>(sql`select count(*) as n from evidence_files`))!.n;
    expect(stored.length).toBe(referenced);
  });

  it('keeps what was typed when a page of ours posts with an expired token, and files nothing (issue 20 item 4)', async () => {
    const form = await openForm(t.app, '/report');
    const fields = { ...reportFields({ subject_name: '王德福' }), submission_id: form.hidden.submission_id! };
    const body = await multipart({ ...fields, _csrf: 'expired-token' }, [photo()]);
    const before = await reportCount();
    const res = await t.app.inject({ method: 'POST', url: '/report?_csrf=expired-token', cookies: form.cookies, headers: { ...body.headers, 'sec-fetch-site': 'same-origin' }, payload: body.payload });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('为了安全已经过期，举报还没有提交');
    expect(res.body).toContain('value="王德福"');
    expect(res.body).toContain((fields as Record<string, string>).description!.slice(0, 10));
    expect(res.body).toContain('现场照片.jpg');
    // A fresh token, and the same nonce (a repeat of this form is known as one before its body is read).
    expect(res.body).toMatch(new RegExp(`action="/report\\?_csrf=[^"&]+&amp;submission=${fields.submission_id}"`));
    expect(await reportCount()).toBe(before);
    expect(tmpFiles()).toEqual([]);
    // From another site (or a browser that does not say), nothing is pre-filled: the plain refusal.
    const cross = await multipart({ ...fields, _csrf: 'expired-token' });
    const forged = await t.app.inject({ method: 'POST', url: '/report?_csrf=expired-token', cookies: form.cookies, headers: { ...cross.headers, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, payload: cross.payload });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).not.toContain('王德福');
    expect(forged.body).toContain('页面已过期');
  });

  it('refuses a submission without the CSRF token', async () => {
    const form = await openForm(t.app, '/report');
    const body = await multipart({ ...reportFields(), submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: '/report', cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('页面已过期');
  });

  it('never writes the client address or user agent to the log', async () => {
    await submit(reportFields(), [], { ip: '198.51.100.23' });
    const logs = t.logs();
    expect(logs).toContain('"path":"/report"');
    expect(logs).not.toContain('198.51.100.23');
    expect(logs).not.toContain('203.0.113.77');
    expect(logs).not.toMatch(/remoteAddress|user-agent|userAgent/i);
  });

  it('shows the next level of places without JavaScript, keeping the text', async () => {
    const { res } = await submit({ ...reportFields({ township: '', village: '' }), action: 'refresh_place' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<option value="220102001"');
    expect(res.body).toContain('两台拖拉机');
  });
});

describe('staged filing (text first, then files)', () => {
  it('files the text, opens a follow-up session for that report, and takes the files one by one as JSON', async () => {
    const { res, form } = await submit({ ...reportFields(), staged: '1' });
    expect(res.statusCode).toBe(200);
    expect(codeOf(res.body)).toBeDefined();
    const jar = { ...form.cookies };
    for (const c of res.cookies as { name: string; value: string }[]) jar[c.name] = c.value;
    expect(jar.sid).toBeDefined();
    const body = await multipart({}, [photo()]);
    const upload = await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(form.csrf)}`, cookies: jar, headers: { ...body.headers, accept: 'application/json' }, payload: body.payload });
    expect(upload.statusCode).toBe(200);
    expect(upload.json()).toEqual({ ok: true, files: [{ name: '现场照片.jpg', cleaned: true }] });
    const bad = await multipart({}, [{ name: 'evidence', filename: 'x.jpg', content: Buffer.from('<html>') }]);
    const refused = await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(form.csrf)}`, cookies: jar, headers: { ...bad.headers, accept: 'application/json' }, payload: bad.payload });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().ok).toBe(false);
  });

  // A villager's recording-only report was filed empty when the recording was then refused (too
  // large, the network's budget) while the page said "received" (session 10): the text is staged
  // only when there is text; a recording alone comes with the form, checked as one.
  it('refuses an empty description sent ahead of its files, even when it says a recording follows', async () => {
    const before = await reportCount();
    const { res } = await submit({ ...reportFields({ description: '' }), staged: '1', staged_audio: '1' });
    expect(res.statusCode).toBe(400);
    expect(codeOf(res.body)).toBeUndefined();
    expect(await reportCount()).toBe(before);
  });
});
