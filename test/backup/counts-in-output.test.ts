// What npm run backup and npm run restore say they copied: the evidence files, counted apart from
// the audit archives and their SM2 signatures that the manifest also lists (a backup of 42 evidence
// files said "46 evidence files" with two archives). On PostgreSQL (npm run test:pg) the restore goes
// into a new, empty database.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as backup } from '../../src/cli/backup.js';
import { main as restore } from '../../src/cli/restore.js';
import { archiveDue, listArchives, record } from '../../src/audit/index.js';
import { readManifest, restoreBackup } from '../../src/backup/index.js';
import { loadMasterKey } from '../../src/plugins/keys.js';
import { makeApp, tempDir, type TestApp } from '../helpers/app.js';
import { multipart, openForm } from '../helpers/forms.js';
import { createEmptyTestDatabase, dropTestDatabase } from '../helpers/pg-databases.js';
import { reportFields } from '../reports/fixtures.js';
import { runCli } from '../cli/helpers.js';
import { bigJpeg } from '../faults/client.js';

const DAY = 86_400_000;
let t: TestApp;
let work: string;
const databases: string[] = [];
const onPg = (): Record<string, string> => (t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl, SUNSHINE_MASTER_KEY: loadMasterKey(t.config).toString('base64') } : {});
const env = () => ({ DATA_DIR: t.dataDir, SUNSHINE_LOG_LEVEL: 'silent', ...onPg() });
async function target(): Promise<string | null> {
  if (!t.config.databaseUrl) return null;
  const url = await createEmptyTestDatabase();
  databases.push(url);
  return url;
}

beforeAll(async () => {
  t = await makeApp();
  work = tempDir('sunshine-backup-counts-');
  // Two old months of audit entries first (an archive is a prefix of the chain), archived later.
  const key = t.app.keys['audit-mac'];
  const now = Date.now();
  for (const daysAgo of [400, 370]) await record(t.app.db, key, { actor: { type: 'system' }, action: 'test.old', object: { type: 'test', id: daysAgo } }, now - daysAgo * DAY);
  // Three evidence files, in two reports.
  for (const files of [1, 2]) {
    const form = await openForm(t.app, '/report');
    const evidence = Array.from({ length: files }, (_, i) => ({ name: 'evidence', filename: `p${files}-${i}.jpg`, content: bigJpeg(20_000 + files * 100 + i) }));
    const body = await multipart({ ...reportFields(), submission_id: form.hidden.submission_id! }, evidence);
    const res = await t.app.inject({ method: 'POST', url: `/report?_csrf=${encodeURIComponent(form.csrf)}`, cookies: form.cookies, headers: body.headers, payload: body.payload });
    expect(res.statusCode).toBe(200);
  }
  // Each archive with its .sig.
  await archiveDue({ db: t.app.db, key, dataDir: t.dataDir, onlineDays: 180 }, now);
});
afterAll(async () => {
  await t.close();
  for (const url of databases) await dropTestDatabase(url);
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup and restore count evidence files apart from audit archives', () => {
  it('say 3 evidence files and 2 audit archives, not 7 evidence files', async () => {
    const archives = (await listArchives(t.app.db)).length;
    expect(archives).toBe(2);
    const dir = path.join(work, 'backup');
    const keyFile = path.join(work, 'key.b64');
    const made = await runCli(backup, ['--to', dir, '--export-key', keyFile], env());
    expect(made.code, made.text).toBe(0);
    const manifest = readManifest(dir);
    // The manifest lists the three files and two archives with their two signatures.
    expect(manifest.files.length).toBe(7);
    expect(made.text).toMatch(/: \d+ reports, 3 evidence files, 2 audit archives \(with their signatures\), manifest\.json/);
    expect(made.text).not.toContain('7 evidence files');

    const lines: string[] = [];
    const into = path.join(work, 'restored');
    const databaseUrl = await target();
    const result = await restoreBackup({ from: dir, dataDir: into, databaseUrl, masterKey: loadMasterKey(t.config), writeKeyFile: false, log: (l) => lines.push(l) });
    expect(result.files).toBe(3);
    expect(result.archives).toBe(2);
    expect(lines).toContain('copied and verified: the database, 3 evidence files and 2 audit archives (with their signatures)');

    // npm run restore's own line counts the same.
    const again = await runCli(restore, ['--from', dir, '--key', keyFile, '--data-dir', path.join(work, 'restored-cli')], { SUNSHINE_LOG_LEVEL: 'silent', ...((await target()) ? { DATABASE_URL: databases.at(-1)! } : {}) });
    expect(again.code, again.text).toBe(0);
    expect(again.text).toMatch(/restored \d+ reports and 3 evidence files from the backup/);
  });
});
