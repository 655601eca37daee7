import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { entriesFor } from '../../src/audit/index.js';
import { postings, recipients } from '../../src/disclosure/tables.js';
import { insertHotlines } from '../../src/hotlines/index.js';
import { isWithin } from '../../src/regions/index.js';
import { fileReport, updateReport } from '../../src/reports/index.js';
import { rectificationItems } from '../../src/ledger/tables.js';
import { candidatesFor, drawPlan, replayRound } from '../../src/spot-checks/index.js';
import { spotCheckRounds, spotCheckTargets, spotChecks } from '../../src/spot-checks/tables.js';
import { seedDemoSpotChecks } from '../../src/demo/spot-checks.js';
import { seedDemoHotlines } from '../../src/demo/hotlines.js';
import { judgeCall } from '../../src/spot-checks/duty-hours.js';
import { loadCalendar } from '../../src/calendar/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff, signIn, type Session } from '../helpers/staff.js';

let t: TestApp;
let city: Session, cityInspector: Session, cityIntake: Session, county: Session, otherCity: Session, province: Session, township: Session;

const FLAGGED = '220102001'; // 南岭街道, 南关区
const STALE = '220102002'; // 自强街道, 南关区

async function newReport(over: Record<string, unknown> = {}) {
  const filed = await fileReport(
    t.app.deps,
    { category: 'favouritism', placeCode: '220102001001', placeOther: null, countyCode: '220102', townshipCode: FLAGGED, subjectName: '王德福', subjectPosition: 'village_cadre', subjectIsHead: false, description: '村主任把他弟弟一家评成了低保户，家里有两台拖拉机。', happenedAt: null, identity: null, ...over } as never,
    [],
    { channel: 'online', nonce: null },
  );
  return filed.report;
}

async function rounds() {
  return t.app.db.select().from(spotCheckRounds).all();
}
async function targets(roundId: number) {
  return t.app.db.select().from(spotCheckTargets).where(eq(spotCheckTargets.roundId, roundId)).orderBy(spotCheckTargets.position).all();
}

/** Plans a round through the form and returns it with its targets. */
async function plan(fields: Record<string, string>, as: Session = city) {
  const before = new Set((await rounds()).map((r) => r.id));
  const res = await as.post('/staff/spot-checks/new', { name: '2026年第二季度明查暗访', count: '5', random_count: '2', ...fields }, '/staff/spot-checks/new');
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  const round = (await rounds()).find((r) => !before.has(r.id))!;
  expect(res.headers.location).toBe(`/staff/spot-checks/${round.id}?done=planned`);
  return { round, targets: await targets(round.id) };
}

beforeAll(async () => {
  t = await makeApp();
  city = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['supervisor']));
  cityInspector = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['inspector']));
  cityIntake = await signIn(t.app, await createStaff(t.app, 'ca:220100', ['intake', 'lead']));
  county = await signIn(t.app, await createStaff(t.app, 'ca:220102', ['supervisor', 'inspector']));
  otherCity = await signIn(t.app, await createStaff(t.app, 'ca:220200', ['supervisor', 'inspector']));
  province = await signIn(t.app, await createStaff(t.app, 'ca:220000', ['supervisor', 'inspector']));
  township = await signIn(t.app, await createStaff(t.app, 'gov:220102001', ['handler']));

  // 南岭街道: three reports, one overdue, one substantiated → weight 1 + 3 + 2 + 2 = 8.
  const [a, b] = [await newReport(), await newReport()];
  await newReport();
  await updateReport(t.app.db, a.id, { dueOn: '2020-01-01' });
  await updateReport(t.app.db, b.id, { status: 'closed', finding: 'substantiated' });
  // 自强街道: a village with recipients and no posting for years (stale); another posted last week.
  const now = Date.now();
  const person = (village: string, n: number) => ({ villageCode: village, townshipCode: STALE, countyCode: '220102', idHash: `hash-${village}-${n}`, maskedName: '张*', surname: '张', householdSize: 2, monthlyAmountFen: 60000, type: 'dibao', status: 'active', sinceOn: '2021-03-01', updatedAt: now });
  await t.app.db.insert(recipients).values([person('220102002001', 1), person('220102002005', 2)]).run();
  const lastWeek = new Date(now - 7 * 86_400_000).toISOString().slice(0, 10);
  await t.app.db.insert(postings).values({ villageCode: '220102002005', townshipCode: STALE, countyCode: '220102', importId: 1, startsOn: lastWeek, endsOn: lastWeek, createdAt: now }).run();
  await t.app.db.insert(postings).values({ villageCode: '220102002001', townshipCode: STALE, countyCode: '220102', importId: 1, startsOn: '2021-03-01', endsOn: '2021-03-08', createdAt: now }).run();

  const nanguan = (await findUnitByKey(t.app.db, 'ca:220102'))!;
  await insertHotlines(t.app.db, [{ unitId: nanguan.id, regionCode: '220102', phone: '0431-88776655', dutyHours: '工作日 8:30—11:30，13:00—17:00', note: null, updatedAt: now }]);
});
afterAll(() => t.close());

