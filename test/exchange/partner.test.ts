// The exchange API driven by a simulated 12345 partner over real HTTP (issue 24 "Done when"):
// 50 work orders (5 sent twice, one number again with other content), one with a 10 MB photo
// streamed, webhooks during the partner's outage delivered after it returns, in order, each once;
// replayed, unsigned and badly signed requests refused; a work order outside the scopes refused.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createPartner, runExchangeSweep, secretFromText } from '../../src/exchange/index.js';
import { childrenOf } from '../../src/regions/index.js';
import fs from 'node:fs';
import path from 'node:path';
import { findReport, runReporterSmsSweep, workflow, type Identity, type Report } from '../../src/reports/index.js';
import { unsealJson } from '../../src/shared/crypto.js';
import { smsOutboxDir } from '../../src/sms/index.js';
import { staffContext } from '../../src/plugins/auth.js';
import { findUnitByKey } from '../../src/units/index.js';
import { createStaff } from '../helpers/staff.js';
import { entriesFor } from '../../src/audit/index.js';
import { evidenceOf } from '../../src/evidence/index.js';
import { jpegWith } from '../evidence/media/builders.js';
import { findWorkOrder } from '../../src/exchange/repository.js';
import { SimulatedPartner } from './simulated-partner.js';

const COUNTY = '220102';
const OTHER_COUNTY = '220104';
/** When the hotline took the calls: one moment, so a work order sent again is the same content. */
const RECEIVED_AT = new Date(Date.now() - 3600_000).toISOString();

/** A valid JPEG of about `bytes` bytes: filler inside the scan data, which metadata removal keeps. */
function bigJpeg(bytes: number): Buffer {
  const base = jpegWith();
  const filler = Buffer.alloc(Math.max(0, bytes - base.length), 0x5a);
  return Buffer.concat([base.subarray(0, base.length - 2), filler, base.subarray(base.length - 2)]);
}

let t: TestApp;
let sim: SimulatedPartner;
let villages: string[];
let otherVillage: string;
let partnerId: number;

/** The texts written to the SMS outbox (no gateway in tests). */
function smsOutbox(): { to: string; text: string }[] {
  const dir = smsOutboxDir(t.dataDir);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { to: string; text: string });
}

/** The report a work order of the partner became. */
async function reportOf(workOrderNo: string) {
  const order = (await findWorkOrder(t.app.db, partnerId, workOrderNo))!;
  return (await findReport(t.app.db, order.reportId!))!;
}

function workOrder(n: number, extra: Record<string, unknown> = {}) {
  return {
    source: 'hotline_12345',
    workOrderNo: `12345-2026-${String(n).padStart(5, '0')}`,
    receivedAt: RECEIVED_AT,
    channel: 'phone',
    category: n % 2 ? 'favouritism' : 'left_out',
    placeCode: villages[n % villages.length]!,
    text: `来电反映：村干部把不符合条件的亲属评为低保户（工单 ${n}）。`,
    ...extra,
  };
}

beforeAll(async () => {
  t = await makeApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  const township = (await childrenOf(t.app.db, COUNTY))[0]!;
  villages = (await childrenOf(t.app.db, township.code)).slice(0, 5).map((v) => v.code);
  const otherTownship = (await childrenOf(t.app.db, OTHER_COUNTY))[0]!;
  otherVillage = (await childrenOf(t.app.db, otherTownship.code))[0]!.code;
  sim = new SimulatedPartner(`http://127.0.0.1:${port}`, 'jl-12345', Buffer.alloc(0));
  await sim.up();
  const { secret, partner } = await createPartner(t.app.db, t.app.keys, { key: 'jl-12345', name: '吉林省12345热线', scopes: [`ca:${COUNTY}`], webhookUrl: sim.webhookUrl, requestsPerMinute: 100_000 });
  sim.setSecret(secretFromText(secret));
  partnerId = partner.id;
});

afterAll(async () => {
  await sim?.close();
  await t?.close();
});

