// Partner administration over real HTTP: a disabled partner's signed requests are refused at once
// (403 partner_disabled; a bad signature still tells nothing) and no webhook goes to it, its events
// waiting until it is enabled; a rotated secret refuses the old one from the next request on; a
// partner with its uploads in flight at the cap gets 429 with Retry-After, another partner does not.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createPartner, rotatePartnerSecret, runExchangeSweep, secretFromText, setPartnerDisabled } from '../../src/exchange/index.js';
import { findWorkOrder } from '../../src/exchange/repository.js';
import { exchangeDeliveries, exchangeUploads } from '../../src/exchange/tables.js';
import { query } from '../../src/db/transaction.js';
import { childrenOf } from '../../src/regions/index.js';
import { findReport, workflow } from '../../src/reports/index.js';
import { staffContext } from '../../src/plugins/auth.js';
import { findUnitByKey } from '../../src/units/index.js';
import { createStaff } from '../helpers/staff.js';
import { multipart, SimulatedPartner } from './simulated-partner.js';

const COUNTY = '220102';
const RECEIVED_AT = new Date(Date.now() - 3600_000).toISOString();

let t: TestApp;
let portalUrl: string;
let village: string;
let hotline: SimulatedPartner;
let other: SimulatedPartner;
let hotlineId: number;

function workOrder(no: string) {
  return { source: 'hotline_12345', workOrderNo: no, receivedAt: RECEIVED_AT, channel: 'phone', category: 'left_out', placeCode: village, text: `来电反映：应保未保（${no}）。` };
}

beforeAll(async () => {
  t = await makeApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  portalUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const township = (await childrenOf(t.app.db, COUNTY))[0]!;
  village = (await childrenOf(t.app.db, township.code))[0]!.code;
  hotline = new SimulatedPartner(portalUrl, 'admin-12345', Buffer.alloc(0));
  await hotline.up();
  const created = await createPartner(t.app.db, t.app.keys, { key: 'admin-12345', name: '12345热线', scopes: [`ca:${COUNTY}`], webhookUrl: hotline.webhookUrl, requestsPerMinute: 10_000, uploadsAtOnce: 2 });
  hotline.setSecret(secretFromText(created.secret));
  hotlineId = created.partner.id;
  const second = await createPartner(t.app.db, t.app.keys, { key: 'admin-xinfang', name: '信访系统', scopes: [`ca:${COUNTY}`], requestsPerMinute: 10_000 });
  other = new SimulatedPartner(portalUrl, 'admin-xinfang', secretFromText(second.secret));
});

afterAll(async () => {
  await hotline?.close();
  await t?.close();
});

describe('disabling a partner', () => {
  it('refuses its signed requests at once with 403 partner_disabled, holds its webhooks, and takes both back when enabled', async () => {
    expect((await hotline.postWorkOrder(workOrder('D-1'))).status).toBe(201);
    await setPartnerDisabled(t.app.db, t.app.keys, 'admin-12345', true);

    const refused = await hotline.getWorkOrder('D-1');
    expect(refused).toEqual({ status: 403, body: { error: 'partner_disabled' } });
    expect((await hotline.postWorkOrder(workOrder('D-2'))).status).toBe(403);
    // Without its secret nobody learns that the key exists or is disabled.
    const path = '/api/v1/work-orders/D-1';
    const forged = { ...hotline.signedHeaders('GET', path), 'x-sunshine-signature': 'ab'.repeat(32) };
    expect(await hotline.send('GET', path, forged)).toEqual({ status: 401, body: { error: 'bad_signature' } });
    // Other partners are not affected.
    expect((await other.getWorkOrder('D-1')).status).toBe(404);

    // A status change while disabled: the event waits, nothing is sent or counted as a failure.
    const order = (await findWorkOrder(t.app.db, hotlineId, 'D-1'))!;
    const county = staffContext((await createStaff(t.app, `ca:${COUNTY}`, ['intake', 'handler', 'lead'])).user, (await findUnitByKey(t.app.db, `ca:${COUNTY}`))!);
    await workflow.accept(t.app.deps, county, (await findReport(t.app.db, order.reportId!))!, Date.now());
    const swept = await runExchangeSweep(t.app.deps);
    expect(swept).toMatchObject({ delivered: 0, failed: 0, dead: 0 });
    expect(hotline.events).toHaveLength(0);
    const waiting = await query(t.app.db, (q) => q.select().from(exchangeDeliveries).where(eq(exchangeDeliveries.workOrderId, order.id)).all());
    expect(waiting.map((d) => [d.attempts, d.deliveredAt])).toEqual([[0, null]]);

    await setPartnerDisabled(t.app.db, t.app.keys, 'admin-12345', false);
    expect((await hotline.getWorkOrder('D-1')).status).toBe(200);
    expect((await runExchangeSweep(t.app.deps)).delivered).toBe(1);
    expect(hotline.events.map((e) => [e.workOrderNo, e.status])).toEqual([['D-1', 'accepted']]);
    expect(hotline.badSignatures).toHaveLength(0);
  });
});

