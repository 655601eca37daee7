// Several results per referral and the 办结 step (issue 19 item 11): a 党纪 and a 政务 sanction for
// the same person are both recorded; the referral concludes when the inspector says so; a decision
// date before the acceptance or after today is refused with the input kept; the quarterly feedback
// counts each result; a referral concluded before results were rows still shows and counts its one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { addDays, todayInChina } from '../../../src/clocks/index.js';
import { findReport } from '../../../src/reports/index.js';
import { referralService as svc } from '../../../src/reports/referrals/index.js';
import { referrals } from '../../../src/reports/referrals/tables.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session } from '../../helpers/staff.js';
import { acceptedFeeReport, REFER_OPINION } from './helpers.js';

let t: TestApp;
let handler: Session, inspector: Session;

beforeAll(async () => {
  t = await makeApp();
  handler = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['handler', 'intake', 'lead']));
  inspector = await signIn(t.app, await createStaff(t.app, 'dic:220102', ['inspector']));
});
afterAll(() => t.close());

/** A referral the county commission has accepted; its page. */
async function acceptedReferral() {
  const { id, page } = await acceptedFeeReport(t.app, handler);
  expect((await handler.post(`${page}/refer`, REFER_OPINION, page)).statusCode).toBe(303);
  const referral = (await svc.referralsOf(t.app.deps, id))[0]!;
  const detail = `/staff/referrals/${referral.id}`;
  expect((await inspector.post(`${detail}/accept`, {}, detail)).statusCode).toBe(303);
  return { reportId: id, page, referralId: referral.id, detail };
}

