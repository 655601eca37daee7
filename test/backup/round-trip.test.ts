// Issue 9: `npm run backup` while the server takes submissions, then `npm run restore` into a new
// data directory, then a server on it: codes shown before the backup work on /track and the
// evidence decrypts with the restored files and key. The key is never in the backup. On PostgreSQL
// (npm run test:pg, issue 21) the same with pg_dump and pg_restore into a new, empty database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as backup } from '../../src/cli/backup.js';
import { main as restore } from '../../src/cli/restore.js';
import { readManifest } from '../../src/backup/index.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { capture } from '../cli/helpers.js';
import { bigJpeg, submitReport, trackCode } from '../faults/client.js';
import { decryptedSha256, evidenceRows, inspectStore } from '../faults/store-checks.js';
import { createEmptyTestDatabase, databaseForDataDir, dropTestDatabase, masterKeyForDataDir, suiteDatabaseUrl } from '../helpers/pg-databases.js';
import { closeDatabase, openConfiguredDatabase } from '../../src/db/connection.js';

/** Generous: a loaded CI machine can take long to start the server. */
const READY_MS = 90_000;
const SERVER_ENV = { SUNSHINE_DEMO_DATA: 'off', SUNSHINE_SCHEDULER_SECONDS: '0', SUNSHINE_MIN_FREE_DISK_MB: '0' };

let work: string;
let server: RunningServer;
let restored: RunningServer | undefined;
let restoredDatabase: string | null = null;
beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-backup-'));
  server = await startServer({ templateDb: true, readyTimeoutMs: READY_MS, env: SERVER_ENV });
}, READY_MS + 10_000);
afterAll(async () => {
  await server?.stop();
  await restored?.stop();
  if (restoredDatabase) await dropTestDatabase(restoredDatabase);
  fs.rmSync(work, { recursive: true, force: true });
});

const manifestCount = (dir: string) => readManifest(dir).counts.reports;

