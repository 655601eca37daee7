import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { main as verify } from '../../src/cli/audit-verify.js';
import { latestEntry, record } from '../../src/audit/index.js';
import { deriveKeys, loadMasterKey } from '../../src/plugins/keys.js';
import { capture, dataDir, envFor } from './helpers.js';
import { cliPortal, onPg } from './portal-database.js';

const dirs: string[] = [];
const newDir = () => {
  const dir = dataDir();
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run audit:verify', () => {
  it('reports a whole chain with its head, and the entry where a changed chain breaks', async () => {
    const dir = newDir();
    // Three entries written as the app writes them, under the key in DATA_DIR.
    const portal = await cliPortal(dir, Buffer.alloc(32, 5));
    const { db } = portal;
    const key = deriveKeys(loadMasterKey({ dataDir: dir, masterKey: null } as never))['audit-mac'];
    await db.run(sql`delete from audit_log`);
    for (const id of [1, 2, 3]) await record(db, key, { actor: { type: 'system' }, action: 'user.create', object: { type: 'user', id } });

    const ok = capture();
    expect(await verify([], portal.env, ok)).toBe(0);
    const head = (await latestEntry(db))!;
    expect(ok.stdout).toEqual(['audit chain ok: 3 entries', `chain head: entry 3 mac ${head.mac}`]);

    await db.run(sql`update audit_log set detail = '{"unit":1,"roles":["lead"]}' where id = 2`);
    const broken = capture();
    expect(await verify([], portal.env, broken)).toBe(1);
    expect(broken.stdout[0]).toMatch(/^audit chain BROKEN at entry 2 \(mac/);
    expect(broken.stdout[1]).toBe(`chain head: entry 3 mac ${head.mac}`);

    // A deleted entry breaks the link of the one after it.
    await db.run(sql`delete from audit_log where id = 2`);
    const gap = capture();
    expect(await verify([], portal.env, gap)).toBe(1);
    expect(gap.stdout[0]).toMatch(/^audit chain BROKEN at entry 3 \(link/);
    await portal.close();
  });

  it('finds the newest entries deleted when given the head from the application log (--expect-head)', async () => {
    const dir = newDir();
    const portal = await cliPortal(dir, Buffer.alloc(32, 6));
    const { db } = portal;
    const key = deriveKeys(loadMasterKey({ dataDir: dir, masterKey: null } as never))['audit-mac'];
    await db.run(sql`delete from audit_log`);
    for (const id of [1, 2, 3, 4]) await record(db, key, { actor: { type: 'system' }, action: 'user.create', object: { type: 'user', id } });
    const logged = (await latestEntry(db))!;
    const expectHead = ['--expect-head', `${logged.id}:${logged.mac}`];
    const ok = capture();
    expect(await verify(expectHead, portal.env, ok)).toBe(0);
    expect(ok.stdout).toContain('expected head 4 found');
    // The chain alone still verifies after its newest two entries are deleted; the logged head does not.
    await db.run(sql`delete from audit_log where id >= 3`);
    expect(await verify([], portal.env, capture())).toBe(0);
    const cut = capture();
    expect(await verify(expectHead, portal.env, cut)).toBe(1);
    expect(cut.stdout.join('\n')).toContain('expected head 4 MISSING');
    // A rewritten entry with a new MAC (as someone holding the key could make) is told apart too.
    expect(await verify(['--expect-head', `2:${'0'.repeat(64)}`], portal.env, capture())).toBe(1);
    expect(await verify(['--expect-head', 'x:y'], portal.env, capture())).toBe(2);
    await portal.close();
  });

  it('says so for an empty log, and refuses without a database or a key', async () => {
    const dir = newDir();
    const portal = await cliPortal(dir, Buffer.alloc(32, 7));
    const empty = capture();
    expect(await verify([], portal.env, empty)).toBe(0);
    expect(empty.stdout).toEqual(['audit chain ok: 0 entries', 'chain head: none (the log is empty)']);

    fs.rmSync(path.join(dir, 'master.key'));
    const noKey = capture();
    // On PostgreSQL the key is configuration (SUNSHINE_MASTER_KEY), never a file in DATA_DIR.
    const { SUNSHINE_MASTER_KEY: _key, ...withoutKey } = portal.env;
    expect(await verify([], withoutKey, noKey)).toBe(2);
    expect(noKey.text()).toContain(onPg ? 'SUNSHINE_MASTER_KEY' : 'master.key');
    expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
    await portal.close();

    // A database that is not there: the SQLite file missing, or a PostgreSQL database never created.
    const nowhere = capture();
    const missing = onPg ? { ...portal.env, DATABASE_URL: `${new URL('sunshine_test_missing', portal.env.DATABASE_URL!.replace(/[^/]*$/, ''))}` } : envFor(path.join(dir, 'missing'));
    expect(await verify([], missing, nowhere)).toBe(onPg ? 1 : 2);
    expect(nowhere.text()).toContain(onPg ? 'does not exist' : 'No database');
    expect(await verify(['--extra'], portal.env, capture())).toBe(2);
  });
});
