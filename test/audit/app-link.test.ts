// The running portal links its own audit chain at a switch of crypto profile (issue 23): the app
// registers its keys with the audit feature at start, so the first entry written under SM after
// entries under intl is preceded by the signed link entry, and the chain verifies.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINK_ACTION, record, verifyChain } from '../../src/audit/index.js';
import { useCryptoProfile } from '../../src/shared/crypto/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
const previous = useCryptoProfile('intl');
beforeAll(async () => {
  t = await makeApp();
});
afterAll(async () => {
  useCryptoProfile(previous);
  await t.close();
});

describe('the portal at a switch of crypto profile', () => {
  it('writes the signed link entry before its first SM entry', async () => {
    await record(t.app.db, t.app.keys['audit-mac'], { actor: { type: 'system' }, action: 'test.before', object: { type: 'test', id: '1' } });
    useCryptoProfile('sm');
    await record(t.app.db, t.app.keys['audit-mac'], { actor: { type: 'system' }, action: 'test.after', object: { type: 'test', id: '2' } });
    const rows = await t.app.db.all<{ action: string; mac: string }>(sql`select action, mac from audit_log order by id`);
    const actions = rows.map((r) => r.action);
    expect(actions.slice(-3)).toEqual(['test.before', LINK_ACTION, 'test.after']);
    expect(rows.at(-1)!.mac.startsWith('sm3:')).toBe(true);
    expect((await verifyChain(t.app.db, t.app.keys['audit-mac'])).broken).toBeNull();
  });
});
