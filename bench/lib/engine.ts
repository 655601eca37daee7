// `npm run bench -- --engine pg` (issue 21): the same generated SQLite data, copied by the real
// db:copy code into a fresh PostgreSQL database, and the server started against it. The database is
// dropped at the end unless --keep-db. Options parsed here so that they can be tested.
import path from 'node:path';
import pg from 'pg';
import { copyToPostgres } from '../../src/db-copy/index.js';
import { deriveKeys, loadMasterKey } from '../../src/plugins/keys.js';
import type { Sizes } from '../generate.js';

export type Engine = 'sqlite' | 'pg';

export interface EngineOptions {
  engine: Engine;
  /** The server's URL without a database (postgres://user@host:port); the bench adds its own database. */
  pgServer: string;
  keepDb: boolean;
  /** Fraction of the full sizes to generate (1 = provincial scale); null: the default (full or --quick). */
  scale: number | null;
}

export const DEFAULT_PG_SERVER = 'postgres://postgres@127.0.0.1:5432';

export function engineOptions(args: string[]): EngineOptions {
  const value = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const engine = value('--engine') ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'pg') throw new Error(`--engine must be sqlite or pg, got "${engine}"`);
  const rawScale = value('--scale');
  const scale = rawScale === undefined ? null : Number(rawScale);
  if (scale !== null && !(Number.isFinite(scale) && scale > 0 && scale <= 1)) throw new Error(`--scale must be a number in (0, 1], got "${rawScale}"`);
  const pgServer = (value('--pg') ?? DEFAULT_PG_SERVER).replace(/\/+$/, '');
  if (!/^postgres(ql)?:\/\/[^/]+$/.test(pgServer)) throw new Error(`--pg must be postgres://user@host[:port] without a database, got "${pgServer}"`);
  return { engine, pgServer, keepDb: args.includes('--keep-db'), scale };
}

/**
 * The full sizes times `scale`, with floors where the scenarios need a minimum: the staff day
 * signs in 50 sessions of every level (≥ 300 staff, as --quick), the case list and search need
 * published cases to show.
 */
export function scaledSizes(full: Sizes, scale: number): Sizes {
  const of = (n: number, floor: number) => Math.max(floor, Math.round(n * scale));
  return { recipients: of(full.recipients, 10_000), reports: of(full.reports, 2_000), staff: of(full.staff, 300), ledger: of(full.ledger, 100), cases: of(full.cases, 60) };
}

/** A database name of letters, digits and underscores only (it is put into CREATE DATABASE as is). */
export function benchDatabaseName(pid: number): string {
  return `sunshine_bench_${pid}`;
}

async function onServer<T>(server: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: `${server}/postgres` });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** createdb -E UTF8 -l C.UTF-8 -T template0 <name>; returns the database's URL. */
export async function createBenchDatabase(server: string, name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  await onServer(server, (c) => c.query(`CREATE DATABASE ${name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0`));
  return `${server}/${name}`;
}

export async function dropBenchDatabase(server: string, name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`);
  await onServer(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** The master key of the data dir (DATA_DIR/master.key), as SUNSHINE_MASTER_KEY wants it. */
export function masterKeyOf(dataDir: string): string {
  return loadMasterKey({ dataDir, masterKey: null }).toString('base64');
}

/**
 * Copies the SQLite portal of `dataDir` into `url` with db:copy's own function (the code behind
 * `npm run db:copy`), evidence into `evidenceDir`. db:copy logs after each table; a table of a
 * million rows takes minutes, so every 15 s a line says which table is being written and how large
 * the target has grown (read from another connection: the copy is one transaction).
 */
export async function copyInto(dataDir: string, url: string, evidenceDir: string, log: (line: string) => void): Promise<{ seconds: number; rows: number; tables: number; auditEntries: number; bytes: number }> {
  const t0 = performance.now();
  const name = new URL(url).pathname.slice(1);
  const server = url.slice(0, url.lastIndexOf('/'));
  const watch = new pg.Client({ connectionString: `${server}/postgres` });
  await watch.connect();
  const beat = setInterval(() => {
    void watch
      .query<{ size: string; query: string | null }>(
        `SELECT pg_database_size($1)::text AS size, (SELECT query FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid() LIMIT 1) AS query`,
        [name],
      )
      .then((r) => {
        const row = r.rows[0];
        const table = /insert into "?([a-z0-9_]+)"?/i.exec(row?.query ?? '')?.[1] ?? '…';
        log(`  copying: ${((performance.now() - t0) / 1000).toFixed(0)} s, target ${(Number(row?.size ?? 0) / 1024 ** 2).toFixed(0)} MB, writing ${table}`);
      })
      .catch(() => undefined);
  }, 15_000);
  try {
    const result = await copyToPostgres({
      dataDir,
      sourceEvidenceDir: path.join(dataDir, 'files'),
      to: url,
      evidenceDir,
      auditKey: deriveKeys(loadMasterKey({ dataDir, masterKey: null }))['audit-mac'],
      log: (line) => log(`  ${line} (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
    });
    const size = await watch.query<{ size: string }>('SELECT pg_database_size($1)::text AS size', [name]);
    return { seconds: (performance.now() - t0) / 1000, rows: result.rows, tables: result.tables, auditEntries: result.auditEntries, bytes: Number(size.rows[0]?.size ?? 0) };
  } finally {
    clearInterval(beat);
    await watch.end();
  }
}

/** Commits per second of single-row INSERT transactions on the PostgreSQL database (its default synchronous_commit). */
export async function pgCommitRate(url: string, seconds: number): Promise<{ commitsPerSecond: number; synchronousCommit: string }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const sync = (await c.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit ?? '?';
    // An ordinary (WAL-logged) table, as the product writes; a temporary one would skip the WAL.
    await c.query('CREATE TABLE bench_commit_rate_t (id bigserial PRIMARY KEY, v text NOT NULL)');
    const v = 'x'.repeat(200);
    let n = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    while (performance.now() < end) {
      await c.query({ name: 'bench_commit', text: 'INSERT INTO bench_commit_rate_t (v) VALUES ($1)', values: [v] });
      n++;
    }
    const rate = n / ((performance.now() - t0) / 1000);
    await c.query('DROP TABLE bench_commit_rate_t');
    return { commitsPerSecond: rate, synchronousCommit: sync };
  } finally {
    await c.end();
  }
}
