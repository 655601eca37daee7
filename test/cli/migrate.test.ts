// npm run migrate (issue 21): prepares an empty database — the SQLite file in DATA_DIR, or the
// PostgreSQL database of DATABASE_URL — to the current schema without starting the portal, and a
// second run finds nothing to do. A configuration error is one line and exit code 2.
import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/migrate.js';
import { closeDatabase, openConfiguredDatabase } from '../../src/db/connection.js';
import { tempDir } from '../helpers/app.js';
import { createEmptyTestDatabase, dropTestDatabase, suiteDatabaseUrl } from '../helpers/pg-databases.js';
import { capture, envFor } from './helpers.js';

const made: string[] = [];
afterAll(async () => {
  for (const url of made) await dropTestDatabase(url);
});

describe('npm run migrate', () => {
  it('brings an empty database to the current schema, and a second run changes nothing', async () => {
    const dir = tempDir('sunshine-migrate-');
    const env: Record<string, string> = { ...envFor(dir) };
    if (suiteDatabaseUrl) {
      const url = await createEmptyTestDatabase();
      made.push(url);
      Object.assign(env, { DATABASE_URL: url, SUNSHINE_MASTER_KEY: crypto.randomBytes(32).toString('base64') });
    }
    for (let run = 0; run < 2; run++) {
      const io = capture();
      expect(await main([], env, io)).toBe(0);
      expect(io.stdout.join('\n')).toMatch(/schema up to date/);
    }
    const db = await openConfiguredDatabase({ databaseUrl: env.DATABASE_URL ?? null, dataDir: dir });
    try {
      const count = await db.get<{ n: number }>(sql`select count(*) as n from reports`);
      expect(Number(count!.n)).toBe(0);
    } finally {
      await closeDatabase(db);
    }
  });

  it('refuses a bad configuration in one line with exit code 2', async () => {
    const io = capture();
    expect(await main([], { DATA_DIR: tempDir('sunshine-migrate-'), DATABASE_URL: 'postgres://x/y' }, io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
  });
});
