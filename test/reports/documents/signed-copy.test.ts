// The signed copy of a written notice (issue 23): a ZIP with the Word file, a manifest naming it by
// SHA-256 and SM3 with the 文号, case number and dates, the manifest's SM2 signature (openssl
// verifies it with the published key) and how to check — and no reporter identity in the manifest.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../../src/audit/index.js';
import { fileReport } from '../../../src/reports/index.js';
import { SM2_PUBLIC_KEY_PATH } from '../../../src/shared/crypto/public-key-route.js';
import { makeApp, tempDir, type TestApp } from '../../helpers/app.js';
import { cookiesFrom, openForm } from '../../helpers/forms.js';
import { haveOpenssl, opensslVerifies } from '../../helpers/sm2-openssl.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';

let t: TestApp;
let lead: Session, otherCounty: Session;
let pem: string;
const NAME = '王桂芝';
const PHONE = '13900005678';
const ADDRESS = '南关区幸福乡光明村5组';
let r: { id: number; page: string; code: string; caseNo: string };

beforeAll(async () => {
  t = await makeApp();
  lead = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead']));
  otherCounty = await signIn(t.app, await createStaff(t.app, 'ca:220103', ['intake', 'handler', 'lead']));
  pem = (await t.app.inject(SM2_PUBLIC_KEY_PATH)).body;
  const filed = await fileReport(
    t.app.deps,
    {
      category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001',
      subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false,
      description: '村会计让我们办低保先交五百块钱手续费。', happenedAt: null,
      identity: { name: NAME, phone: PHONE, email: 'wang@example.invalid', address: ADDRESS },
    } as never,
    [],
    { channel: 'online', nonce: null },
  );
  r = { id: filed.report.id, page: `/staff/reports/${filed.report.id}`, code: filed.queryCode, caseNo: filed.report.caseNo };
  expect((await lead.post(`${r.page}/accept`, {}, r.page)).statusCode).toBe(303);
});
afterAll(() => t.close());

async function unzip(body: Buffer) {
  const zip = await JSZip.loadAsync(body);
  const read = (name: string) => zip.file(name)!.async('nodebuffer');
  return { names: Object.keys(zip.files).sort(), read };
}

/** The reporter's tracking session for the query code. */
async function reporter(code: string) {
  const form = await openForm(t.app, '/track');
  const res = await t.app.inject({ method: 'POST', url: '/track', cookies: form.cookies, remoteAddress: '10.31.0.1', payload: { _csrf: form.csrf, code } });
  expect(res.statusCode).toBe(303);
  const jar = cookiesFrom(res, form.cookies);
  return { get: (url: string) => t.app.inject({ url, cookies: jar }) };
}

const docNumber = (body: string) => /<p class="document-number">([^<]+)<\/p>/.exec(body)?.[1];

describe('the signed copy of a notice', () => {
  it('holds the Word file, its manifest (文号, case number, dates, SHA-256 and SM3) and an SM2 signature openssl verifies', async () => {
    const print = await lead.get(`${r.page}/documents/acceptance`);
    expect(print.body).toContain(`href="${r.page}/documents/acceptance/signed.zip"`);
    const number = docNumber(print.body)!;
    const links = await lead.get(r.page);
    expect(links.body).toContain(`href="${r.page}/documents/acceptance/signed.zip"`);

    const res = await lead.get(`${r.page}/documents/acceptance/signed.zip`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toContain(`filename="${r.caseNo}-acceptance-signed.zip"`);
    const copy = await unzip(res.rawPayload);
    const docxName = `${r.caseNo}-acceptance.docx`;
    expect(copy.names).toEqual(['SHA256SUMS', 'SHA256SUMS.sig', 'VERIFY.txt', docxName].sort());
    const docx = await copy.read(docxName);
    const manifest = await copy.read('SHA256SUMS');
    const text = manifest.toString('utf8');
    expect(text).toContain('# 文书: 受理告知书');
    expect(text).toContain(`# 文号: ${number}`);
    expect(text).toContain(`# 编号: ${r.caseNo}`);
    expect(text).toMatch(/# 成文日期: \d{4}-\d{2}-\d{2}\n/);
    expect(text).toMatch(/# 文号编定时间: \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00\n/);
    expect(text).toContain('# 副本: 工作人员存档件（未显示信访人姓名）');
    expect(text).toContain(`# SM3: ${crypto.createHash('sm3').update(docx).digest('hex')}  ${docxName}\n`);
    expect(text.endsWith(`${crypto.createHash('sha256').update(docx).digest('hex')}  ${docxName}\n`)).toBe(true);
    expect(text).not.toContain(NAME);
    expect((await copy.read('VERIFY.txt')).toString()).toContain('openssl pkeyutl -verify -pubin -inkey sunshine-sm2.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678 -in SHA256SUMS -sigfile SHA256SUMS.sig');

    const signature = await copy.read('SHA256SUMS.sig');
    if (haveOpenssl) {
      expect(opensslVerifies(pem, manifest, signature)).toBe(true);
      // A manifest changed after signing (another document's digest) does not verify.
      expect(opensslVerifies(pem, Buffer.from(text.replace(/^[0-9a-f]{64}/m, '0'.repeat(64))), signature)).toBe(false);
      // And sha256sum -c, as the recipient runs it on the unpacked copy, accepts the Word file.
      const dir = tempDir('sunshine-signed-copy-');
      for (const name of copy.names) fs.writeFileSync(path.join(dir, name), await copy.read(name));
      expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toContain(`${docxName}: OK`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // The same 文号 as the print, and the download audited as a view of the document.
    const views = (await entriesFor(t.app.db, 'report', String(r.id))).filter((e) => e.action === 'report.document_view');
    expect(views.some((e) => JSON.parse(e.detail ?? '{}').format === 'signed' && JSON.parse(e.detail ?? '{}').number === number)).toBe(true);
  });

  it("gives the reporter a signed copy of their own notice: the Word file names them, the manifest does not", async () => {
    const me = await reporter(r.code);
    const print = await me.get('/track/documents/acceptance');
    expect(print.body).toContain('href="/track/documents/acceptance/signed.zip"');
    const res = await me.get('/track/documents/acceptance/signed.zip');
    expect(res.statusCode).toBe(200);
    const copy = await unzip(res.rawPayload);
    const docx = await JSZip.loadAsync(await copy.read(`${r.caseNo}-acceptance.docx`));
    expect(await docx.file('word/document.xml')!.async('string')).toContain(NAME);
    const manifest = await copy.read('SHA256SUMS');
    const text = manifest.toString('utf8');
    expect(text).toContain('# 副本: 信访人本人的文书');
    for (const secret of [NAME, PHONE, ADDRESS]) expect(text).not.toContain(secret);
    if (haveOpenssl) expect(opensslVerifies(pem, manifest, await copy.read('SHA256SUMS.sig'))).toBe(true);
  });

  it('keeps the scope of the document: another county 404, no tracking session back to /track, a kind not issued 409', async () => {
    expect((await otherCounty.get(`${r.page}/documents/acceptance/signed.zip`)).statusCode).toBe(404);
    const anonymous = await t.app.inject('/track/documents/acceptance/signed.zip');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/track');
    expect((await lead.get(`${r.page}/documents/answer/signed.zip`)).statusCode).toBe(409);
    expect((await lead.get(`${r.page}/documents/nonsense/signed.zip`)).statusCode).toBe(404);
  });
});
