import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { reports } from '../../src/reports/tables.js';
import { rectificationItems } from '../../src/ledger/tables.js';
import { referrals } from '../../src/reports/referrals/tables.js';
import { typicalCases } from '../../src/cases/tables.js';
import { recipients } from '../../src/disclosure/tables.js';
import { findUnitByKey } from '../../src/units/index.js';
import { emptyCounts, formatRate, rate, rollUp, type Statistics } from '../../src/reporting/statistics.js';
import { liveStatistics } from '../../src/reporting/live-statistics.js';
import { createTasksForYear, figuresFor, saveSubmission } from '../../src/reporting/service.js';
import { findTaskByKey } from '../../src/reporting/repository.js';
import { staffContext } from '../../src/plugins/auth.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff } from '../helpers/staff.js';

const at = (iso: string) => Date.parse(`${iso}+08:00`);
const period = { from: '2025-01-01', to: '2025-12-31' };

function stats(counts: Partial<ReturnType<typeof emptyCounts>>): Statistics {
  return { version: 1, ...period, counts: { ...emptyCounts(), ...counts }, units: 1 };
}

describe('roll-up arithmetic', () => {
  it('adds counts and recomputes rates from the sums, never averaging the rates', () => {
    const a = stats({ received: 10, accepted: 8, concluded: 4, substantiated: 1, onTime: 4, rectificationTotal: 3, rectificationSignedOff: 3 });
    const b = stats({ received: 2, accepted: 2, concluded: 1, substantiated: 1, onTime: 0, rectificationTotal: 0 });
    const c = stats({}); // a county with nothing at all
    const sum = rollUp([a, b, c], period);
    expect(sum.units).toBe(3);
    expect(sum.counts).toMatchObject({ received: 12, accepted: 10, concluded: 5, substantiated: 2, onTime: 4, rectificationTotal: 3, rectificationSignedOff: 3 });
    // 25 % and 100 % average to 62.5 %; the roll-up is 2 of 5.
    expect(rate(sum.counts, 'substantiatedRate')).toBeCloseTo(0.4);
    expect(formatRate(rate(sum.counts, 'substantiatedRate'))).toBe('40.0%');
    expect(formatRate(rate(sum.counts, 'onTimeRate'))).toBe('80.0%');
    expect(formatRate(rate(sum.counts, 'acceptanceRate'))).toBe('83.3%');
    // A rate with nothing to divide by is "—", not 0 %.
    expect(formatRate(rate(c.counts, 'onTimeRate'))).toBe('—');
    expect(formatRate(rate(b.counts, 'signOffRate'))).toBe('—');
  });
});