describe('work orders from a simulated 12345 partner', () => {
  const caseNos = new Map<string, string>();

  it('files 50 work orders; 5 sent twice make no second report; other content under a used number is 409 and audited', async () => {
    for (let n = 1; n <= 50; n++) {
      const answer = await sim.postWorkOrder(workOrder(n));
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(answer.body.status).toBe('received');
      caseNos.set(String(n), answer.body.caseNo as string);
    }
    for (const n of [3, 11, 22, 37, 50]) {
      const again = await sim.postWorkOrder(workOrder(n));
      expect(again.status).toBe(200);
      expect(again.body.caseNo).toBe(caseNos.get(String(n)));
    }
    expect(new Set(caseNos.values()).size).toBe(50);

    const changed = await sim.postWorkOrder(workOrder(7, { text: '来电反映：另一件事，内容不同。' }));
    expect(changed.status).toBe(409);
    expect(changed.body).toEqual({ error: 'conflict' });
    // The first content stands; nothing was merged into it.
    const status = await sim.getWorkOrder(workOrder(7).workOrderNo);
    expect(status.body.caseNo).toBe(caseNos.get('7'));
    const order7 = (await findWorkOrder(t.app.db, partnerId, workOrder(7).workOrderNo))!;
    const conflicts = (await entriesFor(t.app.db, 'work_order', String(order7.id))).filter((e) => e.action === 'exchange.work_order.conflict');
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.result).toBe('refused');
  });

  it('reads the public status only: no text, no identity, no staff notes', async () => {
    const answer = await sim.getWorkOrder(workOrder(1).workOrderNo);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['caseNo', 'receivedAt', 'status', 'updatedAt', 'workOrderNo']);
    expect((await sim.getWorkOrder('12345-2026-99999')).status).toBe(404);
  });

  it('takes a 10 MB photo streamed with the work order, checked by its content', async () => {
    const photo = bigJpeg(10 * 1024 * 1024);
    const answer = await sim.postWorkOrder(workOrder(51), [{ name: '现场照片.jpg', content: photo }]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const report = await reportOf(workOrder(51).workOrderNo);
    expect(report.caseNo).toBe(answer.body.caseNo);
    const files = await evidenceOf(t.app.db, 'report', report.id);
    expect(files).toHaveLength(1);
    // A text file named .jpg is refused by its content, and nothing is filed.
    const fake = await sim.postWorkOrder(workOrder(52), [{ name: 'photo.jpg', content: Buffer.from('not a picture at all, just text') }]);
    expect(fake.status).toBe(422);
    expect(fake.body.error).toBe('attachment_refused');
    expect((await sim.getWorkOrder(workOrder(52).workOrderNo)).status).toBe(404);
  });

  it('keeps a reporter identity only when the partner sent it, and never sends it back', async () => {
    const answer = await sim.postWorkOrder(workOrder(53, { reporter: { name: '王秀英', phone: '13800000000' } }));
    expect(answer.status).toBe(201);
    const report = await reportOf(workOrder(53).workOrderNo);
    expect(report.realName).toBe(true);
    expect(JSON.stringify((await sim.getWorkOrder(workOrder(53).workOrderNo)).body)).not.toContain('王秀英');
    const anonymous = await reportOf(workOrder(1).workOrderNo);
    expect(anonymous.realName).toBe(false);
    expect(anonymous.identitySealed).toBeNull();
  });

  it('refuses a work order for a unit outside the partner’s scopes (403)', async () => {
    const answer = await sim.postWorkOrder(workOrder(54, { placeCode: otherVillage }));
    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('out_of_scope');
  });
});

