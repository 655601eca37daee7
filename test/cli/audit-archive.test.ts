import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { main as archive } from '../../src/cli/audit-archive.js';
import { main as verify } from '../../src/cli/audit-verify.js';
import { record } from '../../src/audit/index.js';
import { deriveKeys, loadMasterKey } from '../../src/plugins/keys.js';
import { activeProfile } from '../../src/shared/crypto/index.js';
import { capture, dataDir } from './helpers.js';
import { cliPortal } from './portal-database.js';

const dirs: string[] = [];
// The checkpoint's MAC as the running profile writes it: under SUNSHINE_CRYPTO=sm the chain is
// HMAC-SM3 and every MAC carries its algorithm version (`sm3:`); under intl it is bare hex.
const MAC = activeProfile() === 'sm' ? 'sm3:[0-9a-f]{64}' : '[0-9a-f]{64}';
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run audit:archive and audit:verify', () => {
  it('archives old months with a checkpoint line, verifies them, and refuses a chain missing its newest archive', async () => {
    const dir = dataDir();
    dirs.push(dir);
    const portal = await cliPortal(dir, Buffer.alloc(32, 9));
    const { db } = portal;
    const key = deriveKeys(loadMasterKey({ dataDir: dir, masterKey: null } as never))['audit-mac'];
    await db.run(sql`delete from audit_log`);
    for (const when of ['2024-01-05T10:00:00+08:00', '2024-01-20T10:00:00+08:00', '2024-02-03T10:00:00+08:00']) {
      await record(db, key, { actor: { type: 'system' }, action: 'test.cli', object: { type: 'x', id: 1 } }, Date.parse(when));
    }
    await record(db, key, { actor: { type: 'system' }, action: 'test.cli', object: { type: 'x', id: 2 } });

    const out = capture();
    expect(await archive([], portal.env, out, Date.parse('2024-09-01T00:00:00+08:00'))).toBe(0);
    expect(out.stdout[0]).toMatch(new RegExp(`^audit archive checkpoint: month 2024-01 last entry 2 mac ${MAC} count 2$`));
    expect(out.stdout[1]).toMatch(new RegExp(`^audit archive checkpoint: month 2024-02 last entry 3 mac ${MAC} count 1$`));
    expect(out.stdout[2]).toBe('archived 2 month(s)');
    const again = capture();
    expect(await archive([], portal.env, again, Date.parse('2024-09-01T00:00:00+08:00'))).toBe(0);
    expect(again.stdout).toEqual(['nothing to archive (entries stay online 180 days)']);

    const ok = capture();
    expect(await verify([], portal.env, ok)).toBe(0);
    expect(ok.stdout.slice(0, 2)).toEqual(['audit archives ok: 2 files, 3 entries', 'audit chain ok: 1 entries']);

    // The newest archive deleted, row and file: the live chain no longer continues the last archive.
    const newest = (await db.get<{ id: number; file_name: string }>(sql`select id, file_name from audit_archives order by id desc limit 1`))!;
    await db.run(sql`delete from audit_archives where id = ${newest.id}`);
    fs.rmSync(path.join(dir, 'audit-archive', newest.file_name));
    const broken = capture();
    expect(await verify([], portal.env, broken)).toBe(1);
    expect(broken.stdout[1]).toMatch(/^audit chain BROKEN at entry 4 \(start/);

    // An archive file changed on disk.
    const first = (await db.get<{ file_name: string }>(sql`select file_name from audit_archives order by id limit 1`))!;
    fs.appendFileSync(path.join(dir, 'audit-archive', first.file_name), '\n');
    const changed = capture();
    expect(await verify([], portal.env, changed)).toBe(1);
    expect(changed.stdout[0]).toMatch(/^audit archive 2024-01 BROKEN \(sha256/);
    await portal.close();
    expect(await archive(['--what'], portal.env, capture())).toBe(2);
  });
});
