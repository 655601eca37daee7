// What a data directory must look like after any fault: read with the server stopped. On SQLite the
// database file in DATA_DIR, opened read-only; on PostgreSQL (issue 21) the data directory's own
// database (test/helpers/pg-databases.ts), while the evidence, the temporary files and the key
// checks stay with DATA_DIR as on SQLite.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { decryptFromStore, readAll } from '../../src/evidence/index.js';
import { deriveKeys, KEY_FILE_NAME } from '../../src/plugins/keys.js';
import { databaseForDataDir, dropDatabaseOfDataDir, masterKeyForDataDir, suiteDatabaseUrl } from '../helpers/pg-databases.js';

export interface StoreState {
  /** 'ok', or what the engine's own check found (SQLite's integrity_check, PostgreSQL's amcheck). */
  integrity: string;
  reports: number;
  /** Reports without their 'received' event. */
  withoutReceivedEvent: number[];
  /** Reports without their audit entry, and filings audited whose report is not there (ids as text). */
  withoutAuditEntry: string[];
  auditedWithoutReport: string[];
  /** Evidence rows whose stored file is missing. */
  missingFiles: string[];
  /** Files in files/ that no evidence row references (including .part leftovers). */
  orphanFiles: string[];
  tmpEntries: string[];
}

export interface EvidenceRow {
  storedName: string;
  sha256: string;
  ownerId: number;
}

const REPORTS = 'select count(*) as n from reports';
const WITHOUT_RECEIVED = "select r.id from reports r where not exists (select 1 from report_events e where e.report_id = r.id and e.type = 'received') order by r.id";
const WITHOUT_AUDIT = "select cast(r.id as text) as id from reports r where not exists (select 1 from audit_log a where a.action = 'report.file' and a.object_id = cast(r.id as text)) order by r.id";
const AUDITED_WITHOUT_REPORT = "select a.object_id as id from audit_log a where a.action = 'report.file' and not exists (select 1 from reports r where cast(r.id as text) = a.object_id) order by a.id";
const STORED_NAMES = 'select stored_name as n from evidence_files';
const EVIDENCE_ROWS = 'select stored_name as "storedName", sha256, owner_id as "ownerId" from evidence_files order by id';

/** What the database says, compared with what DATA_DIR holds. */
type Counted = Pick<StoreState, 'integrity' | 'reports' | 'withoutReceivedEvent' | 'withoutAuditEntry' | 'auditedWithoutReport'>;

function stateOf(dataDir: string, filesDir: string, counted: Counted, storedNames: string[]): StoreState {
  const stored = new Set(storedNames);
  const onDisk = fs.readdirSync(filesDir);
  return {
    ...counted,
    missingFiles: [...stored].filter((n) => !onDisk.includes(n)),
    orphanFiles: onDisk.filter((n) => !stored.has(n)),
    tmpEntries: fs.existsSync(path.join(dataDir, 'tmp')) ? fs.readdirSync(path.join(dataDir, 'tmp')) : [],
  };
}

