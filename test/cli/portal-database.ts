// An operator command's portal on the engine the suite runs on (issue 21): the SQLite file in
// DATA_DIR, or on PostgreSQL (`npm run test:pg`) the data directory's own database copied from the
// template database, with the environment a command needs there (DATABASE_URL and the master key,
// which a PostgreSQL portal takes from configuration).
import fs from 'node:fs';
import path from 'node:path';
import { closeDatabase, databaseFile, openConfiguredDatabase, openDatabase, type Db } from '../../src/db/connection.js';
import { databaseForDataDir, dropDatabaseOfDataDir, suiteDatabaseUrl } from '../helpers/pg-databases.js';
import { envFor } from './helpers.js';

export const onPg = suiteDatabaseUrl !== null;

export interface CliPortal {
  db: Db;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Writes `key` to DATA_DIR/master.key and opens the data directory's database. */
export async function cliPortal(dir: string, key: Buffer): Promise<CliPortal> {
  fs.writeFileSync(path.join(dir, 'master.key'), key.toString('base64'), { mode: 0o600 });
  if (!onPg) {
    const db = openDatabase(databaseFile(dir));
    return { db, env: envFor(dir), close: () => closeDatabase(db) };
  }
  const url = await databaseForDataDir(dir);
  const db = await openConfiguredDatabase({ databaseUrl: url, dataDir: dir });
  return {
    db,
    env: { ...envFor(dir), DATABASE_URL: url, SUNSHINE_MASTER_KEY: key.toString('base64') },
    close: async () => {
      await closeDatabase(db);
      await dropDatabaseOfDataDir(dir);
    },
  };
}