/** The evidence rows of a restored portal: its SQLite file, or its PostgreSQL database. */
async function restoredEvidence(target: string): Promise<{ storedName: string; sha256: string }[]> {
  if (!restoredDatabase) return evidenceRows(target);
  const db = await openConfiguredDatabase({ databaseUrl: restoredDatabase, dataDir: target });
  try {
    return await db.all<{ storedName: string; sha256: string }>(sql`select stored_name as "storedName", sha256 from evidence_files order by id`);
  } finally {
    await closeDatabase(db);
  }
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('backup and restore, round trip', () => {
  it('backs up while submissions run, restores into a new data dir, and the restored server knows the codes', async () => {
    // Reports filed before the backup: their codes must work after the restore.
    const before: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await submitReport(server.url, { fields: { description: `备份之前的第${i + 1}件举报：村干部优亲厚友，把亲戚评成低保户。` }, files: [{ filename: `照片${i}.jpg`, content: bigJpeg(200 * 1024 + i) }] });
      expect(s.status).toBe(200);
      before.push(s.code!);
    }

    // A loop of text and file submissions, running through the backup.
    let running = true;
    const during: { code: string | null; finishedAt: number }[] = [];
    const loop = (async () => {
      for (let i = 0; running; i++) {
        const s = await submitReport(server.url, {
          fields: { description: `备份期间的第${i + 1}件举报：村主任虚报冒领救助金，请核查。` },
          files: i % 2 === 0 ? [{ filename: `期间${i}.jpg`, content: bigJpeg(300 * 1024 + i) }] : [],
        });
        expect(s.status).toBe(200);
        during.push({ code: s.code, finishedAt: Date.now() });
      }
    })();
    while (during.length < 2) await new Promise((r) => setTimeout(r, 20));

    const dir = path.join(work, 'backup');
    const keyFile = path.join(work, 'offsite', 'sunshine.key');
    fs.mkdirSync(path.dirname(keyFile));
    const out = capture();
    const backupStarted = Date.now();
    const onPg = suiteDatabaseUrl ? { DATABASE_URL: await databaseForDataDir(server.dataDir), SUNSHINE_MASTER_KEY: masterKeyForDataDir(server.dataDir) } : {};
    const code = await backup(['--to', dir, '--export-key', keyFile], { DATA_DIR: server.dataDir, SUNSHINE_LOG_LEVEL: 'silent', ...onPg }, out);
    expect(code, out.text()).toBe(0);
    // Let the loop go on a little after the backup, then stop it.
    const after = during.length;
    while (during.length < after + 2) await new Promise((r) => setTimeout(r, 20));
    running = false;
    await loop;
    console.info(`[backup] ${during.length} submissions ran alongside the backup (${after} had finished when it ended); ${manifestCount(dir)} reports in it`);
    const shownBeforeBackup = [...before, ...during.filter((d) => d.finishedAt < backupStarted).map((d) => d.code!)];

    // The warning, the exported key (0600, the data dir's key) and no key anywhere in the backup.
    expect(out.stderr.join('\n')).toMatch(/WARNING: the master key was written to .*sunshine\.key/);
    expect(out.stderr.join('\n')).toContain('Keep it apart from the backup');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    // On PostgreSQL the key is configuration (SUNSHINE_MASTER_KEY), not a file in DATA_DIR.
    const keyText = suiteDatabaseUrl ? masterKeyForDataDir(server.dataDir) : fs.readFileSync(path.join(server.dataDir, 'master.key'), 'utf8').trim();
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(keyText);
    const keyBytes = Buffer.from(keyText, 'base64');
    for (const file of filesUnder(dir)) {
      const bytes = fs.readFileSync(file);
      expect(path.basename(file)).not.toBe('master.key');
      expect(bytes.includes(Buffer.from(keyText)), file).toBe(false);
      expect(bytes.includes(keyBytes), file).toBe(false);
    }

    // The manifest: counts, and exactly the files the backed-up database references, hashed.
    const manifest = readManifest(dir);
    expect(manifest.appVersion).toBe('0.1.0');
    expect(manifest.counts.reports).toBeGreaterThanOrEqual(shownBeforeBackup.length);
    expect(fs.readdirSync(path.join(dir, 'files')).sort()).toEqual(manifest.files.map((f) => f.path.slice('files/'.length)).sort());
    for (const f of manifest.files) expect(crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f.path))).digest('hex')).toBe(f.sha256);
    expect(manifest.files.length).toBe(manifest.counts.evidence_files);
    expect(manifest.files.length).toBeGreaterThanOrEqual(before.length);

    // Restore into a new data directory, then a server there.
    const target = path.join(work, 'restored');
    const res = capture();
    if (suiteDatabaseUrl) {
      restoredDatabase = await createEmptyTestDatabase();
      expect(manifest.engine).toBe('postgres');
      expect(manifest.database.path).toBe('sunshine.pgdump');
    }
    const restoreEnv = restoredDatabase ? { DATABASE_URL: restoredDatabase } : {};
    expect(await restore(['--from', dir, '--key', keyFile, '--data-dir', target], restoreEnv, res), res.text()).toBe(0);
    expect(res.stdout.join('\n')).toMatch(/the key opens the data: evidence file [0-9a-f]{32} decrypts to its SHA-256; audit chain ok \(\d+ entries\)/);
    expect(fs.statSync(path.join(target, 'master.key')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(target, 'master.key'), 'utf8').trim()).toBe(keyText);

    // Every evidence file of the restored data decrypts, with the restored files and key, to its stored SHA-256.
    const rows = await restoredEvidence(target);
    expect(rows.length).toBe(manifest.files.length);
    for (const row of rows) expect(await decryptedSha256(target, row.storedName)).toBe(row.sha256);

    const restoredEnv = restoredDatabase ? { ...SERVER_ENV, DATABASE_URL: restoredDatabase, SUNSHINE_MASTER_KEY: keyText } : SERVER_ENV;
    restored = await startServer({ dataDir: target, readyTimeoutMs: READY_MS, env: restoredEnv });
    for (const shown of shownBeforeBackup) expect(await trackCode(restored.url, shown), `query code ${shown}`).toEqual({ status: 303, location: '/track/report' });
    // Its start swept nothing: the backup held exactly the referenced files, and no temporary ones.
    expect(`${restored.stdout()}${restored.stderr()}`).not.toContain('removed leftover upload files');
    await restored.stop({ keepDataDir: true });
    if (!restoredDatabase) expect(inspectStore(target)).toMatchObject({ integrity: 'ok', withoutReceivedEvent: [], missingFiles: [], orphanFiles: [], tmpEntries: [] });
    else expect(fs.readdirSync(path.join(target, 'files')).sort()).toEqual(rows.map((r) => r.storedName).sort());
  }, 2 * READY_MS);
});
