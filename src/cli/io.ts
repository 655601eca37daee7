// What every operator command shares: where it writes, and reading the configuration with one
// clear line (exit code 2) when it is invalid.
import { ConfigError, loadConfig, type Config } from '../config.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The validated configuration, or null after telling the operator what is wrong. */
export function cliConfig(env: Record<string, string | undefined>, io: CliIo): Config | null {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return null;
    }
    throw err;
  }
}
