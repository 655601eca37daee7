import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { record, verifyChain } from '../../src/audit/index.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

describe('audit chain', () => {
  it('verifies a whole chain across pages and finds an edited entry', async () => {
    const key = t.app.keys['audit-mac'];
    for (let i = 0; i < 25; i++) await record(t.app.db, key, { actor: { type: 'staff', id: i }, action: 'test.step', object: { type: 'report', id: i } });
    expect(await verifyChain(t.app.db, key, 7)).toEqual({ checked: 25, broken: null });

    await t.app.db.run(sql`update audit_log set result = 'denied' where id = 12`);
    expect((await verifyChain(t.app.db, key, 7)).broken).toEqual({ id: 12, reason: 'mac' });
    await t.app.db.run(sql`update audit_log set result = 'ok' where id = 12`);
    expect((await verifyChain(t.app.db, key, 7)).broken).toBeNull();
  });

  it('finds a deleted entry by its broken link, and needs the key', async () => {
    const key = t.app.keys['audit-mac'];
    await t.app.db.run(sql`delete from audit_log where id = 20`);
    expect((await verifyChain(t.app.db, key, 7)).broken).toEqual({ id: 21, reason: 'link' });
    expect((await verifyChain(t.app.db, Buffer.alloc(32), 100)).broken?.id).toBe(1);
  });
});
