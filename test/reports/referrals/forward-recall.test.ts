// Issue 19 item 1: a referral could be stuck for ever at a body that is not competent or has nobody
// to handle it. The holding body's inspector forwards it (转交有管辖权的机关, the 5-working-day clock
// running on), the referring unit recalls one not yet accepted (the civil-affairs clock runs
// again), and the report page says which body holds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor } from '../../../src/audit/index.js';
import { loadCalendar } from '../../../src/calendar/index.js';
import { toCstDate } from '../../../src/clocks/index.js';
import { staffContext } from '../../../src/plugins/auth.js';
import { findReport } from '../../../src/reports/index.js';
import { eventsOf } from '../../../src/reports/repository.js';
import { referralService as svc } from '../../../src/reports/referrals/index.js';
import { findUnitByKey, type Unit } from '../../../src/units/index.js';
import { makeApp, type TestApp } from '../../helpers/app.js';
import { createStaff, signIn, type Session, type TestStaff } from '../../helpers/staff.js';
import { acceptedFeeReport, REFER_OPINION } from './helpers.js';

let t: TestApp;
let handler: Session, inspector: Session, cityInspector: Session, otherInspector: Session;
let handlerStaff: TestStaff;
let county: Unit, city: Unit, stationed: Unit;

async function referred() {
  const { id, page } = await acceptedFeeReport(t.app, handler);
  expect((await handler.post(`${page}/refer`, REFER_OPINION, page)).statusCode).toBe(303);
  const referral = (await svc.referralsOf(t.app.deps, id))[0]!;
  expect(referral.bodyUnitId).toBe(county.id);
  return { report: (await findReport(t.app.db, id))!, page, referral, detail: `/staff/referrals/${referral.id}` };
}

beforeAll(async () => {
  t = await makeApp();
  county = (await findUnitByKey(t.app.db, 'dic:220102'))!;
  city = (await findUnitByKey(t.app.db, 'dic:220100'))!;
  stationed = (await findUnitByKey(t.app.db, 'dic:220000:stationed'))!;
  handlerStaff = await createStaff(t.app, 'ca:220102', ['intake', 'handler', 'lead']);
  handler = await signIn(t.app, handlerStaff);
  inspector = await signIn(t.app, await createStaff(t.app, 'dic:220102', ['inspector']));
  cityInspector = await signIn(t.app, await createStaff(t.app, 'dic:220100', ['inspector']));
  otherInspector = await signIn(t.app, await createStaff(t.app, 'dic:220103', ['inspector']));
});
afterAll(() => t.close());

describe('forwarding a referral (转交)', () => {
  it('moves it to a body with an inspector, keeps the due date, and leaves a trail', async () => {
    const { report, page, referral, detail } = await referred();
    const form = await inspector.get(detail);
    expect(form.body).toContain(`action="/staff/referrals/${referral.id}/forward"`);
    expect(form.body).toContain(city.name);
    expect((await inspector.post(`${detail}/accept`, {}, detail)).statusCode).toBe(303);
    const res = await inspector.post(`${detail}/forward`, { body_id: String(city.id), reason: '涉及县管干部以上，属市纪委监委管辖。' }, detail);
    expect(res.statusCode).toBe(303);
    const moved = (await svc.findReferral(t.app.deps, referral.id))!;
    expect(moved.bodyUnitId).toBe(city.id);
    // The new body accepts it afresh, under the original 5-working-day due date (not restarted).
    expect(moved.status).toBe('pending');
    expect(moved.acceptDue).toBe(referral.acceptDue);
    expect(moved.referredAt).toBe(referral.referredAt);
    const event = (await eventsOf(t.app.db, report.id)).find((e) => e.type === 'referral_forwarded')!;
    expect(event.visibleToReporter).toBe(false);
    expect(JSON.parse(event.data!)).toMatchObject({ from: county.id, to: city.id });
    expect((await entriesFor(t.app.db, 'referral', String(referral.id))).map((e) => e.action)).toContain('referral.forward');
    expect((await findReport(t.app.db, report.id))!.status).toBe('referred');
    // The old body's part has ended; the new one sees it and can act.
    expect((await inspector.post(`${detail}/accept`, {}, '/staff/referrals')).statusCode).toBe(404);
    expect((await inspector.get(detail)).statusCode).toBe(404);
    expect((await cityInspector.get(detail)).statusCode).toBe(200);
    expect((await handler.get(page)).body).toContain(city.name);
    expect((await cityInspector.post(`${detail}/accept`, {}, detail)).statusCode).toBe(303);
  });

  it('is refused to a body without an inspector, and changes nothing', async () => {
    const { report, referral, detail } = await referred();
    const before = await svc.findReferral(t.app.deps, referral.id);
    const res = await inspector.post(`${detail}/forward`, { body_id: String(stationed.id), reason: '属驻厅纪检监察组管辖。' }, detail);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('error=forward_body_without_users');
    const shown = await inspector.get((res.headers.location as string).split('#')[0]!);
    expect(shown.body).toContain('还没有纪检监察人员账号');
    expect(await svc.findReferral(t.app.deps, referral.id)).toEqual(before);
    expect((await eventsOf(t.app.db, report.id)).some((e) => e.type === 'referral_forwarded')).toBe(false);
    // Nor to a unit that is not on the list (a civil-affairs unit, the body itself).
    const civil = (await findUnitByKey(t.app.db, 'ca:220100'))!;
    for (const id of [civil.id, county.id]) {
      const again = await inspector.post(`${detail}/forward`, { body_id: String(id), reason: '属其他机关管辖。' }, detail);
      expect(again.headers.location).toContain('error=forward_body_required');
    }
    expect((await svc.findReferral(t.app.deps, referral.id))!.bodyUnitId).toBe(county.id);
  });

  it('is not for another body, nor for the commission above, nor for the handler', async () => {
    const { referral, detail } = await referred();
    const body = { body_id: String(city.id), reason: '属市纪委监委管辖。' };
    expect((await otherInspector.post(`${detail}/forward`, body, '/staff/referrals')).statusCode).toBe(404);
    // The city commission sees the county's referral but does not act in its place.
    expect((await cityInspector.post(`${detail}/forward`, body, detail)).statusCode).toBe(403);
    expect([403, 404]).toContain((await handler.post(`${detail}/forward`, body)).statusCode);
    expect((await svc.findReferral(t.app.deps, referral.id))!.bodyUnitId).toBe(county.id);
  });
});

