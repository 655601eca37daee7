// Every staff read of case content leaves one audit entry per view, with the staff terminal and
// without report text or identities (issue 15 defect 5).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gt, asc } from 'drizzle-orm';
import { latestEntry, verifyChain } from '../../src/audit/index.js';
import { auditLog } from '../../src/audit/tables.js';
import { evidenceOf, type CleanFile } from '../../src/evidence/index.js';
import { decideRequest, requestIdentity } from '../../src/identity-access/service.js';
import { fileReport, findReport, type Identity } from '../../src/reports/index.js';
import { referralService } from '../../src/reports/referrals/index.js';
import { staffContext } from '../../src/plugins/auth.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../helpers/staff.js';
import { jpegWith } from '../evidence/media/builders.js';

let t: TestApp;
let handlerStaff: TestStaff, custodianStaff: TestStaff;
let handler: Session, inspector: Session;
const IDENTITY: Identity = { name: '孙建国', phone: '13904317777', email: 'sun@example.invalid', address: '幸福村三组12号' };
const DESCRIPTION = '村会计让我们办低保先交五百块钱手续费，不交就不给往上报。';
const UA = 'Mozilla/5.0 (SunshineAuditTest)';

/** A GET from a known terminal. */
const get = (s: Session, url: string, ip: string) => t.app.inject({ url, cookies: s.jar, remoteAddress: ip, headers: { 'user-agent': UA } });

/** The entries `run` added, in order. */
async function entriesDuring(run: () => Promise<unknown>) {
  const before = (await latestEntry(t.app.db))?.id ?? 0;
  await run();
  return t.app.db.select().from(auditLog).where(gt(auditLog.id, before)).orderBy(asc(auditLog.id)).all();
}

function expectClean(entries: { detail: string | null; objectId: string }[]) {
  for (const e of entries) for (const secret of [DESCRIPTION, IDENTITY.name, IDENTITY.phone, '刘会计']) expect(`${e.detail}${e.objectId}`).not.toContain(secret);
}

let reportId: number;
beforeAll(async () => {
  t = await makeApp();
  handlerStaff = await createStaff(t.app, 'ca:220102', ['handler', 'intake', 'lead']);
  handler = await signIn(t.app, handlerStaff, '127.0.2.1');
  inspector = await signIn(t.app, await createStaff(t.app, 'dic:220102', ['inspector']), '127.0.2.2');
  custodianStaff = await createStaff(t.app, 'ca:220100', ['custodian']);
  const plain = path.join(t.app.deps.dirs.tmp, 'reads-fixture.jpg');
  fs.writeFileSync(plain, jpegWith());
  const file: CleanFile = { originalName: '收据.jpg', path: plain, sniff: { mime: 'image/jpeg', ext: 'jpg', kind: 'image', cleanable: true }, cleaned: true };
  const { report } = await fileReport(
    t.app.deps,
    { category: 'bribery', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: '220102001', subjectName: '刘会计', subjectPosition: 'village_cadre', subjectIsHead: false, description: DESCRIPTION, happenedAt: null, identity: IDENTITY } as never,
    [file],
    { channel: 'online', nonce: null },
  );
  reportId = report.id;
  const page = `/staff/reports/${reportId}`;
  expect((await handler.post(`${page}/accept`, {}, page)).statusCode).toBe(303);
});
afterAll(() => t.close());

describe('audited staff reads', () => {
  it('a report page view is one report.view entry with the terminal', async () => {
    const entries = await entriesDuring(async () => expect((await get(handler, `/staff/reports/${reportId}`, '10.1.2.3')).statusCode).toBe(200));
    expect(entries.map((e) => [e.action, e.actorType, e.actorId, e.objectType, e.objectId])).toEqual([['report.view', 'staff', handlerStaff.user.id, 'report', String(reportId)]]);
    expect(JSON.parse(entries[0]!.terminal!)).toEqual({ ip: '10.1.2.3', ua: UA });
    expectClean(entries);
  });

  it('an evidence download is one evidence.download entry', async () => {
    const file = (await evidenceOf(t.app.db, 'report', reportId))[0]!;
    const entries = await entriesDuring(async () => expect((await get(handler, `/staff/reports/${reportId}/files/${file.id}`, '10.1.2.4')).statusCode).toBe(200));
    expect(entries.map((e) => [e.action, e.objectType, e.objectId])).toEqual([['evidence.download', 'evidence', String(file.id)]]);
    expect(JSON.parse(entries[0]!.terminal!).ip).toBe('10.1.2.4');
  });

  it('the case list CSV is one export.csv entry naming the row count only', async () => {
    const entries = await entriesDuring(async () => expect((await get(handler, '/staff/reports.csv', '10.1.2.5')).statusCode).toBe(200));
    expect(entries.map((e) => e.action)).toEqual(['export.csv']);
    expect(JSON.parse(entries[0]!.detail!).rows).toBeGreaterThanOrEqual(1);
    expectClean(entries);
  });

  it('a reporter identity view is one identity.view entry', async () => {
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const request = await requestIdentity(t.app.deps, staffContext(handlerStaff.user, unit), (await findReport(t.app.db, reportId))!, '需要电话联系举报人核实低保户家庭财产情况。');
    await decideRequest(t.app.deps, staffContext(custodianStaff.user, (await findUnitByKey(t.app.db, 'ca:220100'))!), request.id, 'approve', '');
    const entries = await entriesDuring(async () => {
      const res = await get(handler, `/staff/reports/${reportId}/identity`, '10.1.2.6');
      expect(res.body).toContain(IDENTITY.phone);
    });
    expect(entries.map((e) => e.action)).toEqual(['identity.view']);
    expect(JSON.parse(entries[0]!.terminal!).ip).toBe('10.1.2.6');
    expectClean(entries);
  });

  it('referral page, packet page and packet download are one entry each', async () => {
    const page = `/staff/reports/${reportId}`;
    expect((await handler.post(`${page}/refer`, { opinion: '经初步核实，收取手续费问题基本属实，移送处理。' }, page)).statusCode).toBe(303);
    const referral = (await referralService.referralsOf(t.app.deps, reportId))[0]!;
    const urls = [`/staff/referrals/${referral.id}`, `/staff/referrals/${referral.id}/packet`, `/staff/referrals/${referral.id}/packet.zip`];
    const entries = await entriesDuring(async () => {
      for (const url of urls) expect((await get(inspector, url, '10.1.2.7')).statusCode).toBe(200);
    });
    expect(entries.map((e) => [e.action, e.objectType, e.objectId])).toEqual([
      ['referral.view', 'referral', String(referral.id)],
      ['referral.packet_view', 'referral', String(referral.id)],
      ['referral.packet_download', 'referral', String(referral.id)],
    ]);
    for (const e of entries) expect(JSON.parse(e.terminal!)).toEqual({ ip: '10.1.2.7', ua: UA });
    expectClean(entries);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toBeNull();
  });
});
