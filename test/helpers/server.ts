// Starts the real server (`node --import tsx src/server.ts`) as a child process on a free loopback
// port with its own temporary DATA_DIR, for browser and fault tests. One node process, no npx/tsx
// wrapper in between, so a SIGKILL really kills the server.
//
//   const server = await startServer({ env: { SUNSHINE_DEMO_DATA: 'off' } });
//   await fetch(`${server.url}/healthz`);
//   server.stdout();                 // what it printed (sign-in details, the "serving" line …)
//   await server.kill();             // SIGKILL, data dir kept
//   await server.restart();          // same data dir, same port when free
//   await server.stop();             // SIGTERM, SIGKILL after a grace period, data dir deleted
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseForDataDir, dropDatabaseOfDataDir, masterKeyForDataDir, suiteDatabaseUrl } from './pg-databases.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerOptions {
  /** Extra environment for the server; `undefined` removes a variable. Applied last. */
  env?: Record<string, string | undefined>;
  /** Use this data directory instead of a fresh temporary one (it is still deleted by stop() unless keepDataDir). */
  dataDir?: string;
  /** Copy the prepared template database (migrations and reference data, see global-setup) into a fresh data dir: faster start. */
  templateDb?: boolean;
  /** How long to wait for /healthz to answer 200; default 30 s. */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL; default 5 s. */
  graceMs?: number;
}

export interface ServerRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Process id of the current run (undefined when not running). */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Output of the current (or last) run. */
  stdout(): string;
  stderr(): string;
  /** Finished earlier runs (before kill()/restart()), oldest first. */
  readonly previousRuns: readonly ServerRun[];
  /** Resolves with the first match of `pattern` in the current run's stdout+stderr. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGKILL (a crash or power cut as the server sees it); the data dir stays. */
  kill(): Promise<ServerRun>;
  /** Starts the server again on the same data dir (kills it first if still running). */
  restart(extraEnv?: Record<string, string | undefined>): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace period; deletes the data dir unless keepDataDir. Idempotent. */
  stop(options?: { keepDataDir?: boolean }): Promise<ServerRun | null>;
}

/** Environment variables the server's config reads: never inherited from the test process. */
export const CONFIG_VARS = /^(PORT|HOST|DATA_DIR|DATABASE_URL|BASE_URL|SMTP_URL|TRUST_PROXY|NODE_ENV|SUNSHINE_.*)$/;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A port the kernel just handed out on 127.0.0.1 (free now; the server binds it moments later). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Child {
  process: ChildProcess;
  run: ServerRun;
  exited: Promise<ServerRun>;
}

function spawnServer(env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const run: ServerRun = { stdout: '', stderr: '', exitCode: null, signal: null };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  const exited = new Promise<ServerRun>((resolve) => {
    child.once('close', (code, signal) => {
      live.delete(child);
      run.exitCode = code;
      run.signal = signal;
      resolve(run);
    });
    child.once('error', (err) => {
      run.stderr += `\n[spawn error] ${err.message}`;
    });
  });
  return { process: child, run, exited };
}

function describeRun(run: ServerRun): string {
  const tail = (s: string) => (s.length > 4000 ? `…${s.slice(-4000)}` : s);
  return `exit code ${run.exitCode}, signal ${run.signal}\n--- stdout ---\n${tail(run.stdout)}\n--- stderr ---\n${tail(run.stderr)}`;
}

