// A consistent online backup of DATA_DIR while the server runs (issue 9):
//
//   npm run backup -- --to /mnt/backup/sunshine-2026-05-01 [--export-key /media/usb/sunshine.key]
//
// Writes DIR/sunshine.db (SQLite backup API; with DATABASE_URL, DIR/sunshine.pgdump: pg_dump's custom
// format, refused when pg_dump is older than the server), DIR/files/… (the evidence files the copy references,
// encrypted as stored, from DATA_DIR/files or SUNSHINE_EVIDENCE_DIR) and DIR/manifest.json (SHA-256
// of every file). The master key is never
// written into DIR (DESIGN.md §4); --export-key writes it (0600) to a file the operator names,
// which must lie outside DIR.
//
// Exit codes: 0 backup written; 1 the backup failed (a referenced file missing or damaged, an I/O
// error; nothing is left in DIR); 2 refused: usage, configuration, no database, DIR not empty,
// DATA_DIR and DIR nested, or a key path inside DIR.
import type { Config } from '../config.js';
import { cliConfig, commandLine, consoleIo, exitOnError, operatorPath, type CliIo, runIfMain } from './io.js';
import fs from 'node:fs';
import path from 'node:path';
import { BackupError, createBackup, fileCounts, parseMasterKey } from '../backup/index.js';
import { KEY_FILE_NAME } from '../plugins/keys.js';

const USAGE = 'usage: npm run backup -- --to DIR [--export-key FILE]   (backs up the data in DATA_DIR, or DATABASE_URL\'s database and the evidence store)';

/** The version in package.json, recorded in the manifest. */
function appVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The master key from config or DATA_DIR/master.key; null when neither exists (never creates one). */
function masterKeyOf(config: Config): Buffer | null {
  if (config.masterKey) return config.masterKey;
  const file = path.join(config.dataDir, KEY_FILE_NAME);
  if (!fs.existsSync(file)) return null;
  return parseMasterKey(fs.readFileSync(file, 'utf8'), file);
}

/** "N evidence files", and the audit archives apart (backup's fileCounts). */
function filesCopied(files: { path: string }[]): string {
  const { evidence, archives, signed } = fileCounts(files);
  return archives === 0 ? `${evidence} evidence files` : `${evidence} evidence files, ${archives} audit archives (${signed})`;
}

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const args = commandLine(argv, { to: { type: 'string' }, 'export-key': { type: 'string' } }, USAGE, io);
  if (typeof args === 'number') return args;
  if (!args.to) {
    io.err(`--to DIR is required.\n${USAGE}`);
    return 2;
  }
  const config = cliConfig(env, io);
  if (!config) return 2;
  try {
    const masterKey = masterKeyOf(config);
    const result = await createBackup({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      evidenceDir: config.evidenceDir,
      to: operatorPath(env, args.to),
      masterKey,
      ...(args['export-key'] !== undefined ? { exportKey: operatorPath(env, args['export-key']) } : {}),
      appVersion: appVersion(),
      log: io.out,
    });
    const { counts, files } = result.manifest;
    io.out(`backup written to ${result.dir}: ${counts.reports ?? 0} reports, ${filesCopied(files)}, manifest.json with SHA-256 of each file`);
    io.out('The master key is NOT in the backup: without the key the backup cannot be restored.');
    if (!masterKey) io.err('WARNING: no master key was found (DATA_DIR/master.key or SUNSHINE_MASTER_KEY); make sure the key that encrypted this data is kept somewhere.');
    if (result.keyExportedTo) {
      io.err(`WARNING: the master key was written to ${result.keyExportedTo} (mode 0600). It opens every report, identity and file in this backup.`);
      io.err('Keep it apart from the backup — on another medium, in another place, with other people holding it. Anyone who has both can read everything.');
    }
    return 0;
  } catch (err) {
    return exitOnError(io, 'backup', err, BackupError);
  }
}

await runIfMain(import.meta.url, main);
