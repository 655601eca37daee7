// prepareDatabase: what every new installation starts with, and what a restart leaves alone — on
// the SQLite file in DATA_DIR, or on a new, empty PostgreSQL database (issue 21).
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDatabase, openConfiguredDatabase, type Db } from '../src/db/connection.js';
import { prepareDatabase } from '../src/install.js';
import { DEFAULT_TEMPLATES } from '../src/templates/index.js';
import { tempDir } from './helpers/app.js';
import { createEmptyTestDatabase, dropTestDatabase, suiteDatabaseUrl } from './helpers/pg-databases.js';

const dir = tempDir();
let databaseUrl: string | null = null;
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  if (databaseUrl) await dropTestDatabase(databaseUrl);
});

const provinceTemplates = async (db: Db) => (await db.all<{ title: string }>(sql`SELECT title FROM answer_templates WHERE unit_id IS NULL ORDER BY title`)).map((r) => r.title);
// PostgreSQL's count(*) is a bigint, which its driver hands over as a string.
const count = async (db: Db, query: ReturnType<typeof sql>) => Number((await db.get<{ n: number | string }>(query)).n);

describe('prepareDatabase', () => {
  it('gives a new database the regions, the units and the default answer templates, and does not bring back a deleted template', async () => {
    if (suiteDatabaseUrl) databaseUrl = await createEmptyTestDatabase();
    const target = { databaseUrl, dataDir: dir };
    let db = await openConfiguredDatabase(target);
    await prepareDatabase(db);
    expect(await count(db, sql`SELECT count(*) AS n FROM regions WHERE level = 'village'`)).toBeGreaterThan(11_000);
    expect(await count(db, sql`SELECT count(*) AS n FROM units WHERE key = 'ca:220000'`)).toBe(1);
    expect(await provinceTemplates(db)).toEqual(DEFAULT_TEMPLATES.map((t) => t.title).sort());
    await db.run(sql`DELETE FROM answer_templates WHERE title = ${DEFAULT_TEMPLATES[0]!.title}`);
    await closeDatabase(db);

    db = await openConfiguredDatabase(target);
    await prepareDatabase(db);
    expect(await provinceTemplates(db)).not.toContain(DEFAULT_TEMPLATES[0]!.title);
    await closeDatabase(db);
  }, 120_000);
});
