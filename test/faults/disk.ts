// Helpers for full-disk faults: a small tmpfs for a data directory (root only), filling it to a
// chosen free space, and a server started on a disk that is already below its free-space minimum
// (test/helpers/server.ts waits for a healthy /healthz, which such a server never gives).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARS, freePort, PROJECT_ROOT } from '../helpers/server.js';
import { databaseForDataDir, masterKeyForDataDir, suiteDatabaseUrl } from '../helpers/pg-databases.js';

export const MB = 1024 * 1024;

/** Mounts a tmpfs of `size` (e.g. '32m') on `dir`; the reason when that is not permitted. */
export function mountTmpfs(dir: string, size: string): { mounted: true } | { mounted: false; reason: string } {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return { mounted: true };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { mounted: false, reason: stderr || (err as Error).message };
  }
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

export function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Grows `filler` (a file on the same file system) until about `leave` bytes are free. */
export function fillUntil(filler: string, dir: string, leave: number): void {
  const fd = fs.openSync(filler, 'a');
  try {
    const chunk = Buffer.alloc(256 * 1024, 0xee);
    for (let free = freeBytes(dir); free > leave; free = freeBytes(dir)) {
      fs.writeSync(fd, chunk, 0, Math.min(chunk.length, free - leave));
    }
  } finally {
    fs.closeSync(fd);
  }
}

const RETENTION = { SUNSHINE_RETAIN_IDENTITY_DAYS: '1825', SUNSHINE_RETAIN_EVIDENCE_DAYS: '1825', SUNSHINE_RETAIN_DECLARATION_YEARS: '5' };

export interface PlainServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * The real server as a child process, ready once /healthz answers at all (200 or 503). On
 * PostgreSQL on the data directory's database, with its key, as startServer does.
 */
export async function startUnhealthyServer(dataDir: string, env: Record<string, string>, timeoutMs = 60_000): Promise<PlainServer> {
  const port = await freePort();
  const baseEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!CONFIG_VARS.test(k)) baseEnv[k] = v;
  if (suiteDatabaseUrl) Object.assign(baseEnv, { DATABASE_URL: await databaseForDataDir(dataDir), SUNSHINE_MASTER_KEY: masterKeyForDataDir(dataDir) });
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: PROJECT_ROOT,
    // A production start needs the retention schedule (issue 15), as startServer gives it.
    env: { ...baseEnv, ...RETENTION, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, SUNSHINE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited: ${stderr}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the server did not answer within ${timeoutMs} ms: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

export const dataPath = (dataDir: string, ...parts: string[]) => path.join(dataDir, ...parts);
