// prepareDatabase: what every new installation starts with, and what a restart leaves alone.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connection.js';
import { prepareDatabase } from '../src/install.js';
import { DEFAULT_TEMPLATES } from '../src/templates/index.js';
import { tempDir } from './helpers/app.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const provinceTemplates = (db: ReturnType<typeof openDatabase>) => db.$client.prepare('SELECT title FROM answer_templates WHERE unit_id IS NULL ORDER BY title').pluck().all();

describe('prepareDatabase', () => {
  it('gives a new database the regions, the units and the default answer templates, and does not bring back a deleted template', async () => {
    const file = path.join(dir, 'new.db');
    let db = openDatabase(file);
    await prepareDatabase(db);
    expect(db.$client.prepare("SELECT count(*) FROM regions WHERE level = 'village'").pluck().get()).toBeGreaterThan(11_000);
    expect(db.$client.prepare("SELECT count(*) FROM units WHERE key = 'ca:220000'").pluck().get()).toBe(1);
    expect(provinceTemplates(db)).toEqual(DEFAULT_TEMPLATES.map((t) => t.title).sort());
    db.$client.prepare('DELETE FROM answer_templates WHERE title = ?').run(DEFAULT_TEMPLATES[0]!.title);
    db.$client.close();

    db = openDatabase(file);
    await prepareDatabase(db);
    expect(provinceTemplates(db)).not.toContain(DEFAULT_TEMPLATES[0]!.title);
    db.$client.close();
  });
});
