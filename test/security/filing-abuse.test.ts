// Issue 16, defect 1: anonymous filing had no limit. Per client address (memory only) a budget of
// filings with files inside a larger budget of filings; for everyone an evidence-bytes budget per
// minute, past which reports are filed without their files and the receipt says so.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { decryptFromStore, evidenceOf, readAll } from '../../src/evidence/index.js';
import { findReport } from '../../src/reports/index.js';
import { testConfig, type AbuseLimits } from '../../src/config.js';
import { databaseFile } from '../../src/db/connection.js';
import { onPostgres } from '../../src/db/engine.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { multipart, openForm, type FileField, type FormPage } from '../helpers/forms.js';
import { exifSegment, jpegWith, pdfFile } from '../evidence/media/builders.js';
import { reportFields } from '../reports/fixtures.js';

const FLOODER = '203.0.113.66';
const defaults = testConfig({ dataDir: '/nonexistent' }).abuse;
const limits = (over: Partial<AbuseLimits>): AbuseLimits => ({ ...defaults, ...over });

const photo = (name = '现场照片.jpg'): FileField => ({ name: 'evidence', filename: name, content: jpegWith(exifSegment()), type: 'image/jpeg' });

function filer(t: TestApp) {
  let form: FormPage | null = null;
  return async function file(ip: string, files: FileField[] = [], extra: Record<string, string> = {}, cookies: Record<string, string> = {}) {
    // One form page serves every filing (its CSRF secret lives in the cookie); each filing gets its own nonce.
    form ??= await openForm(t.app, '/report');
    const body = await multipart({ ...reportFields(), ...extra, submission_id: crypto.randomBytes(24).toString('base64url') }, files);
    return t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: { ...form.cookies, ...cookies }, headers: body.headers, payload: body.payload, remoteAddress: ip });
  };
}

const reportCount = async (t: TestApp) => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from reports`))!.n;
const lastReportId = async (t: TestApp) => (await t.app.db.get<{ id: number }>(sql`select id from reports order by id desc limit 1`))!.id;
const codeOf = (html: string) => /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(html)?.[1];

async function storedDigests(t: TestApp, reportId: number): Promise<string[]> {
  const out: string[] = [];
  for (const f of await evidenceOf(t.app.db, 'report', reportId)) {
    const plain = await readAll(decryptFromStore(t.app.deps.dirs, t.app.keys.files, f.storedName));
    out.push(crypto.createHash('sha256').update(plain).digest('hex'));
  }
  return out;
}

describe('a flood of 200 anonymous filings with files from one address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ abuse: limits({ filingsPerAddress: 10, filingsWithFilesPerAddress: 3, uploadsPerAddress: 4 }) });
  });
  afterAll(() => t.close());

  it('holds the limit, harms nothing stored, and still takes a villager elsewhere and text from the flooding address', async () => {
    const file = filer(t);
    const earlier = await file('198.51.100.7', [photo('早先的照片.jpg')]);
    expect(earlier.statusCode).toBe(200);
    const earlierId = await lastReportId(t);
    const earlierRow = JSON.stringify(await findReport(t.app.db, earlierId));
    const earlierFiles = await storedDigests(t, earlierId);
    expect(earlierFiles).toHaveLength(1);
    const before = await reportCount(t);

    const started = Date.now();
    const statuses: number[] = [];
    let refusedBody = '';
    // Four at a time: the uploads one address may have in flight.
    for (let i = 0; i < 200; i += 4) {
      const batch = await Promise.all([0, 1, 2, 3].map(() => file(FLOODER, [photo()])));
      for (const res of batch) {
        statuses.push(res.statusCode);
        if (res.statusCode === 429) refusedBody = res.body;
      }
    }
    expect(Date.now() - started).toBeLessThan(60_000);

    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(197);
    expect(await reportCount(t)).toBe(before + 3);
    // The refused form comes back with the person's text and says what to do.
    expect(refusedBody).toContain('两台拖拉机');
    expect(refusedBody).toContain('您所在的网络刚才已经传了很多文件');
    expect(refusedBody).toContain('现场照片.jpg');
    expect(fs.readdirSync(path.join(t.dataDir, 'tmp'))).toEqual([]);

    // Nothing stored is harmed: the earlier report and its file read back unchanged.
    expect(JSON.stringify(await findReport(t.app.db, earlierId))).toBe(earlierRow);
    expect(await storedDigests(t, earlierId)).toEqual(earlierFiles);
    // The SQLite file's own consistency check; PostgreSQL has no such statement.
    if (!onPostgres) expect((await t.app.db.get<{ integrity_check: string }>(sql`pragma integrity_check`))!.integrity_check).toBe('ok');

    // A villager's single filing from another address goes through, with its file.
    const villager = await file('198.51.100.8', [photo('村里的照片.jpg')]);
    expect(villager.statusCode).toBe(200);
    expect(codeOf(villager.body)).toBeDefined();
    expect(villager.body).toContain('村里的照片.jpg — 已删除位置和设备信息');
    expect(await evidenceOf(t.app.db, 'report', await lastReportId(t))).toHaveLength(1);

    // A text-only filing from the flooding address is still accepted.
    const text = await file(FLOODER);
    expect(text.statusCode).toBe(200);
    expect(codeOf(text.body)).toBeDefined();

    // The address was only ever counted in memory.
    expect(t.logs()).not.toContain(FLOODER);
    for (const suffix of ['', '-wal']) {
      const db = databaseFile(t.dataDir) + suffix;
      if (fs.existsSync(db)) expect(fs.readFileSync(db).includes(Buffer.from(FLOODER))).toBe(false);
    }
  }, 120_000);

  it('refuses text past the larger budget before reading the body, and says when to try again', async () => {
    const file = filer(t);
    const ip = '203.0.113.99';
    for (let i = 0; i < 10; i++) expect((await file(ip)).statusCode).toBe(200);
    const refused = await file(ip);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers.connection).toBe('close');
    expect(refused.body).toContain('您所在的网络刚才已经提交了很多举报');
    expect(refused.body).toContain('返回');
  });
});

describe('the per-address factor and follow-up files', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp({ rateLimitFactor: 3, abuse: limits({ filingsPerAddress: 10, filingsWithFilesPerAddress: 1 }) });
  });
  afterAll(() => t.close());

  it('SUNSHINE_RATE_LIMIT_FACTOR multiplies the per-address budgets', async () => {
    const file = filer(t);
    const ip = '192.0.2.10';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await file(ip, [photo()])).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('follow-up files to one report count once, and then the address is out of filings with files', async () => {
    const ip = '192.0.2.20';
    const form = await openForm(t.app, '/report');
    const body = await multipart({ ...reportFields(), staged: '1', submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: ip });
    expect(res.statusCode).toBe(200);
    const jar = { ...form.cookies };
    for (const c of res.cookies as { name: string; value: string }[]) jar[c.name] = c.value;
    // A different file each time: a file the report already holds is skipped, not stored twice.
    let n = 0;
    const upload = async () => {
      n += 1;
      const b = await multipart({}, [{ name: 'evidence', filename: `名单${n}.pdf`, content: Buffer.concat([pdfFile(), Buffer.from(`%${n}\n`)]), type: 'application/pdf' }]);
      return t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(form.csrf)}`, cookies: jar, headers: { ...b.headers, accept: 'application/json' }, payload: b.payload, remoteAddress: ip });
    };
    for (let i = 0; i < 4; i++) expect((await upload()).statusCode).toBe(200);
    expect(await evidenceOf(t.app.db, 'report', await lastReportId(t))).toHaveLength(4);
    // Budget: 1 × factor 3. This report took one; two more reports may bring files, the next may not.
    const file = filer(t);
    expect((await file(ip, [photo()])).statusCode).toBe(200);
    expect((await file(ip, [photo()])).statusCode).toBe(200);
    const refused = await file(ip, [photo()]);
    expect(refused.statusCode).toBe(429);
  });
});

