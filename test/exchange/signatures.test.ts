// The edges of the signed API: the per-partner rate, a partner signing with an Ed25519 key, and two
// requests with one work order number racing (one report, never two; other content refused).
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { canonicalRequest, createPartner, EMPTY_SHA256, SIGNATURE_HEADERS as H, secretFromText } from '../../src/exchange/index.js';
import { childrenOf } from '../../src/regions/index.js';
import { reportCount } from '../../src/reports/index.js';
import { SimulatedPartner } from './simulated-partner.js';

let t: TestApp;
let url: string;
let township: string;

beforeAll(async () => {
  t = await makeApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  township = (await childrenOf(t.app.db, '220102'))[0]!.code;
});

afterAll(async () => {
  await t?.close();
});

const order = (no: string, text = '来电反映低保评定不公开，村里没有张榜。') => ({ source: 'xinfang_bureau', workOrderNo: no, receivedAt: new Date().toISOString(), channel: 'letter', category: 'posting_irregular', placeCode: township, placeText: '某村', text });

describe('the signed API at its edges', () => {
  it('limits each partner to its requests per minute (429 with Retry-After)', async () => {
    const { secret } = await createPartner(t.app.db, t.app.keys, { key: 'slow-partner', name: '限速测试', scopes: ['ca:220102'], requestsPerMinute: 3 });
    const sim = new SimulatedPartner(url, 'slow-partner', secretFromText(secret));
    for (let i = 0; i < 3; i++) expect((await sim.getWorkOrder('none')).status).toBe(404);
    const path = '/api/v1/work-orders/none';
    const limited = await fetch(`${url}${path}`, { headers: sim.signedHeaders('GET', path) });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('takes requests signed with a partner’s Ed25519 key instead of the secret', async () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    await createPartner(t.app.db, t.app.keys, { key: 'xinfang-sys', name: '信访信息系统', scopes: ['ca:220100'], publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    const path = '/api/v1/work-orders/none';
    const headersSignedBy = (key: crypto.KeyObject) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = crypto.randomBytes(16).toString('base64url');
      const text = canonicalRequest('GET', path, timestamp, nonce, EMPTY_SHA256);
      return { [H.partner]: 'xinfang-sys', [H.timestamp]: timestamp, [H.nonce]: nonce, [H.contentSha256]: EMPTY_SHA256, [H.signature]: crypto.sign(null, Buffer.from(text), key).toString('base64') };
    };
    expect((await fetch(`${url}${path}`, { headers: headersSignedBy(privateKey) })).status).toBe(404);
    const stranger = crypto.generateKeyPairSync('ed25519').privateKey;
    const refused = await fetch(`${url}${path}`, { headers: headersSignedBy(stranger) });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'bad_signature' });
  });

  it('files one report when the same work order races itself, and refuses other content racing it', async () => {
    const { secret } = await createPartner(t.app.db, t.app.keys, { key: 'racer', name: '并发测试', scopes: ['ca:220102'], requestsPerMinute: 1000 });
    const sim = new SimulatedPartner(url, 'racer', secretFromText(secret));
    const before = await reportCount(t.app.db);
    const same = order('吉信转〔2026〕12号');
    const answers = await Promise.all([sim.postWorkOrder(same), sim.postWorkOrder(same), sim.postWorkOrder(same)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.caseNo)).size).toBe(1);
    expect(await reportCount(t.app.db)).toBe(before + 1);

    const [first, second] = await Promise.all([sim.postWorkOrder(order('吉信转〔2026〕13号')), sim.postWorkOrder(order('吉信转〔2026〕13号', '来信反映另一件事，内容不同，不应并入。'))]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    expect(await reportCount(t.app.db)).toBe(before + 2);
  });
});
