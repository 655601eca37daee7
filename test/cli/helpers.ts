// In-process runs of the command-line tools: their output captured, on a temporary DATA_DIR.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../src/cli/io.js';

export interface Captured extends CliIo {
  stdout: string[];
  stderr: string[];
  text(): string;
}

export function capture(): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), text: () => [...stdout, ...stderr].join('\n') };
}

export function dataDir(withTemplate = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-cli-'));
  const template = process.env.SUNSHINE_TEMPLATE_DB;
  if (withTemplate && template) fs.copyFileSync(template, path.join(dir, 'sunshine.db'));
  return dir;
}

export const envFor = (dir: string): Record<string, string> => ({ DATA_DIR: dir, SUNSHINE_LOG_LEVEL: 'silent', SUNSHINE_DEMO_DATA: 'off' });

/** Runs a command's main in process with captured output: its exit code and everything it printed. */
export async function runCli(
  main: (argv: string[], env: Record<string, string | undefined>, io: CliIo) => Promise<number>,
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number; text: string }> {
  const io = capture();
  const code = await main(argv, env, io);
  return { code, text: io.text() };
}