function quarterOf(day: string): string {
  return `${day.slice(0, 4)}Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

describe('several results on one referral', () => {
  it('records a party and an administrative sanction for the same person, then concludes on the inspector’s word', async () => {
    const { reportId, page, referralId, detail } = await acceptedReferral();
    const today = todayInChina();
    expect((await inspector.post(`${detail}/result`, { detail_kind: 'party:serious_warning', on: today, text: '给予刘某党内严重警告处分。' }, detail)).statusCode).toBe(303);
    // The first result does not end the referral: the report stays with the body, its clock paused.
    expect((await svc.findReferral(t.app.deps, referralId))!.status).toBe('accepted');
    expect((await findReport(t.app.db, reportId))!.status).toBe('referred');
    expect((await inspector.post(`${detail}/result`, { detail_kind: 'administrative:demerit', on: today, text: '给予刘某政务记过处分。' }, detail)).statusCode).toBe(303);
    expect((await inspector.post(`${detail}/result`, { detail_kind: 'judicial:transfer', on: today, text: '涉嫌受贿，移送检察机关。' }, detail)).statusCode).toBe(303);
    const results = await svc.resultsOf(t.app.deps, (await svc.findReferral(t.app.deps, referralId))!);
    expect(results.map((r) => `${r.kind}:${r.detail}`)).toEqual(['party:serious_warning', 'administrative:demerit', 'judicial:transfer']);
    const shown = await inspector.get(detail);
    expect(shown.body).toContain('严重警告');
    expect(shown.body).toContain('记过');
    expect(shown.body).toContain(`action="${detail}/conclude"`);

    expect((await inspector.post(`${detail}/conclude`, {}, detail)).statusCode).toBe(303);
    const concluded = (await svc.findReferral(t.app.deps, referralId))!;
    expect(concluded.status).toBe('concluded');
    // The old columns carry the leading result for readers of one sanction (a typical case's prefill).
    expect([concluded.resultKind, concluded.resultDetail]).toEqual(['party', 'serious_warning']);
    const report = (await findReport(t.app.db, reportId))!;
    expect(report.status).toBe('investigating');
    expect(report.pausedSince).toBeNull();
    // The handler reads every result on the report page (timeline).
    const handlerPage = (await handler.get(page)).body;
    expect(handlerPage).toContain('给予刘某党内严重警告处分。');
    expect(handlerPage).toContain('给予刘某政务记过处分。');
    // No result after 办结.
    expect((await inspector.post(`${detail}/result`, { detail_kind: 'organisational:handling', on: today, text: '诫勉谈话一次。' }, detail)).statusCode).toBe(409);
  });

  it('refuses to conclude without a result, and “no violation” beside a sanction', async () => {
    const { detail } = await acceptedReferral();
    const today = todayInChina();
    const empty = await inspector.post(`${detail}/conclude`, {}, detail);
    expect(empty.statusCode).toBe(409);
    expect(empty.body).toContain('请先记录至少一项处理结果，再办结。');
    expect((await inspector.post(`${detail}/result`, { detail_kind: 'party:warning', on: today, text: '给予党内警告处分。' }, detail)).statusCode).toBe(303);
    const none = await inspector.post(`${detail}/result`, { detail_kind: 'none:no_violation', on: today, text: '经查未发现违纪违法问题。' }, detail);
    expect(none.statusCode).toBe(409);
    expect(none.body).toContain('不能和其他处理结果同时记录');
  });
});

describe('the decision date', () => {
  it('is refused before the body accepted the referral, with a clear message and the input kept', async () => {
    const { detail, referralId } = await acceptedReferral();
    const before = addDays(todayInChina(), -3);
    const res = await inspector.post(`${detail}/result`, { detail_kind: 'administrative:demerit', on: before, text: '给予刘某政务记过处分。' }, detail);
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('早于本机关受理这件线索的日期');
    expect(res.body).toContain(`value="${before}"`);
    expect(res.body).toContain('给予刘某政务记过处分。');
    expect(res.body).toMatch(/value="administrative:demerit"\s+selected/);
    expect(await svc.resultsOf(t.app.deps, (await svc.findReferral(t.app.deps, referralId))!)).toEqual([]);
  });

  it('is refused after today (China time), and a day that does not exist is no date', async () => {
    const { detail, referralId } = await acceptedReferral();
    const future = await inspector.post(`${detail}/result`, { detail_kind: 'party:warning', on: addDays(todayInChina(), 1), text: '给予党内警告处分。' }, detail);
    expect(future.statusCode).toBe(409);
    expect(future.body).toContain('晚于今天');
    expect((await inspector.post(`${detail}/result`, { detail_kind: 'party:warning', on: '2026-02-30', text: '给予党内警告处分。' }, detail)).statusCode).toBe(409);
    expect(await svc.resultsOf(t.app.deps, (await svc.findReferral(t.app.deps, referralId))!)).toEqual([]);
  });
});

describe('the quarterly feedback', () => {
  it('counts each result, and the one result of a referral from before result rows', async () => {
    const today = todayInChina();
    const feedback = `/staff/referrals-feedback?quarter=${quarterOf(today)}`;
    const counts = async () => {
      const body = (await inspector.get(feedback)).body;
      const row = /<tr><td>[^<]*南关区[^<]*<\/td>((?:<td>\d+<\/td>)+)<\/tr>/.exec(body);
      return row ? [...row[1]!.matchAll(/<td>(\d+)<\/td>/g)].map((m) => Number(m[1])) : [];
    };
    const before = await counts();
    const { detail } = await acceptedReferral();
    await inspector.post(`${detail}/result`, { detail_kind: 'party:warning', on: today, text: '给予党内警告处分。' }, detail);
    await inspector.post(`${detail}/result`, { detail_kind: 'administrative:warning', on: today, text: '给予政务警告处分。' }, detail);
    await inspector.post(`${detail}/conclude`, {}, detail);
    // A referral concluded before results were rows: its one result sits in the old columns only.
    const old = await acceptedReferral();
    await t.app.db.update(referrals).set({ status: 'concluded', resultKind: 'organisational', resultDetail: 'handling', resultText: '诫勉谈话。', resultOn: today, concludedAt: Date.now() }).where(eq(referrals.id, old.referralId)).run();
    const after = await counts();
    // received, accepted, returned, concluded, party, administrative, organisational, judicial, none
    const delta = after.map((n, i) => n - (before[i] ?? 0));
    expect(delta).toEqual([2, 2, 0, 2, 1, 1, 1, 0, 0]);
    expect((await inspector.get(old.detail)).body).toContain('组织处理（诫勉、调整职务等）');
  });
});
