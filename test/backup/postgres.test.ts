// Backup and restore of a PostgreSQL portal (issue 21), the refusals and failures the round trip
// does not meet: a pg_dump older than the server, a target database that is not empty, a backup of
// the other engine, a changed dump and a wrong key (the target database is left empty again).
// Runs in the suite on PostgreSQL (npm run test:pg); the round trip itself is round-trip.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as backup } from '../../src/cli/backup.js';
import { main as restore } from '../../src/cli/restore.js';
import { record } from '../../src/audit/index.js';
import { readManifest } from '../../src/backup/index.js';
import { loadMasterKey } from '../../src/plugins/keys.js';
import { makeApp, tempDir, type TestApp } from '../helpers/app.js';
import { runCli } from '../cli/helpers.js';
import { createEmptyTestDatabase, createTestDatabase, dropTestDatabase, suiteDatabaseUrl } from '../helpers/pg-databases.js';

let t: TestApp;
let work: string;
const databases: string[] = [];
const env = () => ({ DATA_DIR: t.dataDir, SUNSHINE_LOG_LEVEL: 'silent', DATABASE_URL: t.config.databaseUrl!, SUNSHINE_MASTER_KEY: loadMasterKey(t.config).toString('base64') });

async function emptyDatabase(): Promise<string> {
  const url = await createEmptyTestDatabase();
  databases.push(url);
  return url;
}

/** Runs `work` with a PATH whose first pg_dump reports `version`. */
async function withPgDumpVersion<T>(version: string, work: () => Promise<T>): Promise<T> {
  const bin = tempDir('sunshine-fake-pg-');
  fs.writeFileSync(path.join(bin, 'pg_dump'), `#!/bin/sh\necho "pg_dump (PostgreSQL) ${version}"\n`, { mode: 0o755 });
  const saved = process.env.PATH;
  process.env.PATH = `${bin}:${saved}`;
  try {
    return await work();
  } finally {
    process.env.PATH = saved;
    fs.rmSync(bin, { recursive: true, force: true });
  }
}

describe.skipIf(!suiteDatabaseUrl)('backup and restore on PostgreSQL', () => {
  let dir: string;
  let keyFile: string;
  beforeAll(async () => {
    t = await makeApp();
    work = tempDir('sunshine-backup-pg-');
    for (let i = 0; i < 3; i++) await record(t.app.db, t.app.keys['audit-mac'], { actor: { type: 'system' }, action: 'test.pg', object: { type: 'test', id: i } });
    dir = path.join(work, 'backup');
    keyFile = path.join(work, 'key.b64');
    const made = await runCli(backup, ['--to', dir, '--export-key', keyFile], env());
    expect(made.code, made.text).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
    for (const url of databases) await dropTestDatabase(url);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('writes pg_dump\'s custom format with its SHA-256 in the manifest', () => {
    const manifest = readManifest(dir);
    expect(manifest).toMatchObject({ engine: 'postgres', database: { path: 'sunshine.pgdump' } });
    expect(manifest.database.migrations).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(dir, 'sunshine.pgdump')).subarray(0, 5).toString()).toBe('PGDMP');
    expect(fs.existsSync(path.join(dir, 'sunshine.db'))).toBe(false);
  });

  it('refuses in one line, before writing anything, when pg_dump is older than the server', async () => {
    const to = path.join(work, 'old-pg-dump');
    const result = await withPgDumpVersion('14.11', () => runCli(backup, ['--to', to], env()));
    expect(result.code, result.text).toBe(2);
    expect(result.text).toMatch(/^backup refused: pg_dump 14 is older than the PostgreSQL \d+ server: put the client tools of version \d+ or later first on PATH/);
    expect(result.text.split('\n')).toHaveLength(1);
    expect(fs.existsSync(to)).toBe(false);
  });

  it('refuses a target database that is not empty, and a PostgreSQL backup without DATABASE_URL', async () => {
    const full = await createTestDatabase();
    databases.push(full);
    const into = path.join(work, 'into-full');
    const refused = await runCli(restore, ['--from', dir, '--key', keyFile, '--data-dir', into], { DATABASE_URL: full });
    expect(refused.code).toBe(2);
    expect(refused.text).toContain('is not empty');
    expect(fs.existsSync(into)).toBe(false);
    const noUrl = await runCli(restore, ['--from', dir, '--key', keyFile, '--data-dir', into], {});
    expect(noUrl.code).toBe(2);
    expect(noUrl.text).toContain('set DATABASE_URL to a new, empty PostgreSQL database');
  });

  it('refuses a changed dump and leaves the database empty; a wrong key leaves it empty again', async () => {
    const changed = path.join(work, 'changed');
    fs.cpSync(dir, changed, { recursive: true });
    const dump = path.join(changed, 'sunshine.pgdump');
    const bytes = fs.readFileSync(dump);
    bytes[bytes.length - 10]! ^= 0xff;
    fs.writeFileSync(dump, bytes);
    const target = await emptyDatabase();
    const damaged = await runCli(restore, ['--from', changed, '--key', keyFile, '--data-dir', path.join(work, 'r1')], { DATABASE_URL: target });
    expect(damaged.code).toBe(1);
    expect(damaged.text).toContain('sunshine.pgdump does not match the manifest');

    // A manifest without a fingerprint and another key: restored, then the proof fails and the database is emptied.
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const noPrint = path.join(work, 'no-fingerprint');
    fs.cpSync(dir, noPrint, { recursive: true });
    fs.writeFileSync(path.join(noPrint, 'manifest.json'), JSON.stringify({ ...manifest, keyFingerprint: null }));
    const wrongKey = path.join(work, 'wrong.key');
    fs.writeFileSync(wrongKey, Buffer.alloc(32, 1).toString('base64'));
    const wrong = await runCli(restore, ['--from', noPrint, '--key', wrongKey, '--data-dir', path.join(work, 'r2')], { DATABASE_URL: target });
    expect(wrong.code).toBe(1);
    expect(wrong.text).toMatch(/does not verify with this key|does not open evidence/);
    // Empty again: a correct restore into the same database now succeeds.
    const right = await runCli(restore, ['--from', dir, '--key', keyFile, '--data-dir', path.join(work, 'r3')], { DATABASE_URL: target });
    expect(right.code, right.text).toBe(0);
    expect(right.text).toMatch(/audit chain ok \(\d+ entries\)/);
  });
});
