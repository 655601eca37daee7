// The copy's statements on the PostgreSQL target (issue 21), on one connection of its own: what the
// migrated schema holds (tables, columns and their types, foreign keys, sequences), whether anything
// is in it yet, the rows written a batch at a time, and the sequences set past the copied ids.
import pg from 'pg';

export type Target = pg.Client;

export async function openTarget(url: string): Promise<Target> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

export async function closeTarget(client: Target): Promise<void> {
  await client.end();
}

export interface TargetColumn {
  name: string;
  /** information_schema's data_type: integer, text, boolean, bytea, timestamp with time zone, tsvector … */
  type: string;
  required: boolean;
}

/** Every table of the current schema with its columns in order. */
export async function targetTables(client: Target): Promise<Map<string, TargetColumn[]>> {
  const { rows } = await client.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string; column_default: string | null; is_identity: string }>(`
    SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable, c.column_default, c.is_identity
    FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name, c.ordinal_position`);
  const out = new Map<string, TargetColumn[]>();
  for (const r of rows) {
    const columns = out.get(r.table_name) ?? [];
    const type = r.data_type === 'USER-DEFINED' ? r.udt_name : r.data_type;
    columns.push({ name: r.column_name, type, required: r.is_nullable === 'NO' && r.column_default === null && r.is_identity === 'NO' });
    out.set(r.table_name, columns);
  }
  return out;
}

/** Foreign keys as (table, the table it refers to), for the order of the copy. */
export async function foreignKeys(client: Target): Promise<{ from: string; to: string }[]> {
  const { rows } = await client.query<{ from: string; to: string }>(`
    SELECT c.conrelid::regclass::text AS "from", c.confrelid::regclass::text AS "to"
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE c.contype = 'f' AND n.nspname = current_schema()`);
  return rows.map((r) => ({ from: r.from.replace(/^"|"$/g, ''), to: r.to.replace(/^"|"$/g, '') }));
}

/** The tables of the current schema that hold at least one row. */
export async function tablesWithRows(client: Target): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const full: string[] = [];
  for (const { name } of rows) {
    if ((await client.query(`SELECT 1 FROM "${name}" LIMIT 1`)).rowCount) full.push(name);
  }
  return full;
}

export async function begin(client: Target): Promise<void> {
  await client.query('BEGIN');
}

export async function commit(client: Target): Promise<void> {
  await client.query('COMMIT');
}

export async function rollback(client: Target): Promise<void> {
  await client.query('ROLLBACK');
}

/**
 * Statistics for the planner on every table, after the rows are in: without them PostgreSQL guessed
 * a search for 低保 matched ≈ 9,000 documents (it matches 147,000), read them all through the GIN
 * index and sorted them for the newest 2,000 (≈ 700 ms), where the primary key read backwards stops
 * after ≈ 2,800 rows (≈ 5 ms); autovacuum analyzes a bulk-loaded table only minutes later (issue 22).
 */
export async function analyze(client: Target): Promise<void> {
  await client.query('ANALYZE');
}

/**
 * Turns the tables' own triggers off (or on again) inside the copy's transaction: the change-stamp
 * triggers would count every copied row into change_stamps, whose own rows are copied as they are.
 */
export async function userTriggers(client: Target, tables: readonly string[], on: boolean): Promise<void> {
  for (const t of tables) await client.query(`ALTER TABLE "${t}" ${on ? 'ENABLE' : 'DISABLE'} TRIGGER USER`);
}

/**
 * Inserts rows (arrays in `columns` order, values already in PostgreSQL's form) in one statement. A
 * tsvector column takes the SQLite full-text table's tokens through to_tsvector('simple', …), as the
 * search's own indexing does.
 */
export async function insertRows(client: Target, table: string, columns: readonly { name: string; type: string }[], rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const cells = row.map((value, i) => {
      params.push(value);
      return columns[i]!.type === 'tsvector' ? `to_tsvector('simple', $${params.length})` : `$${params.length}`;
    });
    return `(${cells.join(', ')})`;
  });
  await client.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES ${tuples.join(', ')}`, params);
}

export async function targetRowCount(client: Target, table: string): Promise<number> {
  return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`)).rows[0]!.n);
}

/** Identity (and serial) columns: each table's sequence and the column it numbers. */
export async function numberedColumns(client: Target): Promise<{ table: string; column: string; sequence: string }[]> {
  const { rows } = await client.query<{ table: string; column: string; sequence: string | null }>(`
    SELECT table_name AS "table", column_name AS "column", pg_get_serial_sequence(quote_ident(table_name), column_name) AS "sequence"
    FROM information_schema.columns
    WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`);
  return rows.filter((r): r is { table: string; column: string; sequence: string } => r.sequence !== null);
}

/** Sequences no column owns (e.g. report_case_numbers): the copy must know how each continues. */
export async function freeSequences(client: Target): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'S' AND n.nspname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
    ORDER BY 1`);
  return rows.map((r) => r.name);
}

/** Sets a column's sequence so that its next value follows the largest copied one. */
export async function continueAfterMax(client: Target, sequence: string, table: string, column: string): Promise<void> {
  await client.query(`SELECT setval($1::regclass, (SELECT coalesce(max("${column}"), 0) + 1 FROM "${table}"), false)`, [sequence]);
}

/** Sets a free sequence so that its next value is `next`. */
export async function continueAt(client: Target, sequence: string, next: number): Promise<void> {
  await client.query('SELECT setval($1::regclass, $2, false)', [sequence, next]);
}

/** The live audit entries in id order after `afterId` (raw rows, as the driver gives them), and the last archive's end. */
export async function auditEntriesAfter(client: Target, afterId: number, limit: number): Promise<Record<string, unknown>[]> {
  return (await client.query('SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit])).rows;
}

export async function lastArchiveEnd(client: Target): Promise<string | null> {
  const { rows } = await client.query<{ last_mac: string }>('SELECT last_mac FROM audit_archives ORDER BY last_id DESC, id DESC LIMIT 1');
  return rows[0]?.last_mac ?? null;
}
