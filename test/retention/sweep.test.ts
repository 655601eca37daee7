// The retention sweep deletes exactly what the schedule says (issue 15, defect 6): a database with
// reports, files, declarations, retry receipts and sessions dated one day either side of each
// boundary, plus reports still open and one whose review window is open.
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { aVillageOf } from '../helpers/reports.js';
import { fileReport } from '../../src/reports/index.js';
import { reports } from '../../src/reports/tables.js';
import { evidenceOf, type CleanFile } from '../../src/evidence/index.js';
import { evidenceFiles } from '../../src/evidence/tables.js';
import { insertDeclarant, insertRelative } from '../../src/declarations/index.js';
import { declarants, declaredRelatives } from '../../src/declarations/tables.js';
import { sessions } from '../../src/sessions/tables.js';
import { entriesFor } from '../../src/audit/index.js';
import { runRetentionSweep, yearsBefore, type SweepResult } from '../../src/retention/index.js';

const DAY = 86_400_000;
const SCHEDULE = { identityDays: 100, evidenceDays: 200, declarationYears: 2 };
const COUNTY = '220102';

let t: TestApp;
let now: number;
let result: SweepResult;
const ids: Record<string, number> = {};
const declIds: Record<string, number> = {};

async function plainFile(dir: string, name: string): Promise<CleanFile> {
  const file = path.join(dir, `${name}.txt`);
  fs.writeFileSync(file, `evidence of ${name}`);
  return { originalName: `${name}.txt`, path: file, sniff: { mime: 'text/plain', ext: 'txt', kind: 'document', cleanable: false } as never, cleaned: false };
}

/** A real-name (or anonymous) report with one file, then dated and put in `status` directly. */
async function dated(name: string, status: string, endedDaysAgo: number, over: { realName?: boolean; openedDaysAgo?: number } = {}) {
  const village = await aVillageOf(t.app, COUNTY);
  const realName = over.realName ?? true;
  const { report } = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: village, placeOther: null, countyCode: COUNTY, townshipCode: village.slice(0, 9), subjectName: null, subjectPosition: 'village_cadre', subjectIsHead: false, description: '村干部优亲厚友。', happenedAt: null, identity: realName ? { name: '李秀英', phone: '13800000000', email: '', address: '' } : null } as never,
    [await plainFile(t.app.deps.dirs.tmp, name)],
    { channel: 'online', nonce: null },
  );
  await t.app.db
    .update(reports)
    .set({ status, updatedAt: now - endedDaysAgo * DAY, receivedAt: now - 400 * DAY, answerFirstOpenedAt: over.openedDaysAgo === undefined ? null : now - over.openedDaysAgo * DAY })
    .where(eq(reports.id, report.id))
    .run();
  ids[name] = report.id;
}

const row = async (name: string) => (await t.app.db.select().from(reports).where(eq(reports.id, ids[name]!)).get())!;
const files = (name: string) => evidenceOf(t.app.db, 'report', ids[name]!);
const onDisk = (storedName: string) => fs.existsSync(path.join(t.app.deps.dirs.files, storedName));
const actions = async (type: string, id: number | string) => (await entriesFor(t.app.db, type, String(id))).map((e) => e.action).filter((a) => a.startsWith('retention.'));

