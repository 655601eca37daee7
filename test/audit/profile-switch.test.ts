// The audit chain across a switch of crypto profile (issue 23): entries written under intl carry
// HMAC-SHA256 MACs, then one signed link entry (audit.mac_switched), then HMAC-SM3 (`sm3:`…); each
// is checked under the algorithm it names, so the whole trail verifies and `--expect-head` takes
// either form. An altered entry of either kind still breaks the chain, and so does a mix of the two
// without the link (as this chain was written before the link existed).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_ACTION, record, registerChainKeys, verifyAuditTrail, verifyChain } from '../../src/audit/index.js';
import { entryMacUnder } from '../../src/audit/chain.js';
import { auditLog } from '../../src/audit/tables.js';
import { useCryptoProfile } from '../../src/shared/crypto/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
  registerChainKeys(t.app.keys);
});
afterAll(() => t.close());

async function recordUnder(profile: 'intl' | 'sm', n: number): Promise<void> {
  const previous = useCryptoProfile(profile);
  try {
    for (let i = 0; i < n; i++) await record(t.app.db, t.app.keys['audit-mac'], { actor: { type: 'system' }, action: 'test.profile', object: { type: 'test', id: `${profile}-${i}` } });
  } finally {
    useCryptoProfile(previous);
  }
}

describe('the audit chain across a crypto-profile switch', () => {
  it('verifies entries of both profiles in one chain through the signed link, and finds an altered one of either', async () => {
    await recordUnder('intl', 3);
    await recordUnder('sm', 3);
    const macs = await t.app.db.all<{ id: number; mac: string; action: string }>(sql`select id, mac, action from audit_log order by id`);
    expect(macs.some((m) => m.mac.startsWith('sm3:'))).toBe(true);
    expect(macs.some((m) => /^[0-9a-f]{64}$/.test(m.mac))).toBe(true);
    const links = macs.filter((m) => m.action === LINK_ACTION);
    expect(links).toHaveLength(1);
    // Everything before the link is intl, the link and everything after it sm.
    const at = macs.indexOf(links[0]!);
    expect(macs.slice(0, at).every((m) => /^[0-9a-f]{64}$/.test(m.mac))).toBe(true);
    expect(macs.slice(at).every((m) => m.mac.startsWith('sm3:'))).toBe(true);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toBeNull();
    const head = macs.at(-1)!;
    const trail = await verifyAuditTrail(t.app.db, t.app.keys['audit-mac'], t.config.dataDir, { id: Number(head.id), mac: head.mac });
    expect(trail.broken).toBeNull();
    expect(trail.expectProblem).toBeNull();

    const smEntry = macs.find((m) => m.mac.startsWith('sm3:') && m.action !== LINK_ACTION)!;
    await t.app.db.run(sql`update audit_log set action = 'test.altered' where id = ${smEntry.id}`);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toMatchObject({ id: Number(smEntry.id) });
    await t.app.db.run(sql`update audit_log set action = 'test.profile' where id = ${smEntry.id}`);
    const intlEntry = macs.find((m) => !m.mac.startsWith('sm3:') && m.id !== macs[0]!.id)!;
    await t.app.db.run(sql`update audit_log set action = 'test.altered' where id = ${intlEntry.id}`);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toMatchObject({ id: Number(intlEntry.id) });
    await t.app.db.run(sql`update audit_log set action = 'test.profile' where id = ${intlEntry.id}`);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toBeNull();
  });

  it('reports a chain that goes from intl to sm MACs without the link as broken (profile)', async () => {
    const key = t.app.keys['audit-mac'];
    const head = (await t.app.db.all<{ id: number; mac: string }>(sql`select id, mac from audit_log order by id desc limit 1`))[0]!;
    useCryptoProfile('intl');
    await record(t.app.db, key, { actor: { type: 'system' }, action: 'test.profile', object: { type: 'test', id: 'after' } });
    // The chain is sm since the link: this entry stayed sm. Now an intl one, then sm straight after it.
    const last = (await t.app.db.all<{ id: number; mac: string }>(sql`select id, mac from audit_log order by id desc limit 1`))[0]!;
    expect(last.mac.startsWith('sm3:')).toBe(true);
    expect(Number(last.id)).toBe(Number(head.id) + 1);
    const id = Number(last.id) + 1;
    const content = { at: Date.now(), actorType: 'system', actorId: null, action: 'test.profile', objectType: 'test', objectId: 'mixed', result: 'ok', detail: null, terminal: null };
    await t.app.db.insert(auditLog).values({ id, ...content, prevMac: last.mac, mac: entryMacUnder('intl', key, id, content, last.mac) }).run();
    expect((await verifyChain(t.app.db, key)).broken).toEqual({ id, reason: 'profile' });
  });
});
