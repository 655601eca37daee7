// The exchange file format's round trip (issue 24 "Done when": the export then import recreates the
// same items on a fresh database): 30 items in various states on portal A — work orders of a 12345
// partner and reports filed on the web or logged by staff — exported as CSV, XLSX and JSON, imported
// into a fresh portal B; B's export says the same (key, source reference, category, place, text,
// state, steps). Importing again changes nothing; an error on row 7 writes nothing and names row 7;
// other content under a known key is a conflict; a later file with more steps records them.
// Runs on both engines (DATABASE_URL).
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartner, type Partner } from '../../src/exchange/index.js';
import { submitWorkOrder } from '../../src/exchange/work-orders.js';
import { exportReportIds, itemBatches, writeExport, type ExportFormat } from '../../src/exchange/file/export.js';
import { importExchangeFile } from '../../src/exchange/file/import.js';
import { staffContext, type StaffContext } from '../../src/plugins/auth.js';
import { childrenOf } from '../../src/regions/index.js';
import { CATEGORIES, fileReport, findReport, findReports, reportCount, workflow, type Report } from '../../src/reports/index.js';
import { findUnitByKey } from '../../src/units/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createStaff } from '../helpers/staff.js';
import type { FastifyInstance } from 'fastify';

const COUNTY = '220102';
let a: TestApp;
let b: TestApp;
let partner: Partner;
let county: StaffContext;
let villages: string[];
let township: string;
const reportsOnA: Report[] = [];

async function exportOf(app: FastifyInstance, format: ExportFormat): Promise<Buffer> {
  const ids = await exportReportIds(app.db, { unitIds: null, from: null, to: null });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => out.on('end', resolve));
  await writeExport(format, out, itemBatches(app.db, app.config, ids));
  await ended;
  return Buffer.concat(chunks);
}

type JsonItem = Record<string, unknown>;
const jsonItems = (bytes: Buffer): JsonItem[] => (JSON.parse(bytes.toString('utf8')) as { items: JsonItem[] }).items;
/** An item without the exporting portal's own case number, keyed for comparison. */
const comparable = (items: JsonItem[]) => new Map(items.map(({ case_no: _caseNo, ...rest }) => [`${rest.source_system} ${rest.work_order_no}`, rest]));

beforeAll(async () => {
  // Two portals: A (the source) under its own address, so its items carry its own system name.
  a = await makeApp({ baseUrl: 'https://a.sunshine.test' });
  b = await makeApp();
  ({ partner } = await createPartner(a.app.db, a.app.keys, { key: 'jl-12345', name: '吉林省12345热线', scopes: [`ca:${COUNTY}`] }));
  township = (await childrenOf(a.app.db, COUNTY))[0]!.code;
  villages = (await childrenOf(a.app.db, township)).slice(0, 4).map((v) => v.code);
  county = staffContext((await createStaff(a.app, `ca:${COUNTY}`, ['intake', 'handler', 'lead', 'supervisor'])).user, (await findUnitByKey(a.app.db, `ca:${COUNTY}`))!);

  const day = 86_400_000;
  const start = Date.now() - 20 * day;
  for (let n = 0; n < 15; n++) {
    const receivedAt = new Date(start + n * 3600_000 + 123).toISOString();
    const wo = { source: 'hotline_12345' as const, workOrderNo: `12345-2026-${String(n).padStart(5, '0')}`, receivedAt, channel: 'phone' as const, category: CATEGORIES[n % CATEGORIES.length]!, placeCode: n === 3 ? township : villages[n % villages.length]!, ...(n === 3 ? { placeText: '镇政府东侧' } : {}), text: `来电反映：村干部把亲属评为低保户（工单 ${n}）。${n === 5 ? '=HYPERLINK("http://x")' : ''}`, ...(n % 4 === 0 ? { subject: { name: '张某', position: 'village_cadre' as const, isHead: n === 8 } } : {}) };
    const filed = await submitWorkOrder(a.app.deps, partner, wo, [], Date.now());
    reportsOnA.push((await findReport(a.app.db, await reportIdOfCase(a.app, filed.body.caseNo)))!);
  }
  for (let n = 0; n < 15; n++) {
    const place = villages[n % villages.length]!;
    const filed = await fileReport(
      a.app.deps,
      { category: CATEGORIES[(n * 5) % CATEGORIES.length]!, placeCode: place, placeOther: n === 2 ? '村部后面' : null, countyCode: COUNTY, townshipCode: township, subjectName: n % 3 === 0 ? '李某' : null, subjectPosition: n % 3 === 0 ? 'township_official' : null, subjectIsHead: false, description: `-${n} 网上举报：低保评定没有张榜公示，有人冒领补助金。\n第二行`, happenedAt: n === 1 ? '2026年10月' : null, identity: n === 4 ? { name: '王五', phone: '13800000000', email: '', address: '' } : null },
      [],
      n < 3 ? { channel: 'letter', nonce: null, staffId: county.user.id, source: n === 0 ? 'xinfang_bureau' : 'letter', sourceRef: n === 0 ? '吉信转〔2026〕12号' : null, receivedAt: start + n * day, now: start + n * day } : { channel: 'online', nonce: null, now: start + n * day + 7 },
    );
    reportsOnA.push(filed.report);
  }
  // Move some along: accepted, assigned, investigating, rejected.
  let now = Date.now() - 5 * day;
  for (const [i, r0] of reportsOnA.entries()) {
    let r = (await findReport(a.app.db, r0.id))!;
    if (i % 5 === 4) {
      await workflow.reject(a.app.deps, county, r, '不属于本部门受理范围。', (now += 60_000));
      continue;
    }
    if (i % 5 === 0) continue;
    r = await workflow.accept(a.app.deps, county, r, (now += 60_000));
    if (i % 5 === 1) continue;
    r = await workflow.assign(a.app.deps, county, r, { unitId: county.unit.id, assigneeId: county.user.id, due: r.handlingDue! }, (now += 60_000));
    if (i % 5 === 2) continue;
    await workflow.start(a.app.deps, county, r, (now += 60_000));
  }
}, 120_000);