describe('the evidence budget shared by everyone', () => {
  let t: TestApp;
  /** A PDF of about 600 KB: two of them spend the budget below. */
  const bigPdf = (name: string): FileField => ({ name: 'evidence', filename: name, content: Buffer.concat([pdfFile(), Buffer.alloc(600 * 1024, 0x20)]), type: 'application/pdf' });
  beforeAll(async () => {
    t = await makeApp({ abuse: limits({ evidenceBytesPerMinute: 1024 * 1024 }) });
  });
  afterAll(() => t.close());

  it('once spent, files the report without its files and names each dropped file, why, and how to add it', async () => {
    const file = filer(t);
    const first = await file('198.51.100.30', [bigPdf('名单一.pdf'), bigPdf('名单二.pdf')]);
    expect(first.statusCode).toBe(200);
    expect(await evidenceOf(t.app.db, 'report', await lastReportId(t))).toHaveLength(2);

    const before = await reportCount(t);
    const res = await file('198.51.100.31', [photo('低保公示照片.jpg'), photo('门口照片.jpg')]);
    expect(res.statusCode).toBe(200);
    expect(await reportCount(t)).toBe(before + 1);
    expect(codeOf(res.body)).toBeDefined();
    expect(await evidenceOf(t.app.db, 'report', await lastReportId(t))).toHaveLength(0);
    expect(res.body).toContain('这些文件没有收到');
    expect(res.body).toMatch(/<strong>低保公示照片\.jpg<\/strong> — 这会儿大家传的文件太多/);
    expect(res.body).toContain('<strong>门口照片.jpg</strong>');
    expect(res.body).toContain('“补充证据材料”');
    expect(fs.readdirSync(path.join(t.dataDir, 'tmp'))).toEqual([]);
  });

  it.each([
    ['ko', '받지 못한 파일', '“증거자료 보충”'],
    ['en', 'Files not received', '"Add evidence"'],
  ])('says so in %s too', async (lang, title, how) => {
    const res = await filer(t)('198.51.100.32', [photo('photo.jpg')], {}, { lang });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(title);
    expect(res.body.replace(/&quot;/g, '"')).toContain(how);
    expect(res.body).toContain('<strong>photo.jpg</strong>');
  });

  it('follow-up files wait for the budget too, each named with its reason', async () => {
    const form = await openForm(t.app, '/report');
    const body = await multipart({ ...reportFields(), staged: '1', submission_id: form.hidden.submission_id! });
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload, remoteAddress: '198.51.100.33' });
    const jar = { ...form.cookies };
    for (const c of res.cookies as { name: string; value: string }[]) jar[c.name] = c.value;
    const b = await multipart({}, [photo('补充.jpg')]);
    const upload = await t.app.inject({ method: 'POST', url: `/track/files?_csrf=${encodeURIComponent(form.csrf)}`, cookies: jar, headers: { ...b.headers, accept: 'application/json' }, payload: b.payload, remoteAddress: '198.51.100.33' });
    expect(upload.statusCode).toBe(400);
    expect(upload.json()).toMatchObject({ ok: false, fileProblems: [{ name: '补充.jpg', problem: 'busy' }] });
  });
});
