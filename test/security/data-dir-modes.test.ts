// Issue 16 defect 10: while the server ran, DATA_DIR's files were 0644 and its folders 0755 — the
// database holds report texts and session ids. A started server with a filing and its evidence
// leaves nothing in DATA_DIR that another account could read, even from a template copied in 0644.
// On PostgreSQL (issue 21) the database is the server's, but DATA_DIR still holds the sealed
// evidence, the mail outbox and the upload journal, under the same rule; the master key then comes
// from configuration only, and a start without it is refused before anything is written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VARS, freePort, PROJECT_ROOT, startServer, type RunningServer } from '../helpers/server.js';
import { databaseForDataDir, dropDatabaseOfDataDir, suiteDatabaseUrl } from '../helpers/pg-databases.js';
import { bigJpeg, submitReport } from '../faults/client.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ templateDb: true, readyTimeoutMs: 90_000, env: { SUNSHINE_DEMO_DATA: 'off', SUNSHINE_SCHEDULER_SECONDS: '0', SUNSHINE_MIN_FREE_DISK_MB: '0' } });
}, 100_000);
afterAll(async () => {
  await server?.stop();
});

function walk(dir: string): string[] {
  return [dir, ...fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))];
}

describe('DATA_DIR permissions', () => {
  it('keeps every file and folder to its owner', async () => {
    const filed = await submitReport(server.url, { fields: { description: '村干部把亲戚评成低保户，我有照片为证，请核查处理。' }, files: [{ filename: '照片.jpg', content: bigJpeg(80_000) }] });
    expect(filed.status).toBe(200);
    const open = walk(server.dataDir).filter((p) => (fs.statSync(p).mode & 0o077) !== 0).map((p) => `${path.relative(server.dataDir, p) || '.'} ${(fs.statSync(p).mode & 0o777).toString(8)}`);
    expect(open).toEqual([]);
    const entries = walk(server.dataDir).map((p) => path.relative(server.dataDir, p));
    // What the rule above was checked on: the sealed evidence and the mail written for the filing.
    expect(entries.filter((e) => e.startsWith(`files${path.sep}`))).toHaveLength(1);
    expect(entries.some((e) => e.startsWith(`outbox${path.sep}`) && e.endsWith('.eml'))).toBe(true);
    if (suiteDatabaseUrl) {
      // PostgreSQL: no database file, and no key file (the key is configuration every node shares).
      expect(entries.filter((e) => e.startsWith('sunshine.db') || e === 'master.key')).toEqual([]);
    } else {
      // SQLite: the database file and the key made on first start are among them.
      expect(entries).toContain('sunshine.db');
      expect(entries).toContain('master.key');
    }
  }, 60_000);

  it.runIf(suiteDatabaseUrl)('on PostgreSQL refuses to start without SUNSHINE_MASTER_KEY, in one line, writing nothing to DATA_DIR', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-nokey-'));
    try {
      const env: NodeJS.ProcessEnv = {};
      for (const [key, value] of Object.entries(process.env)) if (!CONFIG_VARS.test(key)) env[key] = value;
      Object.assign(env, { DATABASE_URL: await databaseForDataDir(dataDir), DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(await freePort()), SUNSHINE_DEMO_DATA: 'off' });
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toEqual(['Invalid configuration: SUNSHINE_MASTER_KEY is required with DATABASE_URL (the same key on every node: openssl rand -base64 32)']);
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
      await dropDatabaseOfDataDir(dataDir);
    }
  }, 60_000);
});
