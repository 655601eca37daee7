// The ffmpeg binary: the static build shipped in @ffmpeg-installer (no system package needed), or
// `ffmpeg` on PATH when that build is missing or does not run. npm 11 may skip the installer's
// chmod, so the bundled file is made executable when needed.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const DEFAULT_TIMEOUT_MS = 120_000;
const STDERR_KEEP_CHARS = 2000;

let located: Promise<string | null> | undefined;

/** The ffmpeg command to run, or null when none works; looked up once per process. */
export function findFfmpeg(): Promise<string | null> {
  located ??= locate();
  return located;
}

async function locate(): Promise<string | null> {
  const bundled = await bundledBinary();
  if (bundled && (await runs(bundled))) return bundled;
  return (await runs('ffmpeg')) ? 'ffmpeg' : null;
}

async function bundledBinary(): Promise<string | null> {
  let file: string;
  try {
    // The installer package throws a string when no binary exists for this platform.
    file = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return null;
  }
  if (await executable(file)) return file;
  try {
    await fs.chmod(file, 0o755);
  } catch {
    return null;
  }
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

function runs(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, ['-hide_banner', '-version'], { stdio: 'ignore', timeout: 10_000 });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** Runs ffmpeg with an argument array (never a shell); rejects with the end of its error output. */
export async function runFfmpeg(args: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  const command = await findFfmpeg();
  if (!command) throw new Error('ffmpeg is not available (neither @ffmpeg-installer/ffmpeg nor ffmpeg on PATH runs)');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_KEEP_CHARS);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg ${signal ? `was killed (${signal})` : `exited with ${code}`}: ${stderr.trim()}`));
    });
  });
}
