// Several app nodes starting together on a new PostgreSQL database (issue 21): one prepares it at a
// time (migrations, regions, units, default templates), so every node starts and the reference data
// is there once. Without the start-up lock the second node failed on the first one's rows.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { PG_MIGRATIONS_DIR } from '../../src/db/postgres/connection.js';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { STARTUP_LOCK } from '../../src/db/connection.js';
import { onPostgres } from '../../src/db/engine.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { createEmptyTestDatabase, dropTestDatabase } from '../helpers/pg-databases.js';

const pgMigrationCount = (JSON.parse(fs.readFileSync(path.join(PG_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;

describe.skipIf(!onPostgres)('nodes starting together on a new database', () => {
  const apps: TestApp[] = [];
  let url = '';
  afterAll(async () => {
    for (const t of apps) await t.close();
    if (url) await dropTestDatabase(url);
  });

  it('all start, and the reference data is installed once', async () => {
    url = await createEmptyTestDatabase();
    // A node that waits its turn longer than Fastify's default plugin timeout (10 s) still starts: here
    // an operator's session holds the start-up lock for 11 s, as a long migration on another node would.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
    const released = new Promise((resolve) => setTimeout(resolve, 11_000)).then(() => holder.end());
    const started = await Promise.allSettled([makeApp({ databaseUrl: url }), makeApp({ databaseUrl: url }), makeApp({ databaseUrl: url })]);
    await released;
    for (const s of started) if (s.status === 'fulfilled') apps.push(s.value);
    expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual(['started', 'started', 'started']);
    const db = apps[0]!.app.db;
    const counts = await db.all<{ what: string; n: number }>(
      sql`select 'regions' as what, count(*) as n from regions union all select 'units', count(*) from units union all select 'migrations', count(*) from drizzle.__drizzle_migrations`,
    );
    const byName = Object.fromEntries(counts.map((c) => [c.what, c.n]));
    expect(byName.regions).toBeGreaterThan(13_000);
    expect(byName.units).toBeGreaterThan(1_000);
    // Each migration of migrations-pg applied once, however many nodes started.
    expect(byName.migrations).toBe(pgMigrationCount);
  }, 180_000);
});
