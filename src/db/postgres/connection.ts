// The PostgreSQL engine (issue 21): a pool of connections through node-postgres and drizzle's pg
// dialect, the repositories' SQLite-style endings (compat.ts), and migrations applied under an
// advisory lock so that several app nodes starting together apply each migration once.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { installSqliteEndings } from './compat.js';
import { transactionWaitLimit } from '../wait-limit.js';

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations-pg', import.meta.url));

/** Any fixed number: every node asks for the same lock before it migrates. */
const MIGRATION_LOCK = 7_221_021;

const INT8 = 20;
const NUMERIC = 1700;
const TIMESTAMPTZ = 1184;
const DATE = 1082;

/**
 * Values as the repositories know them from SQLite: count(*) and sums (int8, numeric) as numbers
 * (every count here is far below 2^53), moments (timestamptz) as milliseconds; calendar dates stay
 * 'YYYY-MM-DD' text. Set on node-postgres's type table, which this process uses only for this
 * database. drizzle's node-postgres session hands timestamps to its own date columns as text by
 * checking each column's type against `types.builtins.TIMESTAMPTZ`; this project has no such
 * columns (its moments are numbers, src/db/schema.ts), so that check is pointed at no type and
 * timestamptz values reach the parser below in every query, typed or raw.
 */
let typeParsersInstalled = false;

function installTypeParsers(): void {
  if (typeParsersInstalled) return;
  typeParsersInstalled = true;
  const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ);
  pg.types.setTypeParser(INT8, (value: string) => Number(value));
  pg.types.setTypeParser(NUMERIC, (value: string) => Number(value));
  pg.types.setTypeParser(TIMESTAMPTZ, (value: string) => (parseTimestamp(value) as Date).getTime());
  pg.types.setTypeParser(DATE, (value: string) => value);
  (pg.types.builtins as { TIMESTAMPTZ: number }).TIMESTAMPTZ = -1;
}

export type PgDb = ReturnType<typeof drizzle<Record<string, never>, pg.Pool>>;

export function openPostgres(url: string, options: { max?: number } = {}): PgDb {
  installSqliteEndings();
  installTypeParsers();
  // A request waits at most this long for a free client, rather than forever behind stuck ones.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: transactionWaitLimit() });
  // An idle client that loses its server (a restart, a failover) is dropped by the pool; without a
  // listener the error would end the process.
  pool.on('error', () => {});
  return drizzle(pool);
}

/** Applies pending migrations on one connection holding the migration lock. */
export async function migratePostgres(db: PgDb, migrationsFolder = PG_MIGRATIONS_DIR): Promise<void> {
  await whileLocked(db, MIGRATION_LOCK, (client) => migrate(drizzle(client), { migrationsFolder }));
}

/**
 * Runs `work` while one connection of the pool holds a session advisory lock: nodes starting together
 * migrate, and install the reference data, one after the other, so the second finds it there instead
 * of failing on the first's rows. `work` gets that connection (the migrator runs on it) and may use
 * the pool as well.
 */
export async function whileLocked<T>(db: PgDb, lock: number, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.$client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [lock]);
    try {
      return await work(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [lock]);
    }
  } finally {
    client.release();
  }
}

export async function closePostgres(db: PgDb): Promise<void> {
  await db.$client.end();
}
