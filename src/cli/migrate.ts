// Applies the schema migrations the database lacks, without starting the portal: for an operator who
// prepares a new PostgreSQL database (or an upgrade) before the nodes start. `npm start` applies them
// too; several nodes or a node and this command take turns under an advisory lock on PostgreSQL.
//
//   npm run migrate
//
// Exit codes: 0 the schema is current; 1 a migration failed; 2 configuration error.
import fs from 'node:fs';
import { cliConfig, consoleIo, redactedUrl, runIfMain, type CliIo } from './io.js';
import { applyMigrations, closeDatabase, databaseFile, openConfiguredDatabase } from '../db/connection.js';

export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: CliIo = consoleIo): Promise<number> {
  const usage = 'usage: npm run migrate   (applies the schema migrations the database of DATABASE_URL, or DATA_DIR/sunshine.db, lacks)';
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(usage);
    return 0;
  }
  if (argv.length > 0) {
    io.err(`unexpected arguments: ${argv.join(' ')}\n${usage}`);
    return 2;
  }
  const config = cliConfig(env, io);
  if (!config) return 2;
  const where = config.databaseUrl ? redactedUrl(config.databaseUrl) : databaseFile(config.dataDir);
  if (!config.databaseUrl) fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = await openConfiguredDatabase(config);
  try {
    await applyMigrations(db);
    io.out(`schema up to date: ${where}`);
    return 0;
  } catch (err) {
    io.err(`migrate FAILED on ${where}: ${(err as Error).message}`);
    return 1;
  } finally {
    await closeDatabase(db);
  }
}

await runIfMain(import.meta.url, main);
