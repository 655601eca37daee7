// PRAGMA secure_delete (issue 15): a deleted identity or forgotten query code is overwritten in the
// database file, not left readable in a free page or cell for anyone who copies the file.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { onPostgres } from '../../src/db/engine.js';
import { tempDir } from '../helpers/app.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// About the SQLite file itself (its free pages and WAL); PostgreSQL has no such pragma.
describe.skipIf(onPostgres)('secure_delete', () => {
  it('deleted rows leave no trace of their content in the database file', () => {
    dir = tempDir('sunshine-secure-delete-');
    const file = path.join(dir, 'sunshine.db');
    const db = openDatabase(file);
    const sqlite = db.$client;
    expect(sqlite.pragma('secure_delete', { simple: true })).toBe(1);
    sqlite.exec('create table t (id integer primary key, secret text)');
    const marker = 'REPORTER-IDENTITY-MARKER-0123456789';
    const insert = sqlite.prepare('insert into t (secret) values (?)');
    for (let i = 0; i < 50; i++) insert.run(`${marker}-${i}`);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(file).includes(marker)).toBe(true);
    sqlite.exec('delete from t');
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.close();
    expect(fs.readFileSync(file).includes(marker)).toBe(false);
  });
});
