// Issue 23, done when: "an exported packet's SM2 signature verifies with Debian's openssl pkeyutl
// -verify (SM3 digest, the default ID)". The referral packet an inspector downloads, checked as its
// recipient would: the key fetched from /.well-known/, `openssl pkeyutl -verify` on SHA256SUMS, then
// every file of the ZIP against SHA256SUMS — under whichever profile the run has (CI runs this
// folder under intl and under sm).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CleanFile } from '../../../src/evidence/index.js';
import { fileReport } from '../../../src/reports/index.js';
import { referralService } from '../../../src/reports/referrals/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { haveOpenssl, opensslVerifies } from '../../helpers/sm2-openssl.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';
import { jpegWith } from '../../evidence/media/builders.js';

let t: TestApp;
let handler: Session;
let inspector: Session;

beforeAll(async () => {
  t = await makeApp();
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler', 'intake', 'lead']));
  inspector = await signIn(t.app, await createStaff(t.app, 'dic:220102', ['inspector']));
});
afterAll(() => t.close());

async function referredReportWithPhoto(): Promise<number> {
  const plain = path.join(t.app.deps.dirs.tmp, 'packet-photo.jpg');
  fs.writeFileSync(plain, jpegWith());
  const file: CleanFile = { originalName: '收据.jpg', path: plain, sniff: { mime: 'image/jpeg', ext: 'jpg', kind: 'image', cleanable: true }, cleaned: true };
  const { report } = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。', happenedAt: null, identity: null } as never,
    [file],
    { channel: 'online', nonce: null },
  );
  const page = `/staff/reports/${report.id}`;
  await handler.post(`${page}/accept`, {}, page);
  await handler.post(`${page}/refer`, { opinion: '证据显示收取手续费，移送处理。' }, page);
  return (await referralService.referralsOf(t.app.deps, report.id))[0]!.id;
}

describe.skipIf(!haveOpenssl)('the referral packet, checked by its recipient with openssl', () => {
  it('verifies with the published key (SM3, the default ID), and every file matches SHA256SUMS; an altered manifest does not verify', async () => {
    const referral = await referredReportWithPhoto();
    const zip = await inspector.get(`/staff/referrals/${referral}/packet.zip`);
    expect(zip.statusCode).toBe(200);
    const archive = await JSZip.loadAsync(zip.rawPayload);
    const sums = await archive.file('SHA256SUMS')!.async('nodebuffer');
    const signature = await archive.file('SHA256SUMS.sig')!.async('nodebuffer');
    const pem = (await t.app.inject('/.well-known/sunshine-sm2.pem')).body;

    expect(opensslVerifies(pem, sums, signature)).toBe(true);
    // What the signature covers: another line, another ID, or the signature of another packet fails.
    expect(opensslVerifies(pem, Buffer.from(sums.toString('utf8').replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0'))), signature)).toBe(false);
    expect(opensslVerifies(pem, sums, signature, 'ALICE123@YAHOO.COM')).toBe(false);

    // sha256sum -c SHA256SUMS: every line names a file of the ZIP with its hash, the photo among them.
    const lines = sums.toString('utf8').trim().split('\n').filter((l) => !l.startsWith('#'));
    expect(lines.some((l) => /\bevidence\/evidence-\d+\.jpg$/.test(l))).toBe(true);
    for (const line of lines) {
      const [hash, name] = line.split(/ {2}/);
      const inZip = await archive.file(name!)!.async('nodebuffer');
      expect(crypto.createHash('sha256').update(inZip).digest('hex')).toBe(hash);
    }
  });
});
