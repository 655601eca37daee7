// Walks the audit log's MAC chain (DESIGN.md §4) and prints the result and the chain head.
//
//   npm run audit:verify
//
// Exit codes: 0 the chain is whole; 1 it is broken (or could not be read); 2 configuration error,
// no database or no key in DATA_DIR.
import { cliConfig, consoleIo, isMainModule, type CliIo } from './io.js';
import fs from 'node:fs';
import path from 'node:path';
import { latestEntry, verifyChain } from '../audit/index.js';
import { databaseFile, openDatabase } from '../db/connection.js';
import { deriveKeys, KEY_FILE_NAME, loadMasterKey } from '../plugins/keys.js';

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
    const { result, head } = db.transaction((tx) => ({ result: verifyChain(tx, key), head: latestEntry(tx) }));
    if (result.broken) {
      io.out(`audit chain BROKEN at entry ${result.broken.id} (${result.broken.reason === 'mac' ? 'mac: the entry does not match its MAC' : 'link: the entry does not follow the one before it'})`);
    } else {
      io.out(`audit chain ok: ${result.checked} entries`);
    }
    io.out(head ? `chain head: entry ${head.id} mac ${head.mac}` : 'chain head: none (the log is empty)');
    return result.broken ? 1 : 0;
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
