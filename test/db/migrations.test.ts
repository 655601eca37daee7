import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS_DIR, openDatabase } from '../../src/db/connection.js';
import { tempDir } from '../helpers/app.js';

interface Journal { entries: { idx: number; tag: string }[] }
const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as Journal;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A migrations folder holding only the first `count` migrations, as a past release shipped it. */
function migrationsUpTo(count: number): string {
  const dir = tempDir('sunshine-migrations-');
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'meta'));
  const entries = journal.entries.slice(0, count);
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

function tables(db: ReturnType<typeof openDatabase>): string[] {
  return db.$client.prepare("select name from sqlite_master where type='table' order by name").all().map((r) => (r as { name: string }).name);
}

describe('migrations', () => {
  it('apply from empty', () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = openDatabase(path.join(dir, 'x.db'));
    applyMigrations(db);
    expect(tables(db)).toEqual(expect.arrayContaining(['regions', 'region_ancestors', 'units', '__drizzle_migrations']));
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.$client.close();
  });

  it('apply step by step, each upgrading the database the previous ones made', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = path.join(dir, 'x.db');
    let previous: string[] = [];
    for (let step = 1; step <= journal.entries.length; step++) {
      const db = openDatabase(file);
      applyMigrations(db, migrationsUpTo(step));
      const now = tables(db);
      expect(now).toEqual(expect.arrayContaining(previous));
      const applied = db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
      expect(applied.n).toBe(step);
      previous = now;
      db.$client.close();
    }
    // And the full set on top of that is a no-op.
    const db = openDatabase(file);
    applyMigrations(db);
    expect(tables(db)).toEqual(previous);
    db.$client.close();
  });
});
