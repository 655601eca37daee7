// The edges of the signed API: the per-partner rate, a partner signing with an Ed25519 key (and that
// key rotated), and two
// requests with one work order number racing (one report, never two; other content refused).
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { canonicalRequest, createPartner, EMPTY_SHA256, rotatePartnerSecret, SIGNATURE_HEADERS as H, secretFromText } from '../../src/exchange/index.js';
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

  const WORK_ORDER_PATH = '/api/v1/work-orders/none';
  /** A GET of a work order that does not exist (404 once the signature holds), signed by `partner` with an Ed25519 key. */
  const signedGet = (partner: string, key: crypto.KeyObject) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomBytes(16).toString('base64url');
    const text = canonicalRequest('GET', WORK_ORDER_PATH, timestamp, nonce, EMPTY_SHA256);
    const headers = { [H.partner]: partner, [H.timestamp]: timestamp, [H.nonce]: nonce, [H.contentSha256]: EMPTY_SHA256, [H.signature]: crypto.sign(null, Buffer.from(text), key).toString('base64') };
    return fetch(`${url}${WORK_ORDER_PATH}`, { headers });
  };
  const pem = (key: crypto.KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

  it('takes requests signed with a partner’s Ed25519 key instead of the secret', async () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    await createPartner(t.app.db, t.app.keys, { key: 'xinfang-sys', name: '信访信息系统', scopes: ['ca:220100'], publicKey: pem(publicKey) });
    expect((await signedGet('xinfang-sys', privateKey)).status).toBe(404);
    const stranger = crypto.generateKeyPairSync('ed25519').privateKey;
    const refused = await signedGet('xinfang-sys', stranger);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'bad_signature' });
  });

  it('refuses a rotated-out Ed25519 key from the next request on and takes the new one; a rotation without a key keeps it', async () => {
    const first = crypto.generateKeyPairSync('ed25519');
    await createPartner(t.app.db, t.app.keys, { key: 'rotating-sys', name: '轮换测试', scopes: ['ca:220100'], publicKey: pem(first.publicKey) });
    expect((await signedGet('rotating-sys', first.privateKey)).status).toBe(404);

    const second = crypto.generateKeyPairSync('ed25519');
    const rotated = await rotatePartnerSecret(t.app.db, t.app.keys, 'rotating-sys', pem(second.publicKey));
    expect(rotated.partner.publicKey).toBe(pem(second.publicKey));
    const old = await signedGet('rotating-sys', first.privateKey);
    expect(old.status).toBe(401);
    expect(await old.json()).toEqual({ error: 'bad_signature' });
    expect((await signedGet('rotating-sys', second.privateKey)).status).toBe(404);

    // A new secret only: the partner still signs with the key it has.
    await rotatePartnerSecret(t.app.db, t.app.keys, 'rotating-sys');
    expect((await signedGet('rotating-sys', second.privateKey)).status).toBe(404);
    expect((await signedGet('rotating-sys', first.privateKey)).status).toBe(401);
  });

  it('refuses to rotate to a key that is not an Ed25519 public key, and keeps the old one', async () => {
    const kept = crypto.generateKeyPairSync('ed25519');
    await createPartner(t.app.db, t.app.keys, { key: 'careful-sys', name: '轮换校验', scopes: ['ca:220100'], publicKey: pem(kept.publicKey) });
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    await expect(rotatePartnerSecret(t.app.db, t.app.keys, 'careful-sys', pem(rsa))).rejects.toThrow();
    await expect(rotatePartnerSecret(t.app.db, t.app.keys, 'careful-sys', 'not a key')).rejects.toThrow();
    expect((await signedGet('careful-sys', kept.privateKey)).status).toBe(404);
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