beforeAll(async () => {
  t = await makeApp({ retention: SCHEDULE });
  now = Date.now();
  await dated('identityPast', 'closed', 101); // identity goes, files stay (200 days)
  await dated('identityInside', 'closed', 99); // nothing goes
  await dated('evidencePast', 'rejected', 201); // both go
  await dated('evidenceInside', 'merged', 199); // identity goes, files stay
  await dated('anonymousPast', 'withdrawn', 201, { realName: false }); // files go, no identity to erase
  await dated('investigating', 'investigating', 500); // still open: nothing
  await dated('underReview', 'under_review', 500); // in review: nothing
  await dated('reviewOpen', 'closed', 300, { openedDaysAgo: 29 }); // the reporter may still ask for a review: nothing
  await dated('reviewOver', 'closed', 300, { openedDaysAgo: 31 }); // window closed a day ago: both go

  // Query-code retry copies: filed 25 and 23 hours ago.
  for (const [name, hours] of [['receiptPast', 25], ['receiptInside', 23]] as const) {
    const village = await aVillageOf(t.app, COUNTY);
    const { report } = await fileReport(
      t.app.deps,
      { category: 'other', placeCode: village, placeOther: null, countyCode: COUNTY, townshipCode: village.slice(0, 9), subjectName: null, subjectPosition: 'other', subjectIsHead: false, description: '低保评定不公开。', happenedAt: null, identity: null } as never,
      [],
      { channel: 'online', nonce: `nonce-${name}-0123456789abcdefghij` },
    );
    await t.app.db.update(reports).set({ receivedAt: now - hours * 3600_000 }).where(eq(reports.id, report.id)).run();
    ids[name] = report.id;
  }

  // Declarations: left office two years and a day ago, two years less a day ago, still in office.
  for (const [name, left] of [['declPast', yearsBefore(now, 2) - DAY], ['declInside', yearsBefore(now, 2) + DAY], ['declInOffice', null]] as const) {
    const d = await insertDeclarant(t.app.db, { name: `村干部${name}`, position: 'village_cadre', idHash: `hash-${name}`, homeVillageCode: await aVillageOf(t.app, COUNTY), updatedAt: now - 900 * DAY, leftOfficeAt: left });
    await insertRelative(t.app.db, { declarantId: d.id, name: '亲属', relation: 'spouse', idHash: `rel-${name}`, villageCode: d.homeVillageCode, assistanceType: 'dibao' });
    declIds[name] = d.id;
  }

  await t.app.db.insert(sessions).values([
    { sid: 'expired-a-second-ago', expiresAt: now - 1000, userId: null, data: '{}' },
    { sid: 'still-valid', expiresAt: now + 3600_000, userId: null, data: '{}' },
  ]).run();

  result = await runRetentionSweep(t.app.deps, t.app.sessionStore, now);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('retention sweep on dated fixtures', () => {
  it('erases the identity of exactly the real-name reports past identityDays with no review window open', async () => {
    const erased = ['identityPast', 'evidencePast', 'evidenceInside', 'reviewOver'];
    const kept = ['identityInside', 'investigating', 'underReview', 'reviewOpen'];
    for (const name of erased) {
      expect((await row(name)).identitySealed, name).toBeNull();
      expect((await row(name)).identityErasedAt, name).toBe(now);
      expect(await actions('report', ids[name]!), name).toEqual(['retention.identity_erased']);
    }
    for (const name of kept) {
      expect((await row(name)).identitySealed, name).not.toBeNull();
      expect((await row(name)).identityErasedAt, name).toBeNull();
      expect(await actions('report', ids[name]!), name).toEqual([]);
    }
    // The end time the schedule counts from is not moved by the erasure.
    expect((await row('identityPast')).updatedAt).toBe(now - 101 * DAY);
    expect(result.identities).toBe(erased.length);
  });

  it('shreds exactly the files of reports past evidenceDays, keeping each row and its hash', async () => {
    const erased = ['evidencePast', 'anonymousPast', 'reviewOver'];
    const kept = ['identityPast', 'identityInside', 'evidenceInside', 'investigating', 'underReview', 'reviewOpen'];
    for (const name of erased) {
      const [f] = await files(name);
      expect(f!.erasedAt, name).toBe(now);
      expect(f!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(onDisk(f!.storedName), name).toBe(false);
      expect((await entriesFor(t.app.db, 'evidence', String(f!.id))).map((e) => e.action), name).toEqual(['retention.evidence_erased']);
    }
    for (const name of kept) {
      const [f] = await files(name);
      expect(f!.erasedAt, name).toBeNull();
      expect(onDisk(f!.storedName), name).toBe(true);
      expect((await entriesFor(t.app.db, 'evidence', String(f!.id))).map((e) => e.action), name).toEqual([]);
    }
    expect(result.files).toBe(erased.length);
    // No identity to erase on the anonymous report: no entry says otherwise.
    expect(await actions('report', ids.anonymousPast!)).toEqual([]);
  });

  it('deletes a declaration and its relatives declarationYears after the declarant left office', async () => {
    const declarant = async (name: string) => t.app.db.select().from(declarants).where(eq(declarants.id, declIds[name]!)).get();
    const relatives = async (name: string) => t.app.db.select().from(declaredRelatives).where(eq(declaredRelatives.declarantId, declIds[name]!)).all();
    expect(await declarant('declPast')).toBeUndefined();
    expect(await relatives('declPast')).toEqual([]);
    expect(await actions('declarant', declIds.declPast!)).toEqual(['retention.declaration_erased']);
    for (const name of ['declInside', 'declInOffice']) {
      expect(await declarant(name), name).toBeDefined();
      expect(await relatives(name), name).toHaveLength(1);
      expect(await actions('declarant', declIds[name]!), name).toEqual([]);
    }
    expect(result.declarations).toBe(1);
  });

  it('forgets query-code retry copies older than a day', async () => {
    expect((await row('receiptPast')).receiptForRetry).toBeNull();
    expect(await actions('report', ids.receiptPast!)).toEqual(['retention.retry_receipt_forgotten']);
    expect((await row('receiptInside')).receiptForRetry).not.toBeNull();
    expect(await actions('report', ids.receiptInside!)).toEqual([]);
    expect(result.receipts).toBe(1);
  });

  it('deletes expired sessions and records their number, never their ids', async () => {
    const sids = (await t.app.db.select({ sid: sessions.sid }).from(sessions).all()).map((s) => s.sid);
    expect(sids).toContain('still-valid');
    expect(sids).not.toContain('expired-a-second-ago');
    const [entry, ...more] = await entriesFor(t.app.db, 'session', 'expired');
    expect(more).toEqual([]);
    expect(entry!.action).toBe('retention.sessions_expired');
    expect(JSON.parse(entry!.detail!)).toEqual({ count: 1 });
    expect(entry!.detail).not.toContain('expired-a-second-ago');
    expect(result.sessions).toBe(1);
  });

  it('a second sweep at the same time deletes nothing more', async () => {
    const again = await runRetentionSweep(t.app.deps, t.app.sessionStore, now);
    expect(again).toMatchObject({ scheduled: true, identities: 0, files: 0, declarations: 0, receipts: 0, sessions: 0, total: 0 });
  });
});
