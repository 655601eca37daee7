// The ffmpeg that demuxes untrusted uploads (DESIGN.md §4, issue 16). A current system ffmpeg
// (Debian's, kept patched by the distribution) is preferred; the static build in
// @ffmpeg-installer dates from 2018 and is used only where no system ffmpeg runs, which is logged
// at start (describeFfmpeg). Every run is confined: protocols limited to file and pipe, so no
// demuxer can open a URL named inside an upload; address space and CPU time capped with prlimit
// where it exists; and a kill timer in every case.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const STDERR_KEEP_CHARS = 2000;
/** Where Debian (and most distributions) install their ffmpeg; PATH is tried next. */
const SYSTEM_CANDIDATES = ['/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg', 'ffmpeg'];
const PRLIMIT_CANDIDATES = ['/usr/bin/prlimit', '/bin/prlimit', 'prlimit'];

export interface RunLimits {
  /** Wall-clock time before the process is killed. */
  timeoutMs: number;
  /** Address space (RLIMIT_AS). Debian's ffmpeg maps about 250 MB of shared libraries before reading a byte. */
  memoryBytes: number;
  /** CPU seconds (RLIMIT_CPU): a stream copy of the largest allowed file needs a few. */
  cpuSeconds: number;
}

/** A stream copy reads its input in small chunks: 1 GiB stops a runaway parser, not a large file. */
export const DEFAULT_LIMITS: RunLimits = { timeoutMs: 120_000, memoryBytes: 1024 ** 3, cpuSeconds: 60 };

export interface FfmpegInfo {
  command: string;
  source: 'system' | 'bundled';
  /** The first line of `ffmpeg -version`. */
  version: string;
  /** The prlimit command that applies memory and CPU limits, or null (then only the kill timer). */
  prlimit: string | null;
}

let located: Promise<FfmpegInfo | null> | undefined;

/** The ffmpeg in use and how it is confined, or null when none runs; looked up once per process. */
export function describeFfmpeg(): Promise<FfmpegInfo | null> {
  located ??= locate();
  return located;
}

/** The ffmpeg command to run, or null when none works. */
export async function findFfmpeg(): Promise<string | null> {
  return (await describeFfmpeg())?.command ?? null;
}

async function locate(): Promise<FfmpegInfo | null> {
  const prlimit = await firstRunning(PRLIMIT_CANDIDATES, ['--version']);
  for (const command of SYSTEM_CANDIDATES) {
    const version = await versionOf(command);
    if (version) return { command, source: 'system', version, prlimit };
  }
  const bundled = await bundledBinary();
  const version = bundled ? await versionOf(bundled) : null;
  return bundled && version ? { command: bundled, source: 'bundled', version, prlimit } : null;
}

async function bundledBinary(): Promise<string | null> {
  let file: string;
  try {
    // The installer package throws a string when no binary exists for this platform.
    file = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return null;
  }
  // npm 11 may skip the installer's chmod.
  if (!(await executable(file))) await fs.chmod(file, 0o755).catch(() => undefined);
  return (await executable(file)) ? file : null;
}

async function executable(file: string): Promise<boolean> {
  try {
    await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function firstRunning(candidates: readonly string[], args: readonly string[]): Promise<string | null> {
  for (const command of candidates) if ((await output(command, args)) !== null) return command;
  return null;
}

async function versionOf(command: string): Promise<string | null> {
  const out = await output(command, ['-hide_banner', '-version']);
  const first = out?.split('\n')[0]?.trim();
  return first && first.startsWith('ffmpeg version') ? first : null;
}

/** Standard output of a successful run, or null (missing, failing or hanging command). */
function output(command: string, args: readonly string[]): Promise<string | null> {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000, killSignal: 'SIGKILL' });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      if (out.length < 4096) out += text;
    });
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? out : null));
  });
}

/**
 * The argument list with `-protocol_whitelist file,pipe` before every input and output, so that
 * no demuxer (HLS, concat, a data reference) reaches beyond local files, whatever the upload names.
 */
export function confinedArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-protocol_whitelist') {
      i++; // the caller's own whitelist is replaced, never widened
      continue;
    }
    if (arg === '-i') out.push('-protocol_whitelist', 'file,pipe');
    out.push(arg);
  }
  // The output file (the last argument) is opened through a protocol as well.
  if (out.length > 0) out.splice(out.length - 1, 0, '-protocol_whitelist', 'file,pipe');
  return out;
}

/**
 * Runs `command` with an argument array (never a shell) under the memory and CPU limits where
 * prlimit exists (it execs the command, so limits and timer reach the same process); rejects with
 * the end of its error output. The run gets its own process group, and the kill timer ends the
 * whole group: nothing it started outlives it.
 */
export function runLimited(command: string, args: readonly string[], limits: RunLimits, prlimit: string | null): Promise<void> {
  const [file, argv] = prlimit
    ? [prlimit, [`--as=${limits.memoryBytes}`, `--cpu=${limits.cpuSeconds}`, '--', command, ...args]]
    : [command, [...args]];
  return new Promise<void>((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, limits.timeoutMs);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEEP_CHARS);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !killed) resolve();
      else reject(new Error(`${command} ${killed ? `was killed after ${limits.timeoutMs} ms` : signal ? `was killed (${signal})` : `exited with ${code}`}: ${stderr.trim()}`));
    });
  });
}

/** Runs ffmpeg confined (see confinedArgs and runLimited). */
export async function runFfmpeg(args: readonly string[], limits: Partial<RunLimits> = {}): Promise<void> {
  const info = await describeFfmpeg();
  if (!info) throw new Error('ffmpeg is not available (no system ffmpeg and no working @ffmpeg-installer/ffmpeg)');
  await runLimited(info.command, confinedArgs(args), { ...DEFAULT_LIMITS, ...limits }, info.prlimit);
}

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** One line at start: which ffmpeg cleans uploads, and a warning when it is the old bundled build or none. */
export async function logFfmpegChoice(log: Log): Promise<void> {
  const info = await describeFfmpeg();
  if (!info) {
    log.error({}, 'no ffmpeg runs: MP4, M4A and MP3 uploads will be refused as damaged (apt-get install ffmpeg)');
    return;
  }
  const detail = { ffmpeg: info.command, version: info.version, limits: info.prlimit ? 'prlimit' : 'kill timer only' };
  if (info.source === 'system') log.info(detail, 'ffmpeg for metadata removal');
  else log.warn(detail, 'no system ffmpeg: falling back to the bundled 2018 static build to clean uploads; install a current one (apt-get install ffmpeg)');
}