describe('rotating a partner secret', () => {
  it('refuses the old secret from the next request on and signs webhooks with the new one', async () => {
    const old = hotline.signedHeaders('GET', '/api/v1/work-orders/D-1');
    const { secret } = await rotatePartnerSecret(t.app.db, t.app.keys, 'admin-12345');
    expect(await hotline.send('GET', '/api/v1/work-orders/D-1', old)).toEqual({ status: 401, body: { error: 'bad_signature' } });
    expect((await hotline.getWorkOrder('D-1')).status).toBe(401);
    hotline.setSecret(secretFromText(secret));
    expect((await hotline.getWorkOrder('D-1')).status).toBe(200);

    const order = (await findWorkOrder(t.app.db, hotlineId, 'D-1'))!;
    const county = staffContext((await createStaff(t.app, `ca:${COUNTY}`, ['intake', 'handler', 'lead'])).user, (await findUnitByKey(t.app.db, `ca:${COUNTY}`))!);
    const report = (await findReport(t.app.db, order.reportId!))!;
    await workflow.assign(t.app.deps, county, report, { unitId: county.unit.id, assigneeId: county.user.id, due: report.handlingDue! }, Date.now());
    expect((await runExchangeSweep(t.app.deps)).delivered).toBe(1);
    expect(hotline.events.at(-1)!.status).toBe('assigned');
    expect(hotline.badSignatures).toHaveLength(0);
  });
});

/** A signed upload whose body is sent up to its last part and then held until `finish()`. */
function heldUpload(sim: SimulatedPartner, no: string) {
  const { parts, type } = multipart(workOrder(no));
  const length = parts.reduce((n, p) => n + p.length, 0);
  const headers = { ...sim.signedHeaders('POST', '/api/v1/work-orders', parts), 'content-type': type, 'content-length': String(length) };
  const url = new URL(portalUrl);
  let answer!: Promise<number>;
  const req = http.request({ method: 'POST', hostname: url.hostname, port: url.port, path: '/api/v1/work-orders', headers });
  answer = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  req.write(parts[0]!);
  return { answer, finish: () => req.end(Buffer.concat(parts.slice(1))) };
}

async function uploadsInFlight(partnerId: number): Promise<number> {
  const rows = await query(t.app.db, (q) => q.select().from(exchangeUploads).where(and(eq(exchangeUploads.partnerId, partnerId), gt(exchangeUploads.expiresAt, Date.now()))).all());
  return rows.length;
}

describe('uploads in flight per partner', () => {
  it('answers 429 with Retry-After past the partner’s cap, leaves other partners alone, and frees the slots when uploads end', async () => {
    const held = [heldUpload(hotline, 'U-1'), heldUpload(hotline, 'U-2')];
    for (let i = 0; i < 200 && (await uploadsInFlight(hotlineId)) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await uploadsInFlight(hotlineId)).toBe(2);

    const third = await hotline.postWorkOrder(workOrder('U-3'));
    expect(third).toEqual({ status: 429, body: { error: 'too_many_uploads' } });
    // Another partner uploads meanwhile.
    expect((await other.postWorkOrder(workOrder('X-1'))).status).toBe(201);
    // Reading is not an upload.
    expect((await hotline.getWorkOrder('D-1')).status).toBe(200);

    for (const h of held) h.finish();
    expect(await Promise.all(held.map((h) => h.answer))).toEqual([201, 201]);
    for (let i = 0; i < 200 && (await uploadsInFlight(hotlineId)) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await uploadsInFlight(hotlineId)).toBe(0);
    expect((await hotline.postWorkOrder(workOrder('U-3'))).status).toBe(201);
  });

  it('says when to try again', async () => {
    const held = [heldUpload(hotline, 'U-4'), heldUpload(hotline, 'U-5')];
    for (let i = 0; i < 200 && (await uploadsInFlight(hotlineId)) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const { parts, type } = multipart(workOrder('U-6'));
    const response = await fetch(`${portalUrl}/api/v1/work-orders`, { method: 'POST', headers: { ...hotline.signedHeaders('POST', '/api/v1/work-orders', parts), 'content-type': type }, body: Buffer.concat(parts) });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    for (const h of held) h.finish();
    expect(await Promise.all(held.map((h) => h.answer))).toEqual([201, 201]);
  });
});
