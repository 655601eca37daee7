import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { main as verify } from '../../src/cli/audit-verify.js';
import { latestEntry, record } from '../../src/audit/index.js';
import { deriveKeys, loadMasterKey } from '../../src/plugins/keys.js';
import { closeDatabase, databaseFile, openDatabase } from '../../src/db/connection.js';
import { capture, dataDir, envFor } from './helpers.js';

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
    fs.writeFileSync(path.join(dir, 'master.key'), Buffer.alloc(32, 5).toString('base64'), { mode: 0o600 });
    const key = deriveKeys(loadMasterKey({ dataDir: dir, masterKey: null } as never))['audit-mac'];
    const db = openDatabase(databaseFile(dir));
    await db.run(sql`delete from audit_log`);
    for (const id of [1, 2, 3]) await record(db, key, { actor: { type: 'system' }, action: 'user.create', object: { type: 'user', id } });

    const ok = capture();
    expect(await verify([], envFor(dir), ok)).toBe(0);
    const head = (await latestEntry(db))!;
    expect(ok.stdout).toEqual(['audit chain ok: 3 entries', `chain head: entry 3 mac ${head.mac}`]);

    await db.run(sql`update audit_log set detail = '{"unit":1,"roles":["lead"]}' where id = 2`);
    const broken = capture();
    expect(await verify([], envFor(dir), broken)).toBe(1);
    expect(broken.stdout[0]).toMatch(/^audit chain BROKEN at entry 2 \(mac/);
    expect(broken.stdout[1]).toBe(`chain head: entry 3 mac ${head.mac}`);

    // A deleted entry breaks the link of the one after it.
    await db.run(sql`delete from audit_log where id = 2`);
    const gap = capture();
    expect(await verify([], envFor(dir), gap)).toBe(1);
    expect(gap.stdout[0]).toMatch(/^audit chain BROKEN at entry 3 \(link/);
    await closeDatabase(db);
  });

  it('finds the newest entries deleted when given the head from the application log (--expect-head)', async () => {
    const dir = newDir();
    fs.writeFileSync(path.join(dir, 'master.key'), Buffer.alloc(32, 6).toString('base64'), { mode: 0o600 });
    const key = deriveKeys(loadMasterKey({ dataDir: dir, masterKey: null } as never))['audit-mac'];
    const db = openDatabase(databaseFile(dir));
    await db.run(sql`delete from audit_log`);
    for (const id of [1, 2, 3, 4]) await record(db, key, { actor: { type: 'system' }, action: 'user.create', object: { type: 'user', id } });
    const logged = (await latestEntry(db))!;
    const expectHead = ['--expect-head', `${logged.id}:${logged.mac}`];
    const ok = capture();
    expect(await verify(expectHead, envFor(dir), ok)).toBe(0);
    expect(ok.stdout).toContain('expected head 4 found');
    // The chain alone still verifies after its newest two entries are deleted; the logged head does not.
    await db.run(sql`delete from audit_log where id >= 3`);
    expect(await verify([], envFor(dir), capture())).toBe(0);
    const cut = capture();
    expect(await verify(expectHead, envFor(dir), cut)).toBe(1);
    expect(cut.stdout.join('\n')).toContain('expected head 4 MISSING');
    // A rewritten entry with a new MAC (as someone holding the key could make) is told apart too.
    expect(await verify(['--expect-head', `2:${'0'.repeat(64)}`], envFor(dir), capture())).toBe(1);
    expect(await verify(['--expect-head', 'x:y'], envFor(dir), capture())).toBe(2);
    await closeDatabase(db);
  });

  it('says so for an empty log, and refuses without a database or a key', async () => {
    const dir = newDir();
    fs.writeFileSync(path.join(dir, 'master.key'), Buffer.alloc(32, 7).toString('base64'), { mode: 0o600 });
    const empty = capture();
    expect(await verify([], envFor(dir), empty)).toBe(0);
    expect(empty.stdout).toEqual(['audit chain ok: 0 entries', 'chain head: none (the log is empty)']);

    fs.rmSync(path.join(dir, 'master.key'));
    const noKey = capture();
    expect(await verify([], envFor(dir), noKey)).toBe(2);
    expect(noKey.text()).toContain('master.key');
    expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);

    const nowhere = capture();
    expect(await verify([], envFor(path.join(dir, 'missing')), nowhere)).toBe(2);
    expect(nowhere.text()).toContain('No database');
    expect(await verify(['--extra'], envFor(dir), capture())).toBe(2);
  });
});