describe('signatures', () => {
  it('refuses a replayed signed request', async () => {
    const path = `/api/v1/work-orders/${workOrder(1).workOrderNo}`;
    const headers = sim.signedHeaders('GET', path);
    expect((await sim.send('GET', path, headers)).status).toBe(200);
    const replay = await sim.send('GET', path, headers);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('replayed');
  });

  it('refuses unsigned, badly signed, stale and body-swapped requests', async () => {
    const path = `/api/v1/work-orders/${workOrder(1).workOrderNo}`;
    expect((await sim.send('GET', path, {})).body).toEqual({ error: 'unsigned' });
    const forged = { ...sim.signedHeaders('GET', path), 'x-sunshine-signature': 'ab'.repeat(32) };
    expect(await sim.send('GET', path, forged)).toEqual({ status: 401, body: { error: 'bad_signature' } });
    const otherPath = sim.signedHeaders('GET', `/api/v1/work-orders/${workOrder(2).workOrderNo}`);
    expect((await sim.send('GET', path, otherPath)).body.error).toBe('bad_signature');
    const stale = sim.signedHeaders('GET', path, [], { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect((await sim.send('GET', path, stale)).body.error).toBe('stale_timestamp');
    // A body other than the one whose hash was signed.
    const { multipart } = await import('./simulated-partner.js');
    const signedFor = multipart(workOrder(60));
    const sent = multipart(workOrder(61));
    const headers = { ...sim.signedHeaders('POST', '/api/v1/work-orders', signedFor.parts), 'content-type': sent.type };
    const swapped = await sim.send('POST', '/api/v1/work-orders', headers, sent.parts);
    expect(swapped).toEqual({ status: 401, body: { error: 'body_hash' } });
    expect((await sim.getWorkOrder(workOrder(61).workOrderNo)).status).toBe(404);
  });
});

describe('status webhooks', () => {
  it('delivers the events of a partner outage after it returns, in order, each once', async () => {
    const orders = [1, 2, 3].map((n) => workOrder(n).workOrderNo);
    const ids: number[] = [];
    for (const no of orders) ids.push((await reportOf(no)).id);
    let now = Date.now();
    const county = staffContext((await createStaff(t.app, `ca:${COUNTY}`, ['intake', 'handler', 'lead'])).user, (await findUnitByKey(t.app.db, `ca:${COUNTY}`))!);
    const steps: ((r: Report, at: number) => Promise<Report>)[] = [
      (r, at) => workflow.accept(t.app.deps, county, r, at),
      (r, at) => workflow.assign(t.app.deps, county, r, { unitId: county.unit.id, assigneeId: county.user.id, due: r.handlingDue! }, at),
      (r, at) => workflow.start(t.app.deps, county, r, at),
    ];
    await sim.down();
    for (const step of steps) {
      // Each transition queues its event in its own transaction: no sweep needed to see it.
      for (const id of ids) await step((await findReport(t.app.db, id))!, now);
      const swept = await runExchangeSweep(t.app.deps, now);
      expect(swept.delivered).toBe(0);
      now += 60_000;
    }
    expect(sim.events).toHaveLength(0);

    await sim.up();
    const back = await runExchangeSweep(t.app.deps, now + 2 * 3600_000);
    expect(back.delivered).toBe(9);
    for (const no of orders) {
      const received = sim.events.filter((e) => e.workOrderNo === no);
      expect(received.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(received.map((e) => [e.previousStatus, e.status])).toEqual([
        ['received', 'accepted'],
        ['accepted', 'assigned'],
        ['assigned', 'investigating'],
      ]);
    }
    expect(new Set(sim.events.map((e) => e.eventId)).size).toBe(sim.events.length);
    // Nothing is sent again.
    const again = await runExchangeSweep(t.app.deps, now + 4 * 3600_000);
    expect(again.delivered).toBe(0);
    expect(sim.events).toHaveLength(9);
    expect(sim.badSignatures).toHaveLength(0);
    // No identity and no report text in any event.
    for (const e of sim.events) expect(e.raw).not.toMatch(/王秀英|1380000|村干部/);
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 generated from the route schemas', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(['/api/v1/work-orders', '/api/v1/work-orders/{workOrderNo}']);
    expect(doc.components.schemas.WorkOrder.properties.category.anyOf.length).toBeGreaterThan(10);
    expect(doc.webhooks.statusEvent.post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/StatusEvent' });
    // What an integrator cannot guess: the secret's characters are the key (the simulated partner
    // signs with secretFromText), and the path is signed percent-encoded, as sent.
    const signature = doc.paths['/api/v1/work-orders'].post.parameters.find((p: { name: string }) => p.name === 'x-sunshine-signature');
    expect(signature.description).toContain('its characters as UTF-8 bytes (do not base64-decode it)');
    expect(signature.description).toContain('percent-encoded');
    expect(doc.webhooks.statusEvent.post.description).toContain('its characters as UTF-8 bytes');
    // Each operation lists the answers it can give: reading a status cannot conflict or run out of room.
    expect(Object.keys(doc.paths['/api/v1/work-orders/{workOrderNo}'].get.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429']);
    expect(Object.keys(doc.paths['/api/v1/work-orders'].post.responses).sort()).toEqual(['200', '201', '400', '401', '403', '409', '413', '415', '422', '429', '507']);
    // The limits the API enforces on receivedAt (work-orders.ts) are written where an integrator reads.
    expect(doc.components.schemas.WorkOrder.properties.receivedAt.description).toMatch(/At most 60 days ago .* not more than 5 minutes ahead/);
  });

  it('logs no client address', () => {
    expect(t.logs()).not.toMatch(/remoteAddress|"ip":/);
  });
});

// After the webhook tests, which count every event the partner receives.
describe('texts to a caller of the partner', () => {
  it('texts a caller who asked the partner for texts, in the language the partner names; refuses a landline for texts', async () => {
    const answer = await sim.postWorkOrder(workOrder(55, { reporter: { name: '金顺姬', phone: '139 0431 6666', sms: true, smsLocale: 'ko' } }));
    expect(answer.status).toBe(201);
    const report = await reportOf(workOrder(55).workOrderNo);
    expect(unsealJson<Identity>(t.app.deps.keys.identity, report.identitySealed!, `report:${report.id}`)).toMatchObject({ phone: '139 0431 6666', mobile: '13904316666', smsLocale: 'ko' });
    const county = staffContext((await createStaff(t.app, `ca:${COUNTY}`, ['intake'])).user, (await findUnitByKey(t.app.db, `ca:${COUNTY}`))!);
    const now = Date.now();
    await workflow.accept(t.app.deps, county, report, now);
    await runReporterSmsSweep(t.app.deps, now + 60_000);
    // The partner hears of the acceptance too.
    await runExchangeSweep(t.app.deps, now + 60_000);
    expect(sim.events.some((e) => e.workOrderNo === workOrder(55).workOrderNo)).toBe(true);
    const texts = smsOutbox().filter((m) => m.text.includes(report.caseNo));
    expect(texts).toHaveLength(1);
    expect(texts[0]!.to).toBe('13904316666');
    expect(texts[0]!.text).toMatch(/[가-힣]/);

    // Without sms: no number for texts (as before); with sms, Chinese unless the partner names a language.
    expect((await sim.postWorkOrder(workOrder(56, { reporter: { name: '王秀英', phone: '13800000001' } }))).status).toBe(201);
    const plain = await reportOf(workOrder(56).workOrderNo);
    expect(unsealJson<Identity>(t.app.deps.keys.identity, plain.identitySealed!, `report:${plain.id}`).mobile).toBeUndefined();
    await sim.postWorkOrder(workOrder(57, { reporter: { name: '李桂兰', phone: '13800000002', sms: true } }));
    const chinese = await reportOf(workOrder(57).workOrderNo);
    expect(unsealJson<Identity>(t.app.deps.keys.identity, chinese.identitySealed!, `report:${chinese.id}`).smsLocale).toBe('zh-CN');

    const landline = await sim.postWorkOrder(workOrder(58, { reporter: { name: '张玉珍', phone: '0431-88886666', sms: true } }));
    expect(landline.status).toBe(422);
    expect(landline.body.details).toEqual([expect.objectContaining({ path: '/reporter/phone' })]);
    expect((await sim.getWorkOrder(workOrder(58).workOrderNo)).status).toBe(404);
    // The form's phone rule: a mobile one digit short is nobody's; full-width digits are the number they look like.
    const short = await sim.postWorkOrder(workOrder(60, { reporter: { name: '张玉珍', phone: '1380000000' } }));
    expect(short.status).toBe(422);
    expect(short.body.details).toEqual([expect.objectContaining({ path: '/reporter/phone' })]);
    expect((await sim.postWorkOrder(workOrder(61, { reporter: { name: '张玉珍', phone: '１３８０００００００４' } }))).status).toBe(201);
    const wide = await reportOf(workOrder(61).workOrderNo);
    expect(unsealJson<Identity>(t.app.deps.keys.identity, wide.identitySealed!, `report:${wide.id}`).phone).toBe('13800000004');
    const unknownLanguage = await sim.postWorkOrder(workOrder(59, { reporter: { name: '张玉珍', phone: '13800000003', sms: true, smsLocale: 'fr' } }));
    expect(unknownLanguage.status).toBe(422);
    expect(unknownLanguage.body.details).toEqual([expect.objectContaining({ path: '/reporter/smsLocale' })]);
  });
});
