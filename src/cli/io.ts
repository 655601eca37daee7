// What every operator command shares: where it writes, reading the configuration with one clear
// line (exit code 2) when it is invalid, reading the command line, paths as the operator typed
// them, and telling a refusal (exit 2) from a failure (exit 1).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { databaseFile, type Db } from '../db/connection.js';
import { storageDirs } from '../evidence/index.js';
import type { Keys } from '../plugins/keys.js';
import type { Deps } from '../shared/deps.js';
import { KEY_FILE_NAME } from '../plugins/keys.js';

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

type Options = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
/** The values of a command line: a string per string option (every one given, for a repeatable option), true per flag given. */
export type CommandLineValues<O extends Options> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string };

/**
 * The options of a command line (no positionals; `--help`/`-h` added), or the exit code when the
 * command has nothing more to do: 2 after saying what is wrong with the words and the usage, 0
 * after printing the usage for --help.
 */
export function commandLine<O extends Options>(argv: string[], options: O, usage: string, io: CliIo): CommandLineValues<O> | number {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values;
  } catch (err) {
    io.err(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    io.out(usage);
    return 0;
  }
  delete values.help;
  return values as CommandLineValues<O>;
}

/** A path as the operator typed it: `npm run` changes to the project folder, INIT_CWD is where they were. */
export function operatorPath(env: Record<string, string | undefined>, p: string): string {
  return path.resolve(env.INIT_CWD || process.cwd(), p);
}

/**
 * Tells the operator that `command` was refused or failed and returns its exit code: an error of
 * the command's own class carries the code (2 refused: nothing was done; 1 failed); any other
 * error is a failure (1).
 */
export function exitOnError(io: CliIo, command: string, err: unknown, own: abstract new (...args: never[]) => Error & { exitCode: number }): number {
  if (err instanceof own) {
    io.err(`${command} ${err.exitCode === 2 ? 'refused' : 'FAILED'}: ${err.message}`);
    return err.exitCode;
  }
  io.err(`${command} FAILED: ${(err as Error).message}`);
  return 1;
}

/** Whether the module whose `import.meta.url` is given runs as the script (tsx src/cli/…), not imported by a test. */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  return !!script && pathToFileURL(path.resolve(script)).href === moduleUrl;
}

/**
 * Runs a command's `main` when its file is the process's entry point (not when a test imports it).
 * What the operator tools write — a database, backups, archives — is the owner's alone (umask 077).
 */
export async function runIfMain(moduleUrl: string, main: (argv: string[]) => Promise<number>): Promise<void> {
  if (!isMainModule(moduleUrl)) return;
  process.umask(0o077);
  process.exitCode = await main(process.argv.slice(2));
}

/**
 * The configuration of a command that reads an existing portal (audit:verify, audit:archive): the
 * database must be there, and so must the master key — never created here, since entries under a
 * new key would neither verify nor continue the chain. Prints why and returns null otherwise.
 */
/** A database URL as printed: without its password. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export function existingPortal(env: Record<string, string | undefined>, io: CliIo): { config: Config; dbFile: string } | null {
  const config = cliConfig(env, io);
  if (!config) return null;
  // On PostgreSQL the database is the server's to keep (and to report missing when connecting).
  const dbFile = config.databaseUrl ? redactedUrl(config.databaseUrl) : databaseFile(config.dataDir);
  if (!config.databaseUrl && !fs.existsSync(dbFile)) {
    io.err(`No database at ${dbFile} (check DATA_DIR).`);
    return null;
  }
  const keyFile = path.join(config.dataDir, KEY_FILE_NAME);
  if (!config.masterKey && !fs.existsSync(keyFile)) {
    io.err(`No master key: ${keyFile} is missing and SUNSHINE_MASTER_KEY is not set.`);
    return null;
  }
  return { config, dbFile };
}

/**
 * What a feature's service needs, for an operator command (no server runs): mail is not sent, and
 * there is no page cache to invalidate.
 */
export function commandDeps(config: Config, db: Db, keys: Keys): Deps {
  return { db, keys, dirs: storageDirs(config.dataDir, config.evidenceDir), mailer: { send: async () => {}, sendLater() {} }, config, publicCache: { invalidate() {}, size: 0, bytes: 0 } };
}
