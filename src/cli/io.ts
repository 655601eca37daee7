// Output and "run me when I am the script" for the command-line tools (tests call main() in-process).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Whether the module at `moduleUrl` is the script node (or tsx) was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  return !!script && pathToFileURL(path.resolve(script)).href === moduleUrl;
}