describe('recalling a referral', () => {
  it('restores the state it came from, ends the body view, and is audited', async () => {
    const { report, page, referral, detail } = await referred();
    const shown = await handler.get(page);
    expect(shown.body).toContain(county.name);
    expect(shown.body).toContain('待受理');
    expect(shown.body).toContain(`action="${page}/recall"`);
    const res = await handler.post(`${page}/recall`, { reason: '移送对象有误，撤回重新核查。' }, page);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('done=recall');
    const back = (await findReport(t.app.db, report.id))!;
    expect(back.status).toBe('accepted');
    expect(back.pausedSince).toBeNull();
    expect(back.dueOn).not.toBeNull();
    expect((await svc.findReferral(t.app.deps, referral.id))!.status).toBe('recalled');
    expect((await eventsOf(t.app.db, report.id)).find((e) => e.type === 'referral_recalled')?.body).toBe('移送对象有误，撤回重新核查。');
    expect((await entriesFor(t.app.db, 'referral', String(referral.id))).map((e) => e.action)).toContain('referral.recall');
    expect((await inspector.get(detail)).statusCode).toBe(404);
    expect((await inspector.get(page)).statusCode).toBe(404);
    expect((await inspector.get('/staff/referrals')).body).not.toContain(report.caseNo);
  });

  it('lets the handling clock run again, with the days away added back', async () => {
    const { report } = await referred();
    const staff = staffContext(handlerStaff.user, (await findUnitByKey(t.app.db, 'ca:220102'))!);
    const t0 = Date.now();
    const now = (await findReport(t.app.db, report.id))!;
    await svc.recall(t.app.deps, staff, now, '机关尚无账号，改为线下移送。', t0 + 10 * 86_400_000);
    const after = (await findReport(t.app.db, report.id))!;
    const calendar = await loadCalendar(t.app.db);
    const start = toCstDate(new Date(after.acceptedAt!));
    const away = Math.round((Date.parse(toCstDate(new Date(t0 + 10 * 86_400_000))) - Date.parse(toCstDate(new Date(now.pausedSince!)))) / 86_400_000);
    expect(after.handlingDue).toBe(calendar.nextWorkdayFrom(calendar.addCalendarDays(start, 60 + away)).date);
    expect(after.dueOn).toBe(after.handlingDue);
  });

  it('is refused once the body has accepted it, and to the body itself', async () => {
    const { report, page, referral, detail } = await referred();
    expect((await inspector.post(`${page}/recall`, { reason: '撤回重新核查。' }, detail)).statusCode).toBe(403);
    expect((await inspector.post(`${detail}/accept`, {}, detail)).statusCode).toBe(303);
    expect((await handler.get(page)).body).not.toContain(`action="${page}/recall"`);
    const res = await handler.post(`${page}/recall`, { reason: '移送对象有误，撤回重新核查。' }, page);
    expect(res.headers.location).toContain('error=referral_already_accepted');
    expect((await findReport(t.app.db, report.id))!.status).toBe('referred');
    expect((await svc.findReferral(t.app.deps, referral.id))!.status).toBe('accepted');
  });
});