async function reportIdOfCase(app: FastifyInstance, caseNo: string): Promise<number> {
  const ids = await exportReportIds(app.db, { unitIds: null, from: null, to: null });
  const all = await findReports(app.db, ids);
  return all.find((r) => r.caseNo === caseNo)!.id;
}

afterAll(async () => {
  await a?.close();
  await b?.close();
});

describe('exchange file round trip', () => {
  let csv: Buffer;
  let xlsx: Buffer;
  let json: Buffer;

  it('exports 30 items in one layout: no identity, no internal step, the same items in CSV, XLSX and JSON', async () => {
    [csv, xlsx, json] = [await exportOf(a.app, 'csv'), await exportOf(a.app, 'xlsx'), await exportOf(a.app, 'json')];
    const items = jsonItems(json);
    expect(items).toHaveLength(30);
    const statuses = new Set(items.map((i) => i.status));
    expect([...statuses].sort()).toEqual(['accepted', 'assigned', 'investigating', 'received', 'rejected']);
    expect(items.filter((i) => i.source_system === 'jl-12345')).toHaveLength(15);
    expect(items.filter((i) => i.source_system === 'sunshine:a.sunshine.test')).toHaveLength(15);
    // The real-name reporter's identity is nowhere, nor a reason, nor anything internal.
    for (const text of [csv.toString('utf8'), json.toString('utf8')]) {
      expect(text).not.toContain('王五');
      expect(text).not.toContain('13800000000');
      expect(text).not.toContain('不属于本部门受理范围');
    }
    const rejected = items.find((i) => i.status === 'rejected')!;
    expect((rejected.steps as { type: string }[]).map((s) => s.type)).toEqual(['received', 'rejected']);
    // CSV: a formula-like text is neutralised (leading apostrophe), the header is the column names.
    const rows = parse(csv.toString('utf8').replace(/^\ufeff/, '')) as string[][];
    expect(rows[0]![0]).toBe('source_system');
    expect(rows.some((r) => r.some((c) => c.startsWith("'-")))).toBe(true);
    expect(rows).toHaveLength(31);
  });

  it('recreates the same items on a fresh database, and importing again changes nothing', async () => {
    expect(await reportCount(b.app.db)).toBe(0);
    const first = await importExchangeFile(b.app.deps, { staffId: null, unitIds: null }, csv);
    expect(first).toMatchObject({ ok: true, format: 'csv', items: 30, created: 30, updated: 0, unchanged: 0 });
    expect(await reportCount(b.app.db)).toBe(30);
    // B says the same as A, as far as the format carries it (the case number is each portal's own).
    expect(comparable(jsonItems(await exportOf(b.app, 'json')))).toEqual(comparable(jsonItems(json)));
    // The reports themselves: source references, categories, places, texts as on A; filed as received.
    const onB = await findReports(b.app.db, await exportReportIds(b.app.db, { unitIds: null, from: null, to: null }));
    const bySource = (r: Report) => `${r.source}|${r.sourceRef}|${r.category}|${r.placeCode}|${r.placeOther}|${r.description}|${r.receivedAt}|${r.subjectName}|${r.happenedAt}`;
    const onA = await findReports(a.app.db, reportsOnA.map((r) => r.id));
    expect(onB.map(bySource).sort()).toEqual(onA.map(bySource).sort());
    expect(new Set(onB.map((r) => r.status))).toEqual(new Set(['received']));
    expect(onB.every((r) => !r.realName && r.identitySealed === null)).toBe(true);

    for (const again of [csv, xlsx, json]) {
      const outcome = await importExchangeFile(b.app.deps, { staffId: null, unitIds: null }, again);
      expect(outcome).toMatchObject({ ok: true, items: 30, created: 0, updated: 0, unchanged: 30 });
    }
    expect(await reportCount(b.app.db)).toBe(30);
  });

  it('refuses a work order through the API whose number was imported from a file: never a second report', async () => {
    const { partner: onB } = await createPartner(b.app.db, b.app.keys, { key: 'jl-12345', name: '吉林省12345热线', scopes: [`ca:${COUNTY}`] });
    const before = await reportCount(b.app.db);
    const wo = { source: 'hotline_12345' as const, workOrderNo: '12345-2026-00001', receivedAt: new Date(Date.now() - 3600_000).toISOString(), channel: 'phone' as const, category: CATEGORIES[1]!, placeCode: villages[1]!, text: '来电反映：村干部把亲属评为低保户（工单 1）。' };
    await expect(submitWorkOrder(b.app.deps, onB, wo, [], Date.now())).rejects.toMatchObject({ statusCode: 409, code: 'conflict' });
    expect(await reportCount(b.app.db)).toBe(before);
  });

  it('writes nothing from a file with an error on row 7, and names row 7', async () => {
    const rows = parse(csv.toString('utf8').replace(/^\ufeff/, '')) as string[][];
    const header = rows[0]!;
    // A new item on row 2 that would be filed if the file were sound, and a bad category on row 7.
    const fresh = [...rows[1]!];
    fresh[header.indexOf('work_order_no')] = 'NEW-0001';
    fresh[header.indexOf('source_system')] = 'jl-12345';
    const broken = rows.slice(1);
    // Row 1 the header, row 2 the new item, rows 3… the exported ones: row 7 is the fifth of those.
    broken[4] = [...broken[4]!];
    broken[4][header.indexOf('category')] = '不存在的类别';
    const file = Buffer.from(stringify([header, fresh, ...broken.slice(0, 10)]), 'utf8');
    const before = await reportCount(b.app.db);
    const outcome = await importExchangeFile(b.app.deps, { staffId: null, unitIds: null }, file);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([expect.objectContaining({ row: 7, column: 'category', message: 'not_one_of' })]);
    expect(await reportCount(b.app.db)).toBe(before);
  });

  it('refuses other content under a known key as a conflict of its row, never merged', async () => {
    const items = jsonItems(json);
    const changed = { ...items[3]!, text: '同一工单号，另外的内容。' };
    const doc = { format: 'sunshine-exchange', version: 1, items: [items[0], items[1], changed] };
    const outcome = await importExchangeFile(b.app.deps, { staffId: null, unitIds: null }, Buffer.from(JSON.stringify(doc)));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([expect.objectContaining({ row: 3, column: 'work_order_no', message: 'conflict' })]);
    const onB = await findReports(b.app.db, await exportReportIds(b.app.db, { unitIds: null, from: null, to: null }));
    expect(onB.some((r) => r.description === '同一工单号，另外的内容。')).toBe(false);
  });

  it('records the later steps of a later export, and an older file changes nothing', async () => {
    const waiting = reportsOnA[0]!; // received on A
    await workflow.accept(a.app.deps, county, (await findReport(a.app.db, waiting.id))!, Date.now() - 1000);
    const later = await exportOf(a.app, 'json');
    expect(await importExchangeFile(b.app.deps, { staffId: null, unitIds: null }, later)).toMatchObject({ ok: true, created: 0, updated: 1, unchanged: 29 });
    expect(comparable(jsonItems(await exportOf(b.app, 'json')))).toEqual(comparable(jsonItems(later)));
    // The first export again: its steps are a beginning of the recorded ones.
    expect(await importExchangeFile(b.app.deps, { staffId: null, unitIds: null }, json)).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 30 });
  });
});
