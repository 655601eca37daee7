// The backup's SQL on PostgreSQL (issue 21): what the manifest lists of a database, read in the very
// snapshot that pg_dump copies (exported from a repeatable-read transaction), and the checks a
// restore needs of its target. Names tables by their SQL names, below the features, as repository.ts
// does on SQLite.
import type pg from 'pg';
import type { SnapshotContents } from './repository.js';

/** A connection of its own (never the server's pool): a backup or restore is one operator command. */
export async function connect(url: string): Promise<pg.Client> {
  // node-postgres is loaded here, not at start: a backup of an SQLite file never needs it.
  const { default: driver } = await import('pg');
  const client = new driver.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The server's major version (15 for 15.4; 9 for 9.6 is of no concern here). */
export async function serverMajorVersion(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  const major = Math.floor(Number(rows[0]!.v) / 10_000);
  if (!Number.isSafeInteger(major) || major <= 0) throw new Error(`unexpected server_version_num ${rows[0]!.v}`);
  return major;
}

/**
 * Opens a read-only repeatable-read transaction and exports its snapshot, which pg_dump then copies
 * (`--snapshot`): the manifest's lists and the dump see the same committed rows, while the server
 * keeps writing. The transaction must stay open until the dump has finished; `endSnapshot` ends it.
 */
export async function exportSnapshot(client: pg.Client): Promise<string> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
  return rows[0]!.id;
}

export async function endSnapshot(client: pg.Client): Promise<void> {
  await client.query('COMMIT');
}

async function tablesOf(client: pg.Client): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  );
  return new Set(rows.map((r) => r.name));
}

/** The same contents as snapshotContents on SQLite, read inside the exported snapshot. */
export async function snapshotContentsPg(client: pg.Client, counted: readonly string[]): Promise<SnapshotContents> {
  const tables = await tablesOf(client);
  const counts: Record<string, number> = {};
  for (const table of counted) {
    if (tables.has(table)) counts[table] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);
  }
  // drizzle's PostgreSQL migrator keeps its journal in the schema "drizzle".
  const journal = (await client.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'drizzle' AND table_name = '__drizzle_migrations'")).rows[0]!.n;
  const migrations = Number(journal) > 0 ? Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).rows[0]!.n) : 0;
  const storedNames = tables.has('evidence_files') ? (await client.query<{ name: string; size: number }>('SELECT stored_name AS name, size FROM evidence_files ORDER BY id')).rows : [];
  const archives = tables.has('audit_archives') ? (await client.query<{ name: string; sha256: string }>('SELECT file_name AS name, file_sha256 AS sha256 FROM audit_archives ORDER BY id')).rows : [];
  return { storedNames, archives, counts, migrations };
}

/**
 * What a target database already holds: the number of tables, sequences, views and functions outside
 * PostgreSQL's own schemas (0 for a database just made with createdb). A restore goes only into an empty one.
 */
export async function objectsInDatabase(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`
    SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%')
         + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')) AS n`);
  return Number(rows[0]!.n);
}

/**
 * Returns a restored database to the empty state it was found in (a restore whose proof failed):
 * every schema the dump created, then every table, sequence, view and function in `public`. Only
 * called on a database that objectsInDatabase found empty before the restore.
 */
export async function emptyRestoredDatabase(client: pg.Client): Promise<void> {
  await client.query(`
    DO $$
    DECLARE r record;
    BEGIN
      FOR r IN SELECT nspname FROM pg_namespace
               WHERE nspname NOT IN ('public', 'pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%' LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', r.nspname);
      END LOOP;
      FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') LOOP
        EXECUTE format(CASE r.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS public.%I CASCADE' WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS public.%I CASCADE' ELSE 'DROP TABLE IF EXISTS public.%I CASCADE' END, r.relname);
      END LOOP;
      FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S' LOOP
        EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', r.relname);
      END LOOP;
      FOR r IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', r.signature);
      END LOOP;
    END $$`);
}
