// The audit chain across a switch of crypto profile (issue 23): entries written under intl carry
// HMAC-SHA256 MACs, entries after the switch HMAC-SM3 (`sm3:`…); each is checked under the algorithm
// it names, so the whole trail verifies and `--expect-head` takes either form. A MAC of the wrong
// kind for its content, or an altered entry of either kind, still breaks the chain.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, verifyAuditTrail, verifyChain } from '../../src/audit/index.js';
import { useCryptoProfile } from '../../src/shared/crypto/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
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
  it('verifies entries of both profiles in one chain, and finds an altered one of either', async () => {
    await recordUnder('intl', 3);
    await recordUnder('sm', 3);
    const macs = await t.app.db.all<{ id: number; mac: string }>(sql`select id, mac from audit_log order by id`);
    expect(macs.some((m) => m.mac.startsWith('sm3:'))).toBe(true);
    expect(macs.some((m) => /^[0-9a-f]{64}$/.test(m.mac))).toBe(true);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toBeNull();
    const head = macs.at(-1)!;
    const trail = await verifyAuditTrail(t.app.db, t.app.keys['audit-mac'], t.config.dataDir, { id: Number(head.id), mac: head.mac });
    expect(trail.broken).toBeNull();
    expect(trail.expectProblem).toBeNull();

    const smEntry = macs.find((m) => m.mac.startsWith('sm3:'))!;
    await t.app.db.run(sql`update audit_log set action = 'test.altered' where id = ${smEntry.id}`);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toMatchObject({ id: Number(smEntry.id) });
    await t.app.db.run(sql`update audit_log set action = 'test.profile' where id = ${smEntry.id}`);
    const intlEntry = macs.find((m) => !m.mac.startsWith('sm3:') && m.id !== macs[0]!.id)!;
    await t.app.db.run(sql`update audit_log set action = 'test.altered' where id = ${intlEntry.id}`);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toMatchObject({ id: Number(intlEntry.id) });
  });
});