/** Polls /healthz until it answers 200; throws with the server's output if it exits or times out. */
async function waitUntilReady(child: Child, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`The server exited before it was ready (${url}): ${describeRun(child.run)}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      const body = await response.text();
      if (response.status === 200) return;
      last = `HTTP ${response.status} ${body}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`The server did not become ready within ${timeoutMs} ms (${url}; last: ${last}): ${describeRun(child.run)}`);
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-server-'));
  fs.mkdirSync(dataDir, { recursive: true });
  // On PostgreSQL every server's database is copied from the template database already (below).
  if (options.templateDb && !suiteDatabaseUrl) {
    const template = process.env.SUNSHINE_TEMPLATE_DB;
    const target = path.join(dataDir, 'sunshine.db');
    if (!template) throw new Error('templateDb: SUNSHINE_TEMPLATE_DB is not set (test/helpers/global-setup.ts sets it)');
    if (!fs.existsSync(target)) fs.copyFileSync(template, target);
  }
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const graceMs = options.graceMs ?? 5_000;

  const baseEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!CONFIG_VARS.test(key)) baseEnv[key] = value;
  // On PostgreSQL (npm run test:pg) the data directory's own database, and the key every start needs.
  const ownDatabase = suiteDatabaseUrl !== null && !(options.env && 'DATABASE_URL' in options.env);
  if (ownDatabase) {
    baseEnv.DATABASE_URL = await databaseForDataDir(dataDir);
    baseEnv.SUNSHINE_MASTER_KEY = masterKeyForDataDir(dataDir);
  }

  let port = 0;
  let current: Child | null = null;
  const previousRuns: ServerRun[] = [];
  let removed = false;

  const envFor = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
    // A production start (SUNSHINE_DEMO_DATA=off) needs a retention schedule (issue 15); a test may unset it.
    const retention = { SUNSHINE_RETAIN_IDENTITY_DAYS: '1825', SUNSHINE_RETAIN_EVIDENCE_DAYS: '1825', SUNSHINE_RETAIN_DECLARATION_YEARS: '5' };
    // Browser and fault tests file many reports from one loopback address; the abuse tests set their own limits.
    const lifted = { SUNSHINE_FILINGS_PER_ADDRESS: '1000000', SUNSHINE_FILINGS_WITH_FILES_PER_ADDRESS: '1000000', SUNSHINE_UPLOADS_PER_ADDRESS: '100000' };
    const env: NodeJS.ProcessEnv = { ...baseEnv, ...retention, ...lifted, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, SUNSHINE_LOG_LEVEL: 'warn' };
    for (const [key, value] of Object.entries({ ...options.env, ...extra })) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    env.PORT = String(port);
    env.DATA_DIR = dataDir;
    return env;
  };

  /** Starts a run; on a lost race for the port (EADDRINUSE) tries another one. */
  const launch = async (extra?: Record<string, string | undefined>, samePort = false): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      if (!samePort || attempt > 0 || port === 0) port = await freePort();
      const child = spawnServer(envFor(extra));
      current = child;
      try {
        await waitUntilReady(child, `http://127.0.0.1:${port}`, readyTimeoutMs);
        return;
      } catch (err) {
        if (!child.run.stderr.includes('EADDRINUSE') || attempt >= 3) {
          if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
          await child.exited;
          throw err;
        }
        await child.exited;
      }
    }
  };

  const kill = async (): Promise<ServerRun> => {
    const child = current;
    if (!child) throw new Error('the server is not running');
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    return child.exited;
  };

  const server: RunningServer = {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    dataDir,
    get pid() {
      return server.running ? current?.process.pid : undefined;
    },
    get running() {
      return current !== null && current.process.exitCode === null && current.process.signalCode === null;
    },
    stdout: () => current?.run.stdout ?? '',
    stderr: () => current?.run.stderr ?? '',
    previousRuns,
    async waitForOutput(pattern, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = `${server.stdout()}\n${server.stderr()}`.match(pattern);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`no output matching ${pattern} within ${timeoutMs} ms: ${current ? describeRun(current.run) : ''}`);
        await sleep(50);
      }
    },
    kill,
    async restart(extraEnv) {
      if (removed) throw new Error('restart() after stop(): the data dir is gone');
      if (current) {
        previousRuns.push(await (server.running ? kill() : current.exited));
        current = null;
      }
      await launch(extraEnv, true);
    },
    async stop(stopOptions = {}) {
      let run: ServerRun | null = null;
      const child = current;
      if (child) {
        if (server.running) {
          child.process.kill('SIGTERM');
          const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
          run = await child.exited;
          clearTimeout(timer);
        } else {
          run = await child.exited;
        }
      }
      if (!stopOptions.keepDataDir && !removed) {
        removed = true;
        fs.rmSync(dataDir, { recursive: true, force: true });
        if (ownDatabase) await dropDatabaseOfDataDir(dataDir);
      }
      return run;
    },
  };

  try {
    await launch();
  } catch (err) {
    if (!options.dataDir) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (ownDatabase) await dropDatabaseOfDataDir(dataDir);
    }
    throw err;
  }
  return server;
}
