import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { statsQueryPlans as queryPlans } from '../../src/reports/index.js';
// The test writes the reports domain's rows itself (tests may reach a feature's tables).
import { reports } from '../../src/reports/tables.js';
import { referrals } from '../../src/reports/referrals/tables.js';
import { findUnitByKey } from '../../src/units/index.js';
import { addDays, todayInChina } from '../../src/clocks/index.js';
import { cutoffOf, quarterStart } from '../../src/stats/periods.js';
import { suppressColumn } from '../../src/stats/index.js';
import { translate } from '../../src/i18n/translate.js';
import { isPostgres } from '../../src/db/connection.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { html } from '../helpers/forms.js';

const DAY = 86_400_000;
let t: TestApp;
let seq = 0;

// The quarter before the current one: wholly before the cutoff (the end of yesterday).
const cutoff = cutoffOf();
const [cy, cm] = todayInChina().split('-').map(Number) as [number, number];
const cq = Math.floor((cm - 1) / 3) + 1;
const year = cq === 1 ? cy - 1 : cy;
const quarter = cq === 1 ? 4 : cq - 1;
const PERIOD = `${year}Q${quarter}`;
const start = quarterStart(year, quarter);

interface Spec {
  county: string;
  township: string;
  category?: string;
  accepted?: boolean;
  concluded?: 'on_time' | 'late';
  finding?: 'substantiated' | 'partly' | 'unsubstantiated';
  rating?: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
  referred?: boolean;
  /** Overrides: when the report was received and when it was rated (default: a day after its conclusion). */
  receivedAt?: number;
  ratedAt?: number;
}

async function add(spec: Spec, times = 1) {
  const unit = (await findUnitByKey(t.app.db, `ca:${spec.county}`))!;
  for (let i = 0; i < times; i++) {
    seq++;
    const received = spec.receivedAt ?? start + seq * 3_600_000;
    const concludedAt = spec.concluded === 'on_time' ? received + 20 * DAY : spec.concluded === 'late' ? received + 70 * DAY : null;
    const row = await t.app.db
      .insert(reports)
      .values({
        caseNo: `T${seq}`,
        receiptDigest: `digest-${seq}`,
        channel: 'online',
        category: spec.category ?? 'favouritism',
        placeCode: spec.township,
        countyCode: spec.county,
        townshipCode: spec.township,
        description: '测试用举报内容，用于统计。',
        handlingUnitId: unit.id,
        status: spec.concluded ? 'closed' : spec.accepted ? 'accepted' : 'received',
        receivedAt: received,
        updatedAt: received,
        acceptedAt: spec.accepted || spec.concluded ? received + DAY : null,
        handlingDue: spec.accepted || spec.concluded ? addDays(todayInChina(new Date(received)), 60) : null,
        concludedAt,
        finding: spec.finding ?? null,
        rating: spec.rating ?? null,
        ratedAt: spec.rating ? (spec.ratedAt ?? (concludedAt ?? received) + DAY) : null,
      })
      .returning()
      .get();
    if (spec.referred) await t.app.db.insert(referrals).values({ reportId: row.id, bodyUnitId: unit.id, referredBy: 1, referredAt: received + 2 * DAY, opinion: '移送', status: 'pending', fromStatus: 'investigating', acceptDue: '2030-01-01' }).run();
  }
}

