import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { testConfig, type Config } from '../../src/config.js';
import { databaseFile } from '../../src/db/connection.js';
import { buildTemplateDb } from './template-db.js';
import { databaseForDataDir, dropDatabaseOfDataDir, suiteDatabaseUrl } from './pg-databases.js';

export interface TestApp {
  app: FastifyInstance;
  config: Config;
  dataDir: string;
  /** Everything the app logged, as text. */
  logs: () => string;
  close: () => Promise<void>;
}

export function tempDir(prefix = 'sunshine-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A fresh app on a copy of the template database in its own data directory — on PostgreSQL
 * (`npm run test:pg`) a database of its own copied from the template database, dropped at close.
 */
export async function makeApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const dataDir = overrides.dataDir ?? tempDir();
  let databaseUrl = overrides.databaseUrl ?? null;
  // An app opened again on the same data directory (a restart) opens the same database.
  if (suiteDatabaseUrl && !databaseUrl) databaseUrl = await databaseForDataDir(dataDir);
  else if (!suiteDatabaseUrl && !fs.existsSync(databaseFile(dataDir))) fs.copyFileSync(process.env.SUNSHINE_TEMPLATE_DB ?? (await buildTemplateDb()), databaseFile(dataDir));
  const ownDatabase = databaseUrl !== null && overrides.databaseUrl === undefined;
  const config = testConfig({ ...overrides, dataDir, databaseUrl, logLevel: overrides.logLevel ?? 'info' });
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  // SUNSHINE_TEST_ECHO_ERRORS=1 prints what the app logged as an error, for a test that only sees a 500.
  if (process.env.SUNSHINE_TEST_ECHO_ERRORS) stream.on('data', (c: Buffer) => /"level":(50|60)/.test(c.toString()) && process.stderr.write(c));
  const app = await buildApp(config, { logStream: stream });
  return {
    app,
    config,
    dataDir,
    logs: () => chunks.join(''),
    close: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (ownDatabase) await dropDatabaseOfDataDir(dataDir);
    },
  };
}
