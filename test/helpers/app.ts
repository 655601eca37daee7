import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { testConfig, type Config } from '../../src/config.js';
import { databaseFile } from '../../src/db/connection.js';
import { buildTemplateDb } from './template-db.js';

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

/** A fresh app on a copy of the template database in its own data directory. */
export async function makeApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const dataDir = overrides.dataDir ?? tempDir();
  const template = process.env.SUNSHINE_TEMPLATE_DB ?? (await buildTemplateDb());
  if (!fs.existsSync(databaseFile(dataDir))) fs.copyFileSync(template, databaseFile(dataDir));
  const config = testConfig({ ...overrides, dataDir, logLevel: overrides.logLevel ?? 'info' });
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  const app = await buildApp(config, { logStream: stream });
  return {
    app,
    config,
    dataDir,
    logs: () => chunks.join(''),
    close: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