beforeAll(async () => {
  t = await makeApp();
  const nanling = { county: '220102', township: '220102001' };
  // 南岭街道: 12 reports, 10 concluded (8 on time), 7 substantiated or partly, 5 rated (4 satisfied), 2 referred.
  await add({ ...nanling, concluded: 'on_time', finding: 'substantiated', rating: 'satisfied', referred: true }, 2);
  await add({ ...nanling, concluded: 'on_time', finding: 'substantiated', rating: 'satisfied' }, 1);
  await add({ ...nanling, concluded: 'on_time', finding: 'substantiated', rating: 'basically_satisfied' }, 1);
  await add({ ...nanling, concluded: 'on_time', finding: 'substantiated', rating: 'dissatisfied' }, 1);
  await add({ ...nanling, concluded: 'on_time', finding: 'substantiated' }, 1);
  await add({ ...nanling, concluded: 'on_time', finding: 'partly', category: 'wrong_grant' }, 1);
  await add({ ...nanling, concluded: 'on_time', finding: 'unsubstantiated', category: 'wrong_grant' }, 1);
  await add({ ...nanling, concluded: 'late', finding: 'unsubstantiated', category: 'wrong_grant' }, 2);
  await add({ ...nanling, accepted: true, category: 'left_out' }, 2);
  // 自强街道: 3 reports (1 concluded on time, substantiated); 民康街道: 6 accepted.
  await add({ county: '220102', township: '220102002', concluded: 'on_time', finding: 'substantiated' }, 1);
  await add({ county: '220102', township: '220102002', accepted: true }, 2);
  await add({ county: '220102', township: '220102003', accepted: true, category: 'left_out' }, 6);
  // 宽城区: 4 received; 农安县: 2 received, 1 accepted.
  await add({ county: '220103', township: '220103001' }, 4);
  await add({ county: '220122', township: '220122100', accepted: true }, 1);
  await add({ county: '220122', township: '220122100' }, 1);
  // A report received today is not counted until tomorrow.
  await add({ county: '220102', township: '220102001' }, 1);
  await t.app.db.update(reports).set({ receivedAt: cutoff + 1000 }).where(eq(reports.caseNo, `T${seq}`)).run();
});
afterAll(() => t.close());

