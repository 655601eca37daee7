// Restores a backup made by `npm run backup` into a new data directory (issue 9):
//
//   npm run restore -- --from DIR --key FILE --data-dir TARGET
//   SUNSHINE_MASTER_KEY=… npm run restore -- --from DIR --key-env SUNSHINE_MASTER_KEY --data-dir TARGET
//
// TARGET must be missing or empty; so must the folder of --evidence-dir EVIDENCE, which puts the
// evidence files where a server with SUNSHINE_EVIDENCE_DIR=EVIDENCE looks for them. Every file is checked against the manifest's SHA-256, the key
// is written to TARGET/master.key (0600; --no-key-file when the server will get SUNSHINE_MASTER_KEY
// instead), the database's integrity is checked, and the key is proven to open the data: one
// evidence file decrypts to its stored SHA-256 and the audit chain verifies.
//
// A backup of a PostgreSQL portal goes into the database of DATABASE_URL, which must exist and be
// empty (createdb), through pg_restore; TARGET then gets the audit archives (and the key file).
//
// Exit codes: 0 restored and verified; 1 verification failed (damaged or changed backup, wrong key;
// TARGET is left as it was); 2 refused: usage, no manifest, unreadable key, TARGET not empty.
import fs from 'node:fs';
import path from 'node:path';
import { BackupError, parseMasterKey, restoreBackup } from '../backup/index.js';
import { isPostgresUrl } from '../db/engine.js';
import { commandLine, consoleIo, exitOnError, operatorPath, type CliIo, type CommandLineValues, runIfMain } from './io.js';

const USAGE = 'usage: npm run restore -- --from DIR (--key FILE | --key-env VARIABLE) --data-dir TARGET [--evidence-dir EVIDENCE] [--no-key-file]';

const OPTIONS = {
  from: { type: 'string' },
  key: { type: 'string' },
  'key-env': { type: 'string' },
  'data-dir': { type: 'string' },
  'evidence-dir': { type: 'string' },
  'no-key-file': { type: 'boolean' },
} as const;

type Args = CommandLineValues<typeof OPTIONS>;

function readKey(args: Args, env: Record<string, string | undefined>): Buffer {
  if (args.key !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(operatorPath(env, args.key), 'utf8');
    } catch (err) {
      throw new BackupError(2, `Cannot read the key file ${args.key}: ${(err as Error).message}`);
    }
    return parseMasterKey(text, args.key);
  }
  const name = args['key-env']!;
  const value = env[name];
  if (!value) throw new BackupError(2, `The environment variable ${name} is not set.`);
  return parseMasterKey(value, `The environment variable ${name}`);
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const args = commandLine(argv, OPTIONS, USAGE, io);
  if (typeof args === 'number') return args;
  const problems: string[] = [];
  if (!args.from) problems.push('--from DIR is required.');
  if (!args['data-dir']) problems.push('--data-dir TARGET is required.');
  if ((args.key === undefined) === (args['key-env'] === undefined)) problems.push('Give the key with exactly one of --key FILE or --key-env VARIABLE.');
  if (problems.length > 0) {
    io.err(`${problems.join('\n')}\n${USAGE}`);
    return 2;
  }
  try {
    const masterKey = readKey(args, env);
    const target = operatorPath(env, args['data-dir']!);
    const evidenceDir = args['evidence-dir'] !== undefined ? operatorPath(env, args['evidence-dir']) : null;
    const databaseUrl = env.DATABASE_URL?.trim() || null;
    if (databaseUrl && !isPostgresUrl(databaseUrl)) throw new BackupError(2, 'DATABASE_URL must be a postgres:// URL.');
    const result = await restoreBackup({ from: operatorPath(env, args.from!), dataDir: target, databaseUrl, evidenceDir, masterKey, writeKeyFile: !args['no-key-file'], log: io.out });
    io.out(`restored ${result.manifest.counts.reports ?? 0} reports and ${result.files} evidence files from the backup of ${result.manifest.createdAt} (app ${result.manifest.appVersion}) into ${target}`);
    const store = `${databaseUrl ? ' DATABASE_URL=(this database)' : ''}${evidenceDir ? ` SUNSHINE_EVIDENCE_DIR=${evidenceDir}` : ''}`;
    io.out(args['no-key-file'] ? `Start the server with DATA_DIR=${target}${store} and SUNSHINE_MASTER_KEY set to this key.` : `The key is in ${path.join(target, 'master.key')} (0600). Start the server with DATA_DIR=${target}${store}.`);
    io.out('Sessions are not part of a backup: staff sign in again.');
    return 0;
  } catch (err) {
    return exitOnError(io, 'restore', err, BackupError);
  }
}

await runIfMain(import.meta.url, main);
