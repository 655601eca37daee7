// Verifies the audit trail (DESIGN.md §4): every archive file in DATA_DIR/audit-archive against its
// row, then the live MAC chain, which must continue the last archive; prints the result and the head.
//
//   npm run audit:verify
//
// Exit codes: 0 the trail is whole; 1 it is broken (or could not be read); 2 configuration error,
// no database or no key in DATA_DIR.
import { cliConfig, consoleIo, isMainModule, type CliIo } from './io.js';
import fs from 'node:fs';
import path from 'node:path';
import { archiveDir, verifyAuditTrail } from '../audit/index.js';
import { databaseFile, openDatabase } from '../db/connection.js';
import { deriveKeys, KEY_FILE_NAME, loadMasterKey } from '../plugins/keys.js';

const LIVE_REASONS = {
  mac: 'mac: the entry does not match its MAC',
  link: 'link: the entry does not follow the one before it',
  start: 'start: the oldest live entry does not continue the last archive or the genesis MAC; entries were removed',
} as const;
const ARCHIVE_REASONS = {
  row: 'row: the archive record does not match its MAC',
  link: 'link: it does not continue the archive before it; an archive was removed',
  file: 'file: missing or unreadable',
  sha256: 'sha256: the file was changed',
  chain: 'chain: the entries in the file do not match the record or each other',
} as const;

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out('usage: npm run audit:verify   (checks the audit chain of the database in DATA_DIR)');
    return 0;
  }
  if (argv.length > 0) {
    io.err(`unexpected arguments: ${argv.join(' ')}\nusage: npm run audit:verify`);
    return 2;
  }
  const config = cliConfig(env, io);
  if (!config) return 2;
  const dbFile = databaseFile(config.dataDir);
  if (!fs.existsSync(dbFile)) {
    io.err(`No database at ${dbFile} (check DATA_DIR).`);
    return 2;
  }
  // Never create a key here: a new key would only report every entry as broken.
  const keyFile = path.join(config.dataDir, KEY_FILE_NAME);
  if (!config.masterKey && !fs.existsSync(keyFile)) {
    io.err(`No master key: ${keyFile} is missing and SUNSHINE_MASTER_KEY is not set.`);
    return 2;
  }
  const key = deriveKeys(loadMasterKey(config))['audit-mac'];
  const db = openDatabase(dbFile);
  try {
    const result = db.transaction((tx) => verifyAuditTrail(tx, key, archiveDir(config.dataDir)));
    if (result.archiveProblem) io.out(`audit archive ${result.archiveProblem.month} BROKEN (${ARCHIVE_REASONS[result.archiveProblem.reason]})`);
    else if (result.archives > 0) io.out(`audit archives ok: ${result.archives} files, ${result.archived} entries`);
    if (result.broken) io.out(`audit chain BROKEN at entry ${result.broken.id} (${LIVE_REASONS[result.broken.reason]})`);
    else io.out(`audit chain ok: ${result.checked} entries`);
    io.out(result.head ? `chain head: entry ${result.head.id} mac ${result.head.mac}` : 'chain head: none (the log is empty)');
    return result.broken || result.archiveProblem ? 1 : 0;
  } catch (err) {
    io.err(`Failed: ${(err as Error).message}`);
    return 1;
  } finally {
    db.$client.close();
  }
}

if (isMainModule(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
