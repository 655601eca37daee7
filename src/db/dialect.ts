// The few SQL expressions the two engines spell differently (issue 21), as fragment builders for
// the repositories: one small module per difference rather than engine checks scattered through
// the features. Everything else the repositories write is SQL both engines read alike.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { onPostgres } from './engine.js';

/** China is UTC+8 all year (no daylight saving): a moment's China calendar date, 'YYYY-MM-DD'. */
export function chinaDateOf(moment: SQLWrapper): SQL {
  return onPostgres ? sql`to_char(${moment} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')` : sql`date(${moment} / 1000 + 28800, 'unixepoch')`;
}

/** A whole-number member of a JSON object held in a text column, e.g. the `by` of a draft. */
export function jsonIntegerOf(column: SQLWrapper, key: string): SQL {
  if (!/^\w+$/.test(key)) throw new Error(`jsonIntegerOf: bad key ${key}`);
  return onPostgres ? sql`((${column})::jsonb ->> ${key})::integer` : sql`json_extract(${column}, ${`$.${key}`})`;
}

/**
 * A list of integers as one bound parameter, for `x IN <list>`: the statement stays small however
 * long the list (a unit tree of ~250 ids), and each use can still be read through an index.
 */
export function integerList(values: readonly number[]): SQL {
  return onPostgres ? sql`(select unnest(${sql.param(values)}::integer[]))` : sql`(select value from json_each(${JSON.stringify(values)}))`;
}

/** A JSON array of values as text (keyset cursors): `json_array` on SQLite, `json_build_array` on PostgreSQL. */
export function jsonArrayText(values: readonly SQLWrapper[]): SQL {
  const list = sql.join(values.map((v) => sql`${v}`), sql`, `);
  return onPostgres ? sql`json_build_array(${list})::text` : sql`json_array(${list})`;
}

/**
 * personNameKey (src/shared/person-name.ts) in SQL: spaces and full-width spaces dropped, cut at the
 * first bracket. PostgreSQL has split_part; SQLite cuts with instr and substr.
 */
export function personNameKeyOf(column: SQLWrapper): SQL {
  const folded = sql`replace(replace(replace(coalesce(${column}, ''), ' ', ''), '　', ''), '（', '(')`;
  return onPostgres ? sql`split_part(${folded}, '(', 1)` : sql`(case when instr(${folded}, '(') > 0 then substr(${folded}, 1, instr(${folded}, '(') - 1) else ${folded} end)`;
}

/** Count of rows where a condition holds (SQLite sums booleans; PostgreSQL has no sum(boolean)). */
export function countWhere(condition: SQLWrapper): SQL {
  return sql`sum(case when ${condition} then 1 else 0 end)`;
}

/**
 * The next number of a counter: PostgreSQL's sequence `name` (migrations-pg; safe under concurrent
 * writers on several nodes), or on SQLite `onSqlite` (e.g. max(id) + 1), which the one connection's
 * transaction keeps from racing.
 */
export function nextNumber(name: string, onSqlite: SQL): SQL {
  if (!/^[a-z_]+$/.test(name)) throw new Error(`nextNumber: bad sequence name ${name}`);
  return onPostgres ? sql`nextval(${name})` : onSqlite;
}

/**
 * Whether `err` is a unique-constraint violation on `table` (on its `column`, when given) — a race two
 * writers can lose, e.g. the same form posted twice at once — as either engine reports it.
 */
export function isUniqueViolation(err: unknown, table: string, column?: string): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const { code, detail, table: pgTable, message } = e as { code?: string; detail?: string; table?: string; message?: string };
    if (code === '23505' && pgTable === table && (column === undefined || detail?.startsWith(`Key (${column})=`))) return true;
    if (message?.includes(`UNIQUE constraint failed: ${table}.${column ?? ''}`)) return true;
  }
  return false;
}

/**
 * A moment given in milliseconds, as a value to compare with a moment column in raw SQL:
 * `r.accepted_at < ${moment(cutoff)}`. (Drizzle's own operators — lt(col, ms) — convert by
 * themselves; a raw template does not, and PostgreSQL compares timestamptz with timestamptz only.)
 */
export function moment(ms: number): SQL {
  return onPostgres ? sql`to_timestamp(${ms}::float8 / 1000)` : sql`${ms}`;
}

/** A boolean column's true in raw SQL (SQLite stores 1; PostgreSQL has a boolean type). */
export const TRUE: SQL = onPostgres ? sql`true` : sql`1`;
/** A boolean column's false in raw SQL. */
export const FALSE: SQL = onPostgres ? sql`false` : sql`0`;

/**
 * SQLite's index hint after a table name (`from reports r ${sqliteIndexHint('not indexed')}`): the
 * statistics measured SQLite's planner choosing a slower path without it. PostgreSQL has no such
 * syntax, and its planner chooses by the table's statistics: there the hint is nothing.
 */
export function sqliteIndexHint(hint: 'not indexed' | `indexed by ${string}`): SQL {
  if (!/^(not indexed|indexed by [a-z_]+)$/.test(hint)) throw new Error(`sqliteIndexHint: bad hint ${hint}`);
  return onPostgres ? sql`` : sql.raw(hint);
}

/**
 * A join whose order is the one written, `a ${JOIN_IN_ORDER} b on …`: SQLite's CROSS JOIN keeps the
 * left table outer (the small one drives). PostgreSQL refuses ON after CROSS JOIN and orders joins
 * by itself: there it is an inner join.
 */
export const JOIN_IN_ORDER: SQL = onPostgres ? sql`join` : sql`cross join`;

/**
 * The planner's plan of a statement, for the index tests: SQLite's EXPLAIN QUERY PLAN (rows of id,
 * parent, notused, detail), PostgreSQL's EXPLAIN (rows of one column, "QUERY PLAN"). Read each
 * row's line with planLineOf.
 */
export function explainPlan(statement: SQL): SQL {
  return onPostgres ? sql`explain ${statement}` : sql`explain query plan ${statement}`;
}

/** One line of an explainPlan row: its last column (SQLite's detail, PostgreSQL's only one). */
export function planLineOf(row: Record<string, unknown>): string {
  return String(Object.values(row).at(-1));
}

/** `select count(*) as n` of tables named `name` (0 or 1): whether a migration has made it yet. */
export function tableCount(name: string): SQL {
  return onPostgres
    ? sql`select count(*) as n from information_schema.tables where table_schema = current_schema() and table_name = ${name}`
    : sql`select count(*) as n from sqlite_master where type = 'table' and name = ${name}`;
}

/**
 * The largest id a row can have on both engines: ids are `integer` on PostgreSQL (4 bytes,
 * src/db/schema.ts), and a larger number compared with an id column there is an error (a 500)
 * where SQLite simply finds nothing. A number from outside — a link's id or keyset cursor — is
 * checked with isRowId (or bounded by MAX_ROW_ID) before it reaches a query.
 */
export const MAX_ROW_ID = 2_147_483_647;

/** Whether `n` can be a row's id on either engine: a whole number from 1 to MAX_ROW_ID. */
export function isRowId(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_ROW_ID;
}

/**
 * The row id a link or form writes as text (decimal digits only: a query cursor, a path segment, a
 * select's value), or undefined when it is none — empty, not a number, 0, or beyond MAX_ROW_ID.
 */
export function rowIdOf(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return isRowId(n) ? n : undefined;
}
