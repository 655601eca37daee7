// Acceptance review of issue 24: the demo moved each report along on a fixed schedule from its
// receipt, so a report received a few days before seeding got steps dated after "now" (concluded
// and closed in the future). Then the demo's own exchange export could not be imported anywhere
// ("时间 … 晚于现在"), the current period's statistics counted 办结 that had not happened, and a
// clerk saw a closing in the future. Seeded here at a fixed moment (demo reports are received up
// to 40 days before it, some only days before): no step, audit entry or report time lies after it,
// every stage still shows up, and the export imports onto a fresh portal.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog } from '../../src/audit/tables.js';
import { seedDemoIfEmpty, type DemoSeed } from '../../src/demo/index.js';
import { exportReportIds, itemBatches, writeExport } from '../../src/exchange/file/export.js';
import { importExchangeFile } from '../../src/exchange/file/import.js';
import { reportEvents, reports } from '../../src/reports/tables.js';
import { makeApp, type TestApp } from '../helpers/app.js';

const seededAt = Date.parse('2026-12-08T10:00:00+08:00');
const show = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
let a: TestApp;
let b: TestApp;
let seed: DemoSeed;

beforeAll(async () => {
  // Under its own address, so that portal B does not take A's items for its own.
  a = await makeApp({ baseUrl: 'https://demo.sunshine.test' });
  b = await makeApp();
  vi.useFakeTimers({ toFake: ['Date'], now: seededAt });
  seed = (await seedDemoIfEmpty(a.app))!;
}, 180_000);
afterAll(async () => {
  vi.useRealTimers();
  await a?.close();
  await b?.close();
});

describe('demo seeded at a given moment', () => {
  it('has some reports received only days before, and no report time after the moment of seeding', async () => {
    const all = await a.app.db.select().from(reports).all();
    expect(all.some((r) => r.receivedAt > seededAt - 10 * 86_400_000)).toBe(true);
    const late = all.flatMap((r) =>
      (['receivedAt', 'updatedAt', 'acceptedAt', 'assignedAt', 'concludedAt', 'ratedAt', 'answerFirstOpenedAt', 'identityErasedAt'] as const)
        .filter((k) => (r[k] ?? 0) > seededAt)
        .map((k) => `${r.caseNo} ${k} ${show(r[k]!)}`),
    );
    expect(late).toEqual([]);
  });

  it('has no report step and no audit entry after the moment of seeding', async () => {
    const events = await a.app.db.select().from(reportEvents).all();
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.at > seededAt).map((e) => `report ${e.reportId} ${e.type} ${show(e.at)}`)).toEqual([]);
    const audit = await a.app.db.select().from(auditLog).all();
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.filter((e) => e.at > seededAt).map((e) => `${e.action} ${e.objectType} ${e.objectId} ${show(e.at)}`)).toEqual([]);
  });

  it('still shows every stage a villager can reach, closed answers included', () => {
    expect(seed.codes.map((c) => c.stage)).toEqual([
      'answered in writing: rate it, or ask for a review',
      'under review by the city (复查)',
      'answered, problems being rectified (整改)',
      'referred to discipline inspection (移送纪检监察机关)',
      'being investigated, with a question from the handler',
      'new, waiting for acceptance',
    ]);
  });

  it("imports the demo's exchange export onto a fresh portal at that moment, no time refused as later than now", async () => {
    const ids = await exportReportIds(a.app.db, { unitIds: null, from: null, to: null });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => out.on('end', resolve));
    await writeExport('csv', out, itemBatches(a.app.db, a.app.config, ids));
    await ended;
    const outcome = await importExchangeFile(b.app.deps, { staffId: null, unitIds: null }, Buffer.concat(chunks), seededAt);
    expect(outcome.ok ? [] : outcome.problems).toEqual([]);
    expect(outcome).toMatchObject({ ok: true, created: ids.length });
  }, 60_000);
});