describe('statistics from the database', () => {
  let t: TestApp;
  let n = 0;

  async function village(county: string): Promise<string> {
    return (await t.app.db.get<{ code: string }>(sql`select region_code as code from region_ancestors where ancestor_code = ${county} and depth = 2 order by region_code limit 1`))!.code;
  }

  async function report(county: string, over: Partial<typeof reports.$inferInsert> = {}) {
    n++;
    const unit = (await findUnitByKey(t.app.db, `ca:${county}`))!;
    return t.app.db
      .insert(reports)
      .values({ caseNo: `T${n}`, receiptDigest: `r${n}`, channel: 'online', category: 'favouritism', placeCode: await village(county), countyCode: county, description: 'x', handlingUnitId: unit.id, status: 'received', receivedAt: at('2025-03-01T10:00:00'), updatedAt: 0, ...over })
      .returning()
      .get();
  }

  beforeAll(async () => {
    t = await makeApp();
    const db = t.app.db;
    // 南关区 (220102): 3 received in 2025, 2 accepted; 2 concluded in 2025 (one on time, substantiated; one late, unsubstantiated).
    await report('220102', { acceptedAt: at('2025-03-02T10:00:00'), concludedAt: at('2025-04-01T10:00:00'), handlingDue: '2025-05-01', finding: 'substantiated', status: 'closed' });
    const late = await report('220102', { acceptedAt: at('2025-03-02T10:00:00'), concludedAt: at('2025-06-10T10:00:00'), handlingDue: '2025-05-01', finding: 'unsubstantiated', status: 'closed' });
    await report('220102');
    await report('220102', { receivedAt: at('2024-12-31T23:00:00') }); // the year before (China time)
    // 宽城区 (220103): 1 received, concluded in time, partly substantiated, referred.
    const kc = await report('220103', { acceptedAt: at('2025-07-01T10:00:00'), concludedAt: at('2025-07-20T23:30:00'), handlingDue: '2025-07-20', finding: 'partly', status: 'closed', receivedAt: at('2025-06-30T10:00:00') });
    await db.insert(referrals).values({ reportId: kc.id, bodyUnitId: 1, referredBy: 1, referredAt: at('2025-07-05T10:00:00'), opinion: 'x', status: 'pending', fromStatus: 'investigating', acceptDue: '2025-07-12' }).run();
    await db.insert(referrals).values({ reportId: late.id, bodyUnitId: 1, referredBy: 1, referredAt: at('2026-01-05T10:00:00'), opinion: 'x', status: 'pending', fromStatus: 'investigating', acceptDue: '2026-01-12' }).run();
    // Ledger: 南关区 two items (one signed off), 宽城区 one open.
    const item = { source: 'special_governance', problem: 'p', measures: 'm', unitId: 1, responsiblePerson: 'r', deadline: '2025-12-01', createdAt: at('2025-05-01T10:00:00'), updatedAt: 0 };
    await db.insert(rectificationItems).values({ ...item, regionCode: await village('220102'), status: 'signed_off' }).run();
    await db.insert(rectificationItems).values({ ...item, regionCode: '220102', status: 'in_progress' }).run();
    await db.insert(rectificationItems).values({ ...item, regionCode: '220103', status: 'in_progress' }).run();
    // Typical cases: one published in 南关区 in 2025Q2, one draft, one of 2024.
    const kase = { unitId: 1, category: 'favouritism', title: 't', body: 'b', createdBy: 1, createdAt: 0, updatedAt: 0 };
    const township = (await t.app.db.get<{ code: string }>(sql`select region_code as code from region_ancestors where ancestor_code = '220102' and depth = 1 limit 1`))!.code;
    await db.insert(typicalCases).values({ ...kase, regionCode: township, quarter: '2025Q2', status: 'published' }).run();
    await db.insert(typicalCases).values({ ...kase, regionCode: township, quarter: '2025Q2', status: 'draft' }).run();
    await db.insert(typicalCases).values({ ...kase, regionCode: township, quarter: '2024Q4', status: 'published' }).run();
    // Rosters: two households in 南关区 at the end of 2025 (one removed in 2025 does not count).
    const v = await village('220102');
    const person = { villageCode: v, townshipCode: township, countyCode: '220102', maskedName: '张*', surname: '张', monthlyAmountFen: 50000, type: 'dibao', updatedAt: 0 };
    await db.insert(recipients).values({ ...person, idHash: 'h1', householdSize: 3, status: 'active', sinceOn: '2024-06-01' }).run();
    await db.insert(recipients).values({ ...person, idHash: 'h2', householdSize: 1, status: 'active', sinceOn: '2025-09-01' }).run();
    await db.insert(recipients).values({ ...person, idHash: 'h3', householdSize: 2, status: 'removed', sinceOn: '2024-01-01', removedOn: '2025-03-01' }).run();
  });
  afterAll(() => t.close());

  it('counts a county by its region, through the ancestor closure, for the period only', async () => {
    const live = await liveStatistics(t.app.db, ['220102', '220103', '220100'], { ...period, quarters: ['2025Q1', '2025Q2', '2025Q3', '2025Q4'] });
    expect(live.get('220102')!.counts).toEqual({ received: 3, accepted: 2, concluded: 2, substantiated: 1, onTime: 1, referrals: 0, rectificationTotal: 2, rectificationSignedOff: 1, casesPublished: 1, recipients: 2, recipientPersons: 4 });
    // Concluded at 23:30 China time on the due date is on time.
    expect(live.get('220103')!.counts).toMatchObject({ received: 1, accepted: 1, concluded: 1, substantiated: 1, onTime: 1, referrals: 1, rectificationTotal: 1, rectificationSignedOff: 0 });
    // The city's own region sums its counties.
    expect(live.get('220100')!.counts).toMatchObject({ received: 4, concluded: 3, substantiated: 2, onTime: 2, referrals: 1, rectificationTotal: 3, recipients: 2 });
  });

  it("rolls a city's counties up for its summary: frozen figures where submitted, rates from the sums", async () => {
    await createTasksForYear(t.app.deps, 2025, null, at('2025-01-02T09:00:00'));
    const countyTask = (await findTaskByKey(t.app.db, 'county_summary', 2025, null))!;
    const cityTask = (await findTaskByKey(t.app.db, 'city_summary', 2025, null))!;
    const lead = await createStaff(t.app, 'ca:220102', ['lead']);
    const unit = (await findUnitByKey(t.app.db, 'ca:220102'))!;
    const texts = { basic: '基本情况', practices: '典型做法', problems: '存在问题', suggestions: '意见建议' };
    const done = await saveSubmission(t.app.deps, staffContext(lead.user, unit), countyTask, unit, texts, true);
    expect(done.ok).toBe(true);
    // Reports arriving after 南关区 submitted do not change its frozen figures.
    await report('220102');
    const city = (await findUnitByKey(t.app.db, 'ca:220100'))!;
    const figures = (await figuresFor(t.app.db, cityTask, [city]))!.get(city.id)!;
    expect(figures.units).toBe(15);
    expect(figures.counts).toMatchObject({ received: 4, concluded: 3, substantiated: 2, onTime: 2 });
    expect(formatRate(rate(figures.counts, 'onTimeRate'))).toBe('66.7%'); // 2 of 3, not the mean of 50 % and 100 %
  });
});
