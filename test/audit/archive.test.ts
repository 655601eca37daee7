// Monthly archives (issue 15): a round trip that verifies, refusal of entries younger than the
// online period, and detection of a removed newest archive or truncated live entries.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gt, sql } from 'drizzle-orm';
import { archiveDir, archiveDue, archiveWithCheckpoints, ArchiveRefused, record, verifyAuditTrail, verifyChain } from '../../src/audit/index.js';
import { commitArchive, firstLiveEntry, lastArchive, listArchives } from '../../src/audit/repository.js';
import { GENESIS_MAC } from '../../src/audit/chain.js';
import { auditArchives, auditLog } from '../../src/audit/tables.js';
import { withTransaction } from '../../src/db/transaction.js';
import { makeApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const key = () => t.app.keys['audit-mac'];
const log = async (when: number, n = 1) => {
  for (let i = 0; i < n; i++) await record(t.app.db, key(), { actor: { type: 'staff', id: 1 }, action: 'test.old', object: { type: 'report', id: i } }, when);
};
const opts = (onlineDays = 180) => ({ db: t.app.db, key: key(), dataDir: t.dataDir, onlineDays });
const verify = () => verifyAuditTrail(t.app.db, key(), archiveDir(t.dataDir));
const liveCount = async () => (await t.app.db.get<{ n: number }>(sql`select count(*) as n from audit_log`))!.n;

beforeEach(async () => {
  t = await makeApp();
  // Start from an empty log, so the dated fixtures below are the oldest entries.
  await t.app.db.run(sql`delete from audit_log`);
  await log(at('2024-01-10T12:00:00+08:00'), 4);
  await log(at('2024-01-31T23:30:00+08:00')); // still January in China (15:30 UTC)
  await log(at('2024-01-31T20:00:00Z'), 2); // 1 February 04:00 in China
  await log(at('2024-02-20T12:00:00+08:00'));
  await log(at('2024-03-05T12:00:00+08:00'), 3);
  await log(Date.now() - DAY, 2);
});
afterEach(() => t.close());

describe('audit archives', () => {
  it('moves whole China-time months older than the online period into files whose chain continues the live one', async () => {
    const now = at('2024-09-10T00:00:00+08:00'); // 180 days back is mid-March: January and February are due
    const done = await archiveWithCheckpoints(t.app.deps, t.app.log, now);
    expect(done.map((c) => [c.month, c.count])).toEqual([['2024-01', 5], ['2024-02', 3]]);
    expect(t.logs()).toContain('"month":"2024-02"');
    expect(t.logs()).toContain(`"lastMac":"${done[1]!.lastMac}"`);

    const rows = await listArchives(t.app.db);
    expect(rows.map((r) => [r.month, r.firstId, r.lastId, r.entryCount])).toEqual([['2024-01', 1, 5, 5], ['2024-02', 6, 8, 3]]);
    expect(rows[0]!.startMac).toBe(GENESIS_MAC);
    expect(rows[1]!.startMac).toBe(rows[0]!.lastMac);
    const file = path.join(archiveDir(t.dataDir), rows[1]!.fileName);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual([6, 7, 8]);
    expect(await liveCount()).toBe(5);
    expect((await firstLiveEntry(t.app.db))!.prevMac).toBe(rows[1]!.lastMac);

    expect(await verify()).toMatchObject({ checked: 5, archives: 2, archived: 8, broken: null, archiveProblem: null });
    // Running again archives nothing more until March is old enough.
    expect(await archiveDue(opts(), now)).toEqual([]);
    expect((await archiveDue(opts(), at('2024-10-01T00:00:00+08:00'))).map((c) => c.month)).toEqual(['2024-03']);
    expect(await verify()).toMatchObject({ checked: 2, archives: 3, archived: 11, broken: null, archiveProblem: null });
  });

  it('continues the chain from the last archive when every live entry was archived', async () => {
    await t.app.db.delete(auditLog).where(gt(auditLog.at, at('2025-01-01T00:00:00Z'))).run();
    await archiveDue(opts(), at('2025-06-30T00:00:00Z'));
    expect(await liveCount()).toBe(0);
    const next = await record(t.app.db, key(), { actor: { type: 'system' }, action: 'test.after', object: { type: 'x', id: 1 } });
    expect(next.id).toBe(12);
    expect(next.prevMac).toBe((await lastArchive(t.app.db))!.lastMac);
    expect(await verify()).toMatchObject({ checked: 1, archives: 3, broken: null, archiveProblem: null });
  });

  it('refuses entries younger than the online period, an online period under 180 days, and a broken chain', async () => {
    // At 2024-07-15, 180 days back is mid-January: no whole month is old enough.
    expect(await archiveDue(opts(), at('2024-07-15T00:00:00+08:00'))).toEqual([]);
    await expect(archiveDue(opts(90), at('2030-01-01T00:00:00Z'))).rejects.toThrow(ArchiveRefused);
    expect(await liveCount()).toBe(13);
    // The repository itself refuses to delete a young entry, whatever row it is given.
    const young = (await t.app.db.get<{ id: number }>(sql`select max(id) as id from audit_log`))!.id;
    const row = { month: '2099-01', firstId: 1, lastId: young, entryCount: 13, startMac: GENESIS_MAC, lastMac: 'x', fileName: 'f', fileSha256: 'x', createdAt: 0, mac: 'x' };
    await expect(withTransaction(t.app.db, (tx) => commitArchive(tx, row, Date.now() - 180 * DAY))).rejects.toThrow(/younger than the online period/);
    expect(await liveCount()).toBe(13);
    expect(await listArchives(t.app.db)).toEqual([]);
    // A tampered old entry is never moved out of sight into an archive.
    await t.app.db.run(sql`update audit_log set result = 'denied' where id = 3`);
    await expect(archiveDue(opts(), at('2024-09-10T00:00:00+08:00'))).rejects.toThrow(/broken at entry 3/);
    expect(await listArchives(t.app.db)).toEqual([]);
    expect(fs.existsSync(archiveDir(t.dataDir)) ? fs.readdirSync(archiveDir(t.dataDir)) : []).toEqual([]);
  });

  it('finds a deleted newest archive (row and file), a deleted file, a changed file and a truncated live start', async () => {
    await archiveDue(opts(), at('2024-10-01T00:00:00+08:00'));
    const [jan, feb, mar] = await listArchives(t.app.db);
    const dir = archiveDir(t.dataDir);

    // The newest archive, row and file, gone: the live chain no longer continues the last archive.
    await t.app.db.run(sql`delete from audit_archives where id = ${mar!.id}`);
    fs.renameSync(path.join(dir, mar!.fileName), path.join(dir, 'aside'));
    expect(await verify()).toMatchObject({ broken: { id: mar!.lastId + 1, reason: 'start' }, archiveProblem: null });
    expect((await verifyChain(t.app.db, key())).broken?.reason).toBe('start');
    await t.app.db.insert(auditArchives).values(mar!).run();
    // Row back, file still missing.
    expect((await verify()).archiveProblem).toEqual({ month: '2024-03', reason: 'file' });
    fs.renameSync(path.join(dir, 'aside'), path.join(dir, mar!.fileName));
    expect(await verify()).toMatchObject({ broken: null, archiveProblem: null });

    // A changed file, and a middle archive removed.
    const febFile = path.join(dir, feb!.fileName);
    const original = fs.readFileSync(febFile);
    fs.writeFileSync(febFile, original.toString().replace('test.old', 'test.new'));
    expect((await verify()).archiveProblem).toEqual({ month: '2024-02', reason: 'sha256' });
    fs.writeFileSync(febFile, original);
    await t.app.db.run(sql`delete from audit_archives where id = ${feb!.id}`);
    expect((await verify()).archiveProblem).toEqual({ month: '2024-03', reason: 'link' });
    expect(jan!.month).toBe('2024-01');
  });

  it('finds truncated live entries, with archives and without', async () => {
    const first = (await firstLiveEntry(t.app.db))!;
    await t.app.db.run(sql`delete from audit_log where id = ${first.id}`);
    expect((await verify()).broken).toEqual({ id: first.id + 1, reason: 'start' });
    await t.app.db.run(sql`delete from audit_log`);
    for (let i = 0; i < 3; i++) await log(at('2024-01-10T12:00:00+08:00'));
    await archiveDue(opts(), at('2024-09-10T00:00:00+08:00'));
    await log(Date.now(), 2);
    const live = (await firstLiveEntry(t.app.db))!;
    await t.app.db.run(sql`delete from audit_log where id = ${live.id}`);
    expect(await verify()).toMatchObject({ broken: { id: live.id + 1, reason: 'start' }, archives: 1, archiveProblem: null });
  });
});