function rowOf(html: string, name: string): string[] {
  const m = new RegExp(`<tr><th scope="row">(?:<a [^>]*>)?${name}(?:</a>)?</th>([\\s\\S]*?)</tr>`).exec(html);
  if (!m) throw new Error(`no row ${name}`);
  return [...m[1]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((x) => x[1]!);
}

describe('public statistics', () => {
  it('counts a small known dataset by prefecture, county, quarter and category', async () => {
    const province = await t.app.inject(`/stats?period=${PERIOD}`);
    expect(province.statusCode).toBe(200);
    expect(province.headers['set-cookie']).toBeUndefined();
    // received, accepted, concluded, on-time rate, substantiated rate, referrals, rated, satisfaction
    expect(rowOf(province.body, '长春市')).toEqual(['27', '22', '11', '81.8%', '72.7%', '2', '5', '80.0%']);
    expect(rowOf(province.body, '吉林市')).toEqual(['0', '0', '0', '—', '—', '0', '0', '—']);

    const city = await t.app.inject(`/stats?period=${PERIOD}&region=220100`);
    expect(rowOf(city.body, '南关区')).toEqual(['21', '21', '11', '81.8%', '72.7%', '2', '5', '80.0%']);
    expect(rowOf(city.body, '宽城区')).toEqual(['4', '0', '0', '—', '—', '0', '0', '—']);
    expect(rowOf(city.body, '农安县')).toEqual(['2', '1', '0', '—', '—', '0', '0', '—']);
    expect(html.unescape(city.body)).toContain(`<a href="/stats?period=${PERIOD}&region=220102">南关区</a>`);

    const quarterName = ['第一季度', '第二季度', '第三季度', '第四季度'][quarter - 1];
    expect(rowOf(city.body, `${year}年${quarterName}`).slice(0, 3)).toEqual(['27', '22', '11']);
    const label = (c: string) => translate('zh-CN', `report.categories.${c}`).replace(/[()（）]/g, '.');
    expect(rowOf(city.body, label('favouritism'))).toEqual(['15', '10', '7', '100.0%', '100.0%', '2', '5', '80.0%']);
    expect(rowOf(city.body, label('wrong_grant'))).toEqual(['4', '4', '4', '50.0%', '25.0%', '0', '0', '—']);
    expect(rowOf(city.body, label('left_out')).slice(0, 3)).toEqual(['8', '8', '0']);

    // The year view includes the quarter.
    const yearView = await t.app.inject(`/stats?period=${year}&region=220100`);
    expect(rowOf(yearView.body, '南关区').slice(0, 3)).toEqual(['21', '21', '11']);
  });

  it('shows township counts below 5 as "<5", hides what the total would give away, and keeps the county total', async () => {
    const county = await t.app.inject(`/stats?period=${PERIOD}&region=220102`);
    expect(county.statusCode).toBe(200);
    expect(county.body).toContain('按乡镇（街道）');
    // 南岭: 12 received, 12 accepted, 10 concluded; rates from fewer than 5 on either side are hidden; 2 referrals.
    expect(rowOf(county.body, '南岭街道')).toEqual(['12', '12', '10', '*', '*', '&lt;5', '5', '*']);
    expect(rowOf(county.body, '自强街道')).toEqual(['&lt;5', '&lt;5', '&lt;5', '*', '*', '&lt;5', '&lt;5', '*']);
    expect(rowOf(county.body, '民康街道')).toEqual(['6', '6', '&lt;5', '*', '*', '&lt;5', '&lt;5', '*']);
    expect(rowOf(county.body, '鸿城街道')[0]).toBe('&lt;5');
    expect(rowOf(county.body, '合计')).toEqual(['21', '21', '11', '81.8%', '72.7%', '2', '5', '80.0%']);
    expect(county.body).toContain('不足5件');

    const csv = await t.app.inject(`/stats.csv?period=${PERIOD}&region=220102`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = parse(csv.body, { bom: true, columns: true }) as Record<string, string>[];
    const ziqiang = rows.find((r) => r['名称'] === '自强街道')!;
    expect(ziqiang['收到']).toBe('<5');
    expect(ziqiang['按期办结率']).toBe('*');
    expect(rows.find((r) => r['名称'] === '南岭街道')!['收到']).toBe('12');
    expect(rows.find((r) => r['名称'] === '合计')!['收到']).toBe('21');
    expect(csv.body).not.toMatch(/自强街道,3,/);
  });

  it('suppresses a second cell when a single hidden one would follow from the total', () => {
    expect(suppressColumn([12, 3, 6])).toEqual([null, 'small', 'secondary']);
    expect(suppressColumn([12, 3, 0, 6])).toEqual([null, 'small', 'small', null]);
    expect(suppressColumn([12, 9])).toEqual([null, null]);
  });

  it('draws bar charts whose labels and values are page text, with the numbers in a keyboard-reachable table', async () => {
    const res = await t.app.inject(`/stats?period=${PERIOD}&region=220100`);
    const figures = res.body.match(/<figure class="bar-chart"[^>]*>/g) ?? [];
    expect(figures).toHaveLength(3);
    expect(res.body).toContain('<figure class="bar-chart" aria-labelledby="chart-region-title" aria-describedby="chart-region-desc">');
    expect(res.body).toMatch(/<figcaption id="chart-region-title">长春市[^<]*各地收到举报件数<\/figcaption>/);
    // Issue 20 item 6: no chart drawn as one scaled SVG (its 13-unit labels came out at about 7 px on a phone).
    expect(res.body).not.toMatch(/<svg [^>]*role="img"/);
    expect(res.body).toMatch(/<li><span class="bar-label">南关区<\/span><svg class="bar"[^>]*aria-hidden="true"[^>]*><rect width="[\d.]+" height="1"\/><\/svg><span class="bar-value">\d+<\/span><\/li>/);
    expect(res.body).toContain('<div class="table-wrap" data-cards tabindex="0" role="region" aria-labelledby="table-region-caption">');
    expect(res.body).toContain('<table id="table-region">');
    expect(/<main[\s\S]*<\/main>/.exec(res.body)![0]).not.toContain('<script');
    // Cached until midnight or a change.
    expect((await t.app.inject(`/stats?period=${PERIOD}&region=220100`)).headers['x-cache']).toBe('hit');
  });

  it('bounds its queries by the received_at and county_code indexes', async () => {
    const w = { from: start, to: cutoff, cutoff };
    const plans = await queryPlans(t.app.db, w, [quarterStart(year, 2), quarterStart(year, 3), quarterStart(year, 4)], '220102');
    const spanPlan = plans.spanPlan.join('\n');
    if (isPostgres(t.app.db)) {
      // PostgreSQL plans by its statistics (a seq scan may win on a table this small): the span is a
      // range of the received_at index all the same; the other statements are only checked to plan.
      expect(spanPlan).toContain('reports_received_idx');
      expect(plans.span!.hi).toBeGreaterThan(plans.span!.lo);
      for (const plan of [plans.cube, plans.township]) expect(plan.length).toBeGreaterThan(0);
      return;
    }
    // SQLite's plans (its planner has no statistics: the product never runs ANALYZE).
    expect(spanPlan).toContain('USING COVERING INDEX reports_received_idx (received_at>? AND received_at<?)');
    const span = plans.span!;
    expect(span.hi).toBeGreaterThan(span.lo);
    const cubePlan = plans.cube.join('\n');
    expect(cubePlan).toContain('USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)');
    expect(cubePlan).not.toMatch(/SCAN r(?! USING)/);
    const townshipPlan = plans.township.join('\n');
    expect(townshipPlan).toContain('USING INDEX reports_county_idx (county_code=? AND id>? AND id<?)');
  });
});

describe('ratings in the statistics', () => {
  it('counts a rating in the period it was given, not in the period its report was received, and not after the cutoff', async () => {
    const jilin = { county: '220202', township: '220202001' };
    const prevYear = quarter === 1 ? year - 1 : year;
    const prevQuarter = quarter === 1 ? 4 : quarter - 1;
    const PREV = `${prevYear}Q${prevQuarter}`;
    // Received and concluded in the quarter before PERIOD, rated in PERIOD.
    await add({ ...jilin, concluded: 'on_time', finding: 'substantiated', rating: 'satisfied', receivedAt: start - 40 * DAY, ratedAt: start + 5 * DAY });
    // Received in PERIOD, rated today (after the cutoff): not counted yet.
    await add({ ...jilin, concluded: 'on_time', finding: 'substantiated', rating: 'dissatisfied', receivedAt: start + 2 * DAY, ratedAt: cutoff + 1000 });
    t.app.deps.publicCache.invalidate();

    const now = await t.app.inject(`/stats?period=${PERIOD}`);
    // received, accepted, concluded, on-time rate, substantiated rate, referrals, rated, satisfaction
    expect(rowOf(now.body, '吉林市')).toEqual(['1', '1', '1', '100.0%', '100.0%', '0', '1', '100.0%']);
    const before = await t.app.inject(`/stats?period=${PREV}`);
    expect(rowOf(before.body, '吉林市')).toEqual(['1', '1', '1', '100.0%', '100.0%', '0', '0', '—']);

    // The county's township table counts the rating by its time too.
    const county = await t.app.inject(`/stats?period=${PERIOD}&region=220202`);
    expect(rowOf(county.body, '合计').slice(6, 7)).toEqual(['1']);
  });

  it('reads ratings through the rated_at index', async () => {
    const w = { from: start, to: cutoff, cutoff };
    const plan = (await queryPlans(t.app.db, w, [quarterStart(year, 2), quarterStart(year, 3), quarterStart(year, 4)], '220102')).ratingCube.join('\n');
    // SQLite-only: its index hint; PostgreSQL plans by its statistics (only checked to plan).
    if (isPostgres(t.app.db)) return expect(plan.length).toBeGreaterThan(0);
    expect(plan).toContain('USING INDEX reports_rated_idx (rated_at>? AND rated_at<?)');
  });
});