describe('weights', () => {
  it('counts reports, overdue cases, substantiated findings and stale rosters per township', async () => {
    const all = await candidatesFor(t.app.deps, '220100');
    expect(all).toHaveLength(231);
    const flagged = all.find((c) => c.code === FLAGGED)!;
    expect(flagged.signals).toEqual({ reports: 3, overdue: 1, substantiated: 1, staleVillages: 0 });
    expect(flagged.weight).toBe(8);
    const stale = all.find((c) => c.code === STALE)!;
    expect(stale.signals).toEqual({ reports: 0, overdue: 0, substantiated: 0, staleVillages: 1 });
    expect(stale.weight).toBe(4);
    expect(all.filter((c) => c.weight > 1).map((c) => c.code).sort()).toEqual([FLAGGED, STALE]);
    // A county's round covers its own townships only, by parent links.
    expect((await candidatesFor(t.app.deps, '220102')).every((c) => c.code.startsWith('220102'))).toBe(true);
  });
});

describe('planning a round', () => {
  it('lists nothing at first, and re-renders a bad form with messages and input kept', async () => {
    const list = await city.get('/staff/spot-checks');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('本单位还没有抽查轮次');
    const bad = await city.post('/staff/spot-checks/new', { name: '第三轮抽查', count: '3', random_count: '4', region: '220202' }, '/staff/spot-checks/new');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('随机抽取数须为不大于抽取总数的整数');
    expect(bad.body).toContain('请选择本单位辖区内的范围');
    expect(bad.body).toContain('value="第三轮抽查"');
    expect(await rounds()).toHaveLength(0);
  });

  it('stores a fresh seed and the plan, and the stored seed reproduces it', async () => {
    const send = vi.spyOn(t.app.mailer, 'send');
    const sendLater = vi.spyOn(t.app.mailer, 'sendLater');
    const { round, targets: drawn } = await plan({});
    expect(round.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(round.townshipCount).toBe(5);
    expect(round.randomCount).toBe(2);
    expect(drawn.map((d) => d.position)).toEqual([1, 2, 3, 4, 5]);
    expect(drawn.map((d) => d.drawnBy)).toEqual(['random', 'random', 'weighted', 'weighted', 'weighted']);
    expect(new Set(drawn.map((d) => d.townshipCode)).size).toBe(5);
    for (const d of drawn) expect(await isWithin(t.app.db, d.townshipCode, '220100')).toBe(true);

    // The same seed over the same data gives the same targets, in the same order.
    const replay = await replayRound(t.app.deps, round, '220100');
    expect(replay.map((d) => [d.code, d.drawnBy, d.weight, d.position])).toEqual(drawn.map((d) => [d.townshipCode, d.drawnBy, d.weight, d.position]));
    const direct = drawPlan(await candidatesFor(t.app.deps, '220100'), { seed: round.seed, count: 5, randomCount: 2 });
    expect(direct.map((d) => d.code)).toEqual(drawn.map((d) => d.townshipCode));

    // A second round gets a different seed.
    const second = await plan({ name: '另一轮' });
    expect(second.round.seed).not.toBe(round.seed);

    const page = await city.get(`/staff/spot-checks/${round.id}?done=planned`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(round.seed);
    expect(page.body).toContain('抽查名单已生成');
    expect(page.body).toContain('完全随机抽中');
    expect(page.body).toContain('按权重');
    const list = await city.get('/staff/spot-checks');
    expect(list.body).toContain(`/staff/spot-checks/${round.id}`);

    // Logged, but not where: administrators read the log, and nobody is told in advance.
    const [entry] = await entriesFor(t.app.db, 'spot_check_round', String(round.id));
    expect(entry!.action).toBe('spot_check.round_planned');
    for (const d of drawn) expect(entry!.detail ?? '').not.toContain(d.townshipCode);
    expect(send).not.toHaveBeenCalled();
    expect(sendLater).not.toHaveBeenCalled();
    send.mockRestore();
    sendLater.mockRestore();
  });

  it('draws within a restriction below the unit, following parent links', async () => {
    const { targets: drawn } = await plan({ region: '220102', count: '4', random_count: '1' }, cityInspector);
    expect(drawn).toHaveLength(4);
    for (const d of drawn) expect(await isWithin(t.app.db, d.townshipCode, '220102')).toBe(true);
  });

  it('caps the count at the townships there are', async () => {
    const { round, targets: drawn } = await plan({ count: '50', random_count: '0' }, county);
    expect(drawn.length).toBe((await candidatesFor(t.app.deps, '220102')).length);
    expect(round.townshipCount).toBe(drawn.length);
    expect(round.unitId).toBe((await findUnitByKey(t.app.db, 'ca:220102'))!.id);
  });
});

describe('who sees a plan', () => {
  it('is the inspecting unit only: everyone else gets a 404 on every route of the round', async () => {
    const { round, targets: drawn } = await plan({ name: '保密的一轮' });
    const target = drawn[0]!;
    const urls = [`/staff/spot-checks/${round.id}`, `/staff/spot-checks/${round.id}/targets/${target.id}/check`];
    for (const outsider of [county, otherCity, province]) {
      for (const url of urls) expect((await outsider.get(url)).statusCode, url).toBe(404);
      expect((await outsider.post(`/staff/spot-checks/${round.id}/targets/${target.id}/check`, { checked_on: '2026-01-01', findings: '这里写点什么问题' }, '/staff/spot-checks')).statusCode).toBe(404);
      expect((await outsider.get('/staff/spot-checks')).body).not.toContain('保密的一轮');
    }
    // Inside the unit, only the spot-check roles; a township government plans nothing.
    expect((await cityIntake.get(urls[0]!)).statusCode).toBe(403);
    expect((await cityIntake.get('/staff/spot-checks')).statusCode).toBe(403);
    expect((await township.get('/staff/spot-checks')).statusCode).toBe(403);
    expect((await cityInspector.get(urls[0]!)).statusCode).toBe(200);
    expect((await city.get(`/staff/spot-checks/${round.id + 1000}`)).statusCode).toBe(404);
  });
});

describe('recording a check and its finding', () => {
  it('records a check beside the county hotline, then makes the finding a ledger item in one step', async () => {
    const { round } = await plan({ name: '南关区专项抽查', region: '220102', count: '2', random_count: '0' });
    const target = (await targets(round.id)).find((d) => d.townshipCode === FLAGGED) ?? (await targets(round.id))[0]!;
    const form = `/staff/spot-checks/${round.id}/targets/${target.id}/check`;
    const page = await city.get(form);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('0431-88776655');
    expect(page.body).toContain('工作日 8:30—11:30，13:00—17:00');

    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const village = `${target.townshipCode}001`;
    const findings = '村务公开栏长期公布名单半年未更新，2户已退出对象仍在名单上；投诉电话无人接听。';
    const bad = await city.post(form, { village, checked_on: today, posting_ok: 'yes', roster_ok: 'no', hotline_called_at: '', hotline_answered: 'no', cases_checked: '入户3户', findings }, form);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('记录接听情况时请填写拨打时间');
    expect(bad.body).toContain('村务公开栏长期公布名单半年未更新');
    const empty = await city.post(form, { checked_on: today }, form);
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('请至少记录一项检查内容');

    const ok = await city.post(form, { village, checked_on: today, posting_ok: 'yes', roster_ok: 'no', hotline_called_at: `${today}T10:20`, hotline_answered: 'no', cases_checked: '入户核实低保户3户', findings }, form);
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(303);
    const [check] = await t.app.db.select().from(spotChecks).where(eq(spotChecks.roundId, round.id)).all();
    expect(check).toMatchObject({ targetId: target.id, townshipCode: target.townshipCode, villageCode: village, checkedOn: today, postingOk: true, rosterOk: false, hotlineCalledAt: `${today}T10:20`, hotlineAnswered: false, findings, ledgerItemId: null });
    expect((await entriesFor(t.app.db, 'spot_check', String(check!.id))).map((e) => e.action)).toEqual(['spot_check.recorded']);

    const roundPage = await city.get(`/staff/spot-checks/${round.id}`);
    expect(roundPage.body).toContain(findings);
    const ledgerForm = `/staff/spot-checks/${round.id}/checks/${check!.id}/ledger`;
    expect(roundPage.body).toContain(ledgerForm);
    expect((await county.get(ledgerForm)).statusCode).toBe(404);

    const badLedger = await city.post(ledgerForm, { measures: '立即更新长期公布名单，落实电话值守。', person: '县民政局社会救助科科长', deadline: '2001-01-01' }, ledgerForm);
    expect(badLedger.statusCode).toBe(400);
    expect(badLedger.body).toContain('整改期限须在今天至五年之内');
    expect(badLedger.body).toContain('立即更新长期公布名单');

    const deadline = new Date(Date.now() + 8 * 3600_000 + 30 * 86_400_000).toISOString().slice(0, 10);
    const made = await cityInspector.post(ledgerForm, { measures: '立即更新长期公布名单，落实电话值守。', person: '县民政局社会救助科科长', deadline }, ledgerForm);
    expect(made.statusCode, made.body.slice(0, 300)).toBe(303);
    const linked = (await t.app.db.select().from(spotChecks).where(eq(spotChecks.id, check!.id)).get())!;
    expect(linked.ledgerItemId).not.toBeNull();
    const item = (await t.app.db.select().from(rectificationItems).where(eq(rectificationItems.id, linked.ledgerItemId!)).get())!;
    const nanguan = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    expect(item).toMatchObject({ source: 'spot_check', regionCode: village, problem: findings, measures: '立即更新长期公布名单，落实电话值守。', unitId: nanguan.id, responsiblePerson: '县民政局社会救助科科长', deadline, status: 'not_started', reportId: null });
    expect((await entriesFor(t.app.db, 'spot_check', String(check!.id))).map((e) => e.action)).toEqual(['spot_check.recorded', 'spot_check.ledger_item']);
    expect((await entriesFor(t.app.db, 'ledger_item', String(item.id))).map((e) => e.action)).toEqual(['ledger.created']);

    // Once only: a repeated POST says so and makes nothing more.
    const again = await city.post(ledgerForm, { measures: '立即更新长期公布名单，落实电话值守。', person: '县民政局社会救助科科长', deadline }, `/staff/spot-checks/${round.id}`);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('这个问题已经列入整改台账');
    expect(await t.app.db.select().from(rectificationItems).where(and(eq(rectificationItems.source, 'spot_check'), eq(rectificationItems.problem, findings))).all()).toHaveLength(1);
    expect((await city.get(`/staff/spot-checks/${round.id}`)).body).toContain(`/staff/ledger/${item.id}`);
    // The county that must rectify finds the item on its ledger.
    expect((await county.get(`/staff/ledger/${item.id}`)).statusCode).toBe(200);
  });

  it('offers no ledger step for a check without findings', async () => {
    const { round, targets: drawn } = await plan({ name: '无问题的一轮', count: '1', random_count: '1' });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const form = `/staff/spot-checks/${round.id}/targets/${drawn[0]!.id}/check`;
    expect((await city.post(form, { checked_on: today, posting_ok: 'yes', roster_ok: 'yes' }, form)).statusCode).toBe(303);
    const check = (await t.app.db.select().from(spotChecks).where(eq(spotChecks.roundId, round.id)).get())!;
    expect(check.findings).toBeNull();
    expect((await city.get(`/staff/spot-checks/${round.id}/checks/${check.id}/ledger`)).statusCode).toBe(404);
  });
});

describe('demo data', () => {
  it('seeds one round of 长春市民政局 with two checks, one finding on the ledger, once', async () => {
    const demo = await makeApp();
    try {
      await createStaff(demo.app, 'ca:220100', ['supervisor']);
      // Seeded on Friday 11 December 2026 (six days before is a Saturday), after the demo hotlines as the demo does.
      await seedDemoHotlines(demo.app.db, Date.parse('2026-12-11T04:00:00Z'));
      const id = await seedDemoSpotChecks(demo.app.deps, Date.parse('2026-12-11T04:00:00Z'));
      expect(id).not.toBeNull();
      const round = (await demo.app.db.select().from(spotCheckRounds).where(eq(spotCheckRounds.id, id!)).get())!;
      expect(round.unitId).toBe((await findUnitByKey(demo.app.db, 'ca:220100'))!.id);
      expect(await demo.app.db.select().from(spotCheckTargets).where(eq(spotCheckTargets.roundId, id!)).all()).toHaveLength(5);
      const checks = await demo.app.db.select().from(spotChecks).where(eq(spotChecks.roundId, id!)).all();
      expect(checks).toHaveLength(2);
      const withItem = checks.filter((c) => c.ledgerItemId !== null);
      expect(withItem).toHaveLength(1);
      const item = (await demo.app.db.select().from(rectificationItems).where(eq(rectificationItems.id, withItem[0]!.ledgerItemId!)).get())!;
      expect(item.source).toBe('spot_check');
      // The finding says the hotline went unanswered in working hours: the call is judged so, on any
      // day the demo is seeded (it was once placed on whatever day six days ago was, a weekend too).
      const calendar = await loadCalendar(demo.app.db);
      const call = withItem[0]!;
      expect(judgeCall(call.hotlineCalledAt!, call.hotlineAnswered!, call.hotlineDutyHours, (d) => calendar.isWorkday(d))).toBe('unanswered');
      expect(await seedDemoSpotChecks(demo.app.deps, Date.parse('2026-12-11T04:00:00Z'))).toBeNull();
    } finally {
      await demo.close();
    }
  });
});
