// Backups carry the audit log's monthly archives (issue 15): a restored portal's whole trail —
// archives and the live chain that continues them — verifies; a changed archive is not backed up.
// On PostgreSQL (npm run test:pg) the same through pg_dump and pg_restore into a new database.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as backup } from '../../src/cli/backup.js';
import { main as restore } from '../../src/cli/restore.js';
import { main as verify } from '../../src/cli/audit-verify.js';
import { archiveDue, listArchives, record } from '../../src/audit/index.js';
import { readManifest } from '../../src/backup/index.js';
import { makeApp, tempDir, type TestApp } from '../helpers/app.js';
import { capture, runCli } from '../cli/helpers.js';
import { createEmptyTestDatabase, dropTestDatabase } from '../helpers/pg-databases.js';
import { loadMasterKey } from '../../src/plugins/keys.js';

let t: TestApp;
let work: string;
let restoredDatabase: string | null = null;
const databases: string[] = [];
/** On PostgreSQL each restore goes into a new, empty database (dropped after the file); on SQLite none. */
async function target(): Promise<Record<string, string>> {
  if (!t.config.databaseUrl) return {};
  const url = await createEmptyTestDatabase();
  databases.push(url);
  return { DATABASE_URL: url };
}
/** On PostgreSQL the portal's database and key are configuration. */
const onPg = (databaseUrl: string | null): Record<string, string> => (databaseUrl ? { DATABASE_URL: databaseUrl, SUNSHINE_MASTER_KEY: loadMasterKey(t.config).toString('base64') } : {});
const env = () => ({ DATA_DIR: t.dataDir, SUNSHINE_LOG_LEVEL: 'silent', ...onPg(t.config.databaseUrl) });
const DAY = 86_400_000;

beforeAll(async () => {
  t = await makeApp();
  work = tempDir('sunshine-backup-archive-');
  const key = t.app.keys['audit-mac'];
  // Two old months of entries, then today's.
  const now = Date.now();
  for (const daysAgo of [400, 399, 370, 369]) await record(t.app.db, key, { actor: { type: 'system' }, action: 'test.old', object: { type: 'test', id: daysAgo } }, now - daysAgo * DAY);
  await record(t.app.db, key, { actor: { type: 'system' }, action: 'test.new', object: { type: 'test', id: 0 } }, now);
  const written = await archiveDue({ db: t.app.db, key, dataDir: t.dataDir, onlineDays: 180 }, now);
  expect(written.length).toBeGreaterThanOrEqual(2);
});
afterAll(async () => {
  await t.close();
  if (restoredDatabase) await dropTestDatabase(restoredDatabase);
  for (const url of databases) await dropTestDatabase(url);
  fs.rmSync(work, { recursive: true, force: true });
});

const run = (cli: typeof backup, argv: string[], environment: Record<string, string | undefined> = env()) => runCli(cli, argv, environment);

describe('backup and restore with audit archives', () => {
  it('copies every archive, restores it and the restored trail verifies', async () => {
    const dir = path.join(work, 'backup');
    const keyFile = path.join(work, 'key.b64');
    const made = await run(backup, ['--to', dir, '--export-key', keyFile]);
    expect(made.code, made.text).toBe(0);
    const archives = await listArchives(t.app.db);
    const listed = readManifest(dir).files.filter((f) => f.path.startsWith('audit-archive/'));
    // Each archive with its SM2 signature (issue 23), the signature hashed in the manifest as the file.
    expect(listed.map((f) => f.path)).toEqual(archives.flatMap((a) => [`audit-archive/${a.fileName}`, `audit-archive/${a.fileName}.sig`]));
    for (const f of listed.filter((x) => x.path.endsWith('.sig'))) {
      expect(f.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(path.join(t.dataDir, f.path))).digest('hex'));
    }
    const into = path.join(work, 'restored');
    if (t.config.databaseUrl) restoredDatabase = await createEmptyTestDatabase();
    const restored = await run(restore, ['--from', dir, '--key', keyFile, '--data-dir', into], restoredDatabase ? { DATABASE_URL: restoredDatabase } : {});
    expect(restored.code, restored.text).toBe(0);
    for (const a of archives) {
      expect(fs.existsSync(path.join(into, 'audit-archive', a.fileName))).toBe(true);
      expect(fs.readFileSync(path.join(into, 'audit-archive', `${a.fileName}.sig`))).toEqual(fs.readFileSync(path.join(t.dataDir, 'audit-archive', `${a.fileName}.sig`)));
    }
    const checked = capture();
    expect(await verify([], { DATA_DIR: into, SUNSHINE_LOG_LEVEL: 'silent', ...onPg(restoredDatabase) }, checked), checked.text()).toBe(0);
    expect(checked.text()).toMatch(/audit archives ok: \d+ files/);
    // Signed on the restored portal as on the original, not "unsigned (older archive)".
    expect(checked.text()).not.toContain('unsigned');
    // A signature changed inside the backup: restore refuses it by the manifest's SHA-256.
    const sig = path.join(dir, 'audit-archive', `${archives[0]!.fileName}.sig`);
    const original = fs.readFileSync(sig);
    fs.writeFileSync(sig, Buffer.concat([original.subarray(0, original.length - 1), Buffer.from([original[original.length - 1]! ^ 1])]));
    try {
      const refused = await run(restore, ['--from', dir, '--key', keyFile, '--data-dir', path.join(work, 'restored-sig')], await target());
      expect(refused.code).toBe(1);
      expect(refused.text).toContain(`audit-archive/${archives[0]!.fileName}.sig does not match the manifest`);
      expect(fs.existsSync(path.join(work, 'restored-sig'))).toBe(false);
    } finally {
      fs.writeFileSync(sig, original);
    }
  });

  it('refuses to restore a backup whose archive signature does not verify with the key (changed before the backup)', async () => {
    const a = (await listArchives(t.app.db))[0]!;
    const sig = path.join(t.dataDir, 'audit-archive', `${a.fileName}.sig`);
    const original = fs.readFileSync(sig);
    // Another valid-looking DER signature: the newest archive's, which signs different bytes.
    const other = (await listArchives(t.app.db)).at(-1)!;
    fs.writeFileSync(sig, fs.readFileSync(path.join(t.dataDir, 'audit-archive', `${other.fileName}.sig`)));
    try {
      const dir = path.join(work, 'backup-bad-sig');
      const keyFile = path.join(work, 'key-bad-sig.b64');
      const made = await run(backup, ['--to', dir, '--export-key', keyFile]);
      expect(made.code, made.text).toBe(0);
      const restored = await run(restore, ['--from', dir, '--key', keyFile, '--data-dir', path.join(work, 'restored-bad-sig')], await target());
      expect(restored.code).toBe(1);
      expect(restored.text).toContain(`The audit archive ${a.month} does not verify with this key (signature)`);
      expect(fs.existsSync(path.join(work, 'restored-bad-sig'))).toBe(false);
    } finally {
      fs.writeFileSync(sig, original);
    }
  });

  it('refuses to back up an archive that was changed, and leaves no partial backup', async () => {
    const a = (await listArchives(t.app.db))[0]!;
    const file = path.join(t.dataDir, 'audit-archive', a.fileName);
    const original = fs.readFileSync(file);
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from('\n')]));
    try {
      const dir = path.join(work, 'backup-changed');
      const result = await run(backup, ['--to', dir]);
      expect(result.code).toBe(1);
      expect(result.text).toContain('was changed');
      expect(fs.existsSync(dir)).toBe(false);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});
