// Child processes of the bench: the real server and the ceiling server, each `node --import tsx
// <entry>` (one node process, no wrapper, so its pid is the server's pid for /proc readings).
// The free port, the project root and the server's own variables (never inherited from the
// bench's environment) as the test helpers know them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { CONFIG_VARS, freePort, PROJECT_ROOT as ROOT } from '../../test/helpers/server.js';

export { ROOT };

export interface Running {
  pid: number;
  url: string;
  /** Milliseconds from spawn() to the first 200 from the ready path. */
  startMs: number;
  rssMb(): number;
  stop(): Promise<number | null>;
  output(): string;
}

export interface StartOptions {
  entry: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  readyPath?: string;
  logFile?: string;
  timeoutMs?: number;
  /** Run through tsx (TypeScript entry); false for a compiled .js entry. Default true. */
  tsx?: boolean;
  /** Working directory of the process (another worktree, for bench/ab-cost.ts). Default the project root. */
  cwd?: string;
}

/** Resident set size of a process in MB, from /proc/<pid>/status (VmRSS). */
export function rssMbOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function startProcess(opts: StartOptions): Promise<Running> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !CONFIG_VARS.test(k)) env[k] = v;
  Object.assign(env, opts.env, { PORT: String(port), HOST: '127.0.0.1' });
  let log = opts.logFile ? fs.openSync(opts.logFile, 'a') : null;
  let output = '';
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...(opts.tsx === false ? [] : ['--import', 'tsx']), opts.entry], {
    cwd: opts.cwd ?? ROOT,
    env,
    stdio: ['ignore', log ?? 'pipe', log ?? 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-20_000)));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (output = (output + c).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (gone) throw new Error(`${opts.entry} exited before it was ready: ${output}${opts.logFile ? fs.readFileSync(opts.logFile, 'utf8').slice(-4000) : ''}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.entry} was not ready within ${opts.timeoutMs ?? 60_000} ms`);
    }
    try {
      const res = await fetch(url + (opts.readyPath ?? '/'), { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const startMs = performance.now() - t0;
  return {
    pid: child.pid!,
    url,
    startMs,
    rssMb: () => rssMbOf(child.pid!),
    output: () => output,
    async stop() {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      if (log !== null) fs.closeSync(log);
      log = null;
      return exited;
    },
  };
}

/** Lifted so that one client address can send every request of a run (the limits are per address). */
export const RATE_LIMIT_FACTOR = '100000';

/** The server's environment as the bench starts it (`npm start` in production mode, on `dataDir`). */
export function serverEnv(dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    SUNSHINE_DEMO_DATA: 'off',
    SUNSHINE_SCHEDULER_SECONDS: '0',
    SUNSHINE_RATE_LIMIT_FACTOR: RATE_LIMIT_FACTOR,
    // A production start refuses to run without a retention schedule (src/startup.ts). Long enough
    // that nothing of the generated year is due (and the scheduler, which would sweep, is off).
    SUNSHINE_RETAIN_IDENTITY_DAYS: '3650',
    SUNSHINE_RETAIN_EVIDENCE_DAYS: '3650',
    SUNSHINE_RETAIN_DECLARATION_YEARS: '10',
  };
}
