// Databases for the suite on PostgreSQL (issue 21): `DATABASE_URL=postgres://…/test npm run test:pg`
// points at a database the suite may create databases from. Like the SQLite template file
// (template-db.ts), a template database with migrations and reference data is built once per
// change of its sources; every test app or server gets `CREATE DATABASE … TEMPLATE …` (a file copy
// inside PostgreSQL, milliseconds) and drops it when it closes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { onPostgres } from '../../src/db/engine.js';
import { applyMigrations, closeDatabase, openConfiguredDatabase } from '../../src/db/connection.js';
import { PG_MIGRATIONS_DIR } from '../../src/db/postgres/connection.js';
import { installRegions } from '../../src/regions/index.js';
import { installUnits } from '../../src/units/index.js';
import { indexVillageNames } from '../../src/disclosure/village-search.js';

/** The database the suite was pointed at (DATABASE_URL), or null when it runs on SQLite. */
export const suiteDatabaseUrl: string | null = onPostgres ? process.env.DATABASE_URL! : null;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: suiteDatabaseUrl! });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function fingerprint(): string {
  const hash = crypto.createHash('sha256');
  const sources = [PG_MIGRATIONS_DIR, path.join(PG_MIGRATIONS_DIR, 'meta'), path.resolve('data-source'), path.resolve('src/regions'), path.resolve('src/units'), path.resolve('src/search')];
  const files = sources.flatMap((dir) => fs.readdirSync(dir).sort().map((file) => path.join(dir, file)));
  files.push(path.resolve('src/disclosure/village-search.ts'));
  for (const full of files) if (fs.statSync(full).isFile()) hash.update(path.basename(full)).update(fs.readFileSync(full));
  return hash.digest('hex').slice(0, 12);
}

const templateName = () => `sunshine_template_${fingerprint()}`;

/** A new, empty database as the portal needs it: UTF-8, with a UTF-8 ctype for the search's parser. */
const CREATE_EMPTY = `TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`;

const testDatabaseName = () => `sunshine_test_${process.pid}_${crypto.randomBytes(6).toString('hex')}`;

/** Builds the template database unless one of the same sources exists; returns its name. */
export async function buildPgTemplate(): Promise<string> {
  const name = templateName();
  const exists = await admin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
  if (exists) return name;
  const building = `${name}_building_${process.pid}`;
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${building}"`));
  await admin((c) => c.query(`CREATE DATABASE "${building}" ${CREATE_EMPTY}`));
  const db = await openConfiguredDatabase({ databaseUrl: withDatabase(suiteDatabaseUrl!, building), dataDir: '' });
  try {
    await applyMigrations(db);
    await installRegions(db);
    await installUnits(db);
    await indexVillageNames(db);
  } finally {
    await closeDatabase(db);
  }
  try {
    await admin((c) => c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`));
  } catch (err) {
    // Another vitest run built the same template meanwhile (42P04: the name exists): use theirs.
    if ((err as { code?: string }).code !== '42P04') throw err;
    await admin((c) => c.query(`DROP DATABASE IF EXISTS "${building}"`));
  }
  return name;
}

/** A new database copied from the template; its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = testDatabaseName();
  const template = process.env.SUNSHINE_PG_TEMPLATE ?? (await buildPgTemplate());
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return withDatabase(suiteDatabaseUrl!, name);
}

/** A new database with nothing in it (not even the schema): a first start. */
export async function createEmptyTestDatabase(): Promise<string> {
  const name = testDatabaseName();
  await admin((c) => c.query(`CREATE DATABASE "${name}" ${CREATE_EMPTY}`));
  return withDatabase(suiteDatabaseUrl!, name);
}

/** Drops a database made by createTestDatabase (its connections are ended first). */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!name.startsWith('sunshine_test_')) throw new Error(`not a test database: ${name}`);
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

// A test that starts an app or a server again on the same data directory (a restart) gets the same
// database: the data directory stands for "the portal's data" as it does on SQLite.
const byDataDir = new Map<string, string>();

/** The database of a data directory, created from the template the first time. */
export async function databaseForDataDir(dataDir: string): Promise<string> {
  let url = byDataDir.get(dataDir);
  if (!url) byDataDir.set(dataDir, (url = await createTestDatabase()));
  return url;
}

/** Drops the database of a data directory being deleted (nothing when it has none). */
export async function dropDatabaseOfDataDir(dataDir: string): Promise<void> {
  const url = byDataDir.get(dataDir);
  if (!url) return;
  byDataDir.delete(dataDir);
  await dropTestDatabase(url);
}

/** The same key on every start of one data directory's server (a PostgreSQL start requires one). */
const keys = new Map<string, string>();
export function masterKeyForDataDir(dataDir: string): string {
  let key = keys.get(dataDir);
  if (!key) keys.set(dataDir, (key = crypto.randomBytes(32).toString('base64')));
  return key;
}