function withSqliteFile<T>(dataDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'sunshine.db'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The SQLite data directory's state (the SQLite backup's tests read a restored copy with it). */
export function inspectStore(dataDir: string, filesDir = path.join(dataDir, 'files')): StoreState {
  return withSqliteFile(dataDir, (db) =>
    stateOf(
      dataDir,
      filesDir,
      {
        integrity: (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer',
        reports: (db.prepare(REPORTS).get() as { n: number }).n,
        withoutReceivedEvent: (db.prepare(WITHOUT_RECEIVED).all() as { id: number }[]).map((r) => r.id),
        withoutAuditEntry: (db.prepare(WITHOUT_AUDIT).all() as { id: string }[]).map((r) => r.id),
        auditedWithoutReport: (db.prepare(AUDITED_WITHOUT_REPORT).all() as { id: string }[]).map((r) => r.id),
      },
      (db.prepare(STORED_NAMES).all() as { n: string }[]).map((r) => r.n),
    ),
  );
}

export function evidenceRows(dataDir: string): EvidenceRow[] {
  return withSqliteFile(dataDir, (db) => db.prepare(EVIDENCE_ROWS).all() as EvidenceRow[]);
}

async function withPgDatabase<T>(dataDir: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: await databaseForDataDir(dataDir) });
  await client.connect();
  try {
    return await read(client);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL has no integrity_check: amcheck (postgresql-contrib) verifies every B-tree index of the
 * portal's tables and that each row of the table is found in it.
 */
async function pgIntegrity(client: pg.Client): Promise<string> {
  await client.query('create extension if not exists amcheck');
  const indexes = await client.query<{ name: string }>(
    `select c.oid::regclass::text as name from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
     join pg_namespace n on n.oid = c.relnamespace where am.amname = 'btree' and n.nspname = current_schema() and c.relpersistence = 'p'`,
  );
  const problems: string[] = [];
  for (const { name } of indexes.rows) {
    try {
      await client.query('select bt_index_check($1::regclass, true)', [name]);
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  }
  return problems.length ? problems.join('; ') : 'ok';
}

/**
 * The data directory's state on the engine the suite runs on; the evidence compared with `filesDir`
 * (SUNSHINE_EVIDENCE_DIR when the server had one).
 */
export async function inspectPortal(dataDir: string, filesDir = path.join(dataDir, 'files')): Promise<StoreState> {
  if (!suiteDatabaseUrl) return inspectStore(dataDir, filesDir);
  return withPgDatabase(dataDir, async (client) =>
    stateOf(
      dataDir,
      filesDir,
      {
        integrity: await pgIntegrity(client),
        reports: Number((await client.query<{ n: string }>(REPORTS)).rows[0]!.n),
        withoutReceivedEvent: (await client.query<{ id: number }>(WITHOUT_RECEIVED)).rows.map((r) => r.id),
        withoutAuditEntry: (await client.query<{ id: string }>(WITHOUT_AUDIT)).rows.map((r) => r.id),
        auditedWithoutReport: (await client.query<{ id: string }>(AUDITED_WITHOUT_REPORT)).rows.map((r) => r.id),
      },
      (await client.query<{ n: string }>(STORED_NAMES)).rows.map((r) => r.n),
    ),
  );
}

/** The evidence rows on the engine the suite runs on. */
export async function portalEvidenceRows(dataDir: string): Promise<EvidenceRow[]> {
  if (!suiteDatabaseUrl) return evidenceRows(dataDir);
  return withPgDatabase(dataDir, async (client) => (await client.query<EvidenceRow>(EVIDENCE_ROWS)).rows);
}

/** Deletes a data directory kept for inspection, and on PostgreSQL its database. */
export async function removePortal(dataDir: string): Promise<void> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await dropDatabaseOfDataDir(dataDir);
}

function keyOfDataDir(dataDir: string): string {
  const keyFile = path.join(dataDir, KEY_FILE_NAME);
  return suiteDatabaseUrl && !fs.existsSync(keyFile) ? masterKeyForDataDir(dataDir) : fs.readFileSync(keyFile, 'utf8').trim();
}

/**
 * SHA-256 of a stored evidence file decrypted with the data directory's master key (or `masterKey`):
 * its key file, or on PostgreSQL, where the key is configuration, the key its servers were given.
 */
export async function decryptedSha256(dataDir: string, storedName: string, masterKey?: Buffer, filesDir = path.join(dataDir, 'files')): Promise<string> {
  const key = masterKey ?? Buffer.from(keyOfDataDir(dataDir), 'base64');
  const plain = await readAll(decryptFromStore({ files: filesDir, tmp: path.join(dataDir, 'tmp') }, deriveKeys(key).files, storedName));
  return crypto.createHash('sha256').update(plain).digest('hex');
}
