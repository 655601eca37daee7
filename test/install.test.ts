// prepareDatabase: what every new installation starts with, and what a restart leaves alone.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDatabase, openDatabase } from '../src/db/connection.js';
import { prepareDatabase } from '../src/install.js';
import { DEFAULT_TEMPLATES } from '../src/templates/index.js';
import { tempDir } from './helpers/app.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const provinceTemplates = async (db: ReturnType<typeof openDatabase>) => (await db.all<{ title: string }>(sql`SELECT title FROM answer_templates WHERE unit_id IS NULL ORDER BY title`)).map((r) => r.title);

describe('prepareDatabase', () => {
  it('gives a new database the regions, the units and the default answer templates, and does not bring back a deleted template', async () => {
    const file = path.join(dir, 'new.db');
    let db = openDatabase(file);
    await prepareDatabase(db);
    expect((await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM regions WHERE level = 'village'`)).n).toBeGreaterThan(11_000);
    expect((await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM units WHERE key = 'ca:220000'`)).n).toBe(1);
    expect(await provinceTemplates(db)).toEqual(DEFAULT_TEMPLATES.map((t) => t.title).sort());
    await db.run(sql`DELETE FROM answer_templates WHERE title = ${DEFAULT_TEMPLATES[0]!.title}`);
    await closeDatabase(db);

    db = openDatabase(file);
    await prepareDatabase(db);
    expect(await provinceTemplates(db)).not.toContain(DEFAULT_TEMPLATES[0]!.title);
    await closeDatabase(db);
  });
});
