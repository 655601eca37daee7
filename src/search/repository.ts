import type Database from 'better-sqlite3';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { indexTokens, queryTerms } from './tokenize.js';

/**
 * One FTS5 table per kind of document (reports, typical cases, policy pages, villages), so a search
 * reads only its own kind's index: with one shared table a public query for 低保 matched ≈150,000
 * staff-only reports and SQLite read each matched row to test its type (bench/findings.md). The
 * table names come from the fixed list below, never from input. `body` holds the pre-tokenized
 * text (see tokenize.ts); `unicode61` then only splits it on the spaces (remove_diacritics 0: the
 * tokens are already normalized, and ü must not become u).
 *
 * `search_index_keys` (shared by all kinds) maps (doc_type, doc_id) to the FTS rowid, so
 * re-indexing or removing a document is a key lookup: FTS5 cannot look up its UNINDEXED columns
 * without reading every row. A key's id is the rowid of the document in its kind's table.
 *
 * The statements are separated by drizzle's breakpoint marker (an SQL comment), so the constant
 * can be pasted into a custom migration as it is, or run with `exec`. Adding a kind takes a
 * migration creating its table (as migrations/0007_search_per_type.sql did).
 */
export const SEARCH_DOC_TYPES = ['report', 'case', 'policy', 'village'] as const;

/** What kind of document: each has its own FTS5 table. */
export type SearchDocType = (typeof SEARCH_DOC_TYPES)[number];

const TABLES: Readonly<Record<SearchDocType, string>> = {
  report: 'search_index_report',
  case: 'search_index_case',
  policy: 'search_index_policy',
  village: 'search_index_village',
};

/** The FTS5 table of a document type; throws for any other value (table names never come from input). */
export function searchTable(type: SearchDocType): string {
  if (typeof type !== 'string' || !Object.hasOwn(TABLES, type)) throw new RangeError(`search: unknown document type ${String(type).slice(0, 40)}`);
  return TABLES[type];
}

/** A type's table as an SQL identifier. */
function tableOf(type: SearchDocType): SQL {
  return sql`${sql.identifier(searchTable(type))}`;
}

export const CREATE_SEARCH_INDEX_STATEMENTS: readonly string[] = [
  ...SEARCH_DOC_TYPES.map(
    (type) => `CREATE VIRTUAL TABLE ${TABLES[type]} USING fts5(
  doc_id UNINDEXED,
  scope UNINDEXED,
  body,
  tokenize = 'unicode61 remove_diacritics 0'
);`,
  ),
  `CREATE TABLE search_index_keys (
  id INTEGER PRIMARY KEY,
  doc_type TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  UNIQUE (doc_type, doc_id)
);`,
];

export const CREATE_SEARCH_INDEX_SQL = CREATE_SEARCH_INDEX_STATEMENTS.join('\n--> statement-breakpoint\n');

/** At most this many hits per call to searchIds. */
export const MAX_SEARCH_LIMIT = 1000;

export type DocId = string | number;

export interface SearchDocument {
  /** What kind of document: 'report', 'case', 'policy' or 'village'. */
  type: SearchDocType;
  /** Stored as text; numeric ids compare equal to integer columns in `matchesSearch`. */
  id: DocId;
  /** What a search may be restricted to (a unit, a county code…); null when none. */
  scope?: string | null;
  /** The text, or several fields (indexed as separate lines, so no CJK bigram spans two). */
  text: string | readonly string[];
}

export interface SearchHit {
  id: string;
  /** FTS5 bm25 rank: lower is better. */
  rank: number;
}

export interface SearchFilter {
  type: SearchDocType;
  /** The user's input, as typed. */
  query: string;
  /** Only documents indexed with this scope (or one of these). */
  scope?: string | readonly string[];
}

export interface SearchOptions extends SearchFilter {
  limit: number;
  /** The last hit of the previous page: hits are ordered by (rank, id), and the next page follows it. */
  after?: SearchHit;
}

/**
 * The FTS5 MATCH expression for a user's query, or null when it has nothing to search for.
 * Every term is a double-quoted string (an FTS5 string cannot contain operators, and the tokens
 * hold only letters and digits anyway); the terms are joined with AND. A CJK term is a phrase of
 * its bigrams, a Latin word or number a prefix query: 申请低保户 abc → "申请 请低 低保 保户" AND "abc"*
 */
export function matchExpression(query: string): string | null {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t.tokens.join(' ').replaceAll('"', '""')}"${t.prefix ? '*' : ''}`).join(' AND ');
}

function docId(id: DocId): string {
  if (typeof id === 'number' && !Number.isSafeInteger(id)) throw new RangeError(`search: bad document id ${id}`);
  return String(id);
}

function tokenBody(text: string | readonly string[]): string {
  return indexTokens(typeof text === 'string' ? text : text.join('\n'));
}

/**
 * Indexes a document, replacing what was indexed before under the same type and id. Runs in a
 * transaction (a savepoint when `db` is one already), so the document is never half replaced.
 */
export function indexDocument(db: Executor, doc: SearchDocument): void {
  const table = tableOf(doc.type);
  const id = docId(doc.id);
  const body = tokenBody(doc.text);
  db.transaction((tx) => {
    const key = tx.get<{ id: number }>(sql`
      INSERT INTO search_index_keys (doc_type, doc_id) VALUES (${doc.type}, ${id})
      ON CONFLICT (doc_type, doc_id) DO UPDATE SET doc_type = excluded.doc_type
      RETURNING id`)!;
    tx.run(sql`DELETE FROM ${table} WHERE rowid = ${key.id}`);
    tx.run(sql`INSERT INTO ${table} (rowid, doc_id, scope, body) VALUES (${key.id}, ${id}, ${doc.scope ?? null}, ${body})`);
  });
}

/**
 * Indexes many new documents of one type with two prepared statements each (≈6× faster than
 * indexDocument per document, which opens a savepoint each time): for filling a type's index in
 * bulk. Run the returned function inside one transaction; a document already indexed under the
 * same type and id makes it throw (remove it, or the whole type, first).
 */
export function bulkIndexer(client: Database.Database, type: SearchDocType): (doc: Omit<SearchDocument, 'type'>) => void {
  const table = searchTable(type);
  const addKey = client.prepare<[string, string], { id: number }>('INSERT INTO search_index_keys (doc_type, doc_id) VALUES (?, ?) RETURNING id');
  const add = client.prepare<[number, string, string | null, string]>(`INSERT INTO "${table}" (rowid, doc_id, scope, body) VALUES (?, ?, ?, ?)`);
  return (doc) => {
    const id = docId(doc.id);
    add.run(addKey.get(type, id)!.id, id, doc.scope ?? null, tokenBody(doc.text));
  };
}

/** Removes a document from the index; false when it was not there. */
export function removeDocument(db: Executor, type: SearchDocType, id: DocId): boolean {
  const table = tableOf(type);
  const key = db.get<{ id: number }>(sql`
    DELETE FROM search_index_keys WHERE doc_type = ${type} AND doc_id = ${docId(id)} RETURNING id`);
  if (!key) return false;
  db.run(sql`DELETE FROM ${table} WHERE rowid = ${key.id}`);
  return true;
}

/** Removes every document of a type (before re-indexing them all). */
export function removeAllDocuments(db: Executor, type: SearchDocType): void {
  db.run(sql`DELETE FROM ${tableOf(type)}`);
  db.run(sql`DELETE FROM search_index_keys WHERE doc_type = ${type}`);
}

/** How many documents of a type are indexed. */
export function countDocuments(db: Executor, type: SearchDocType): number {
  searchTable(type);
  return db.get<{ n: number }>(sql`SELECT count(*) AS n FROM search_index_keys WHERE doc_type = ${type}`)?.n ?? 0;
}

/** The WHERE conditions on a type's table for a filter, or null when nothing can match. */
function conditions(table: SQL, filter: SearchFilter): SQL[] | null {
  const expr = matchExpression(filter.query);
  if (expr === null) return null;
  const out = [sql`${table} MATCH ${expr}`];
  if (filter.scope !== undefined) {
    const scopes = typeof filter.scope === 'string' ? [filter.scope] : filter.scope;
    if (scopes.length === 0) return null;
    out.push(sql`${table}.scope IN (${sql.join(scopes.map((s) => sql`${s}`), sql`, `)})`);
  }
  return out;
}

/**
 * The ids of the documents of a type that match every term of the query, best first (ties by id).
 * An empty query, or one with no letters or digits, finds nothing.
 */
export function searchIds(db: Executor, options: SearchOptions): SearchHit[] {
  const table = tableOf(options.type);
  const limit = Math.min(Math.max(Math.floor(options.limit), 0), MAX_SEARCH_LIMIT);
  const where = conditions(table, options);
  if (where === null || !(limit > 0)) return [];
  const after = options.after;
  if (after) where.push(sql`(rank > ${after.rank} OR (rank = ${after.rank} AND doc_id > ${after.id}))`);
  return db.all<SearchHit>(sql`
    SELECT doc_id AS id, rank FROM ${table}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY rank, doc_id
    LIMIT ${limit}`);
}

/**
 * A condition for a larger query: `<column> IN (the doc ids of the rows of search_index_<type> that MATCH …)`,
 * e.g. `db.select().from(reports).where(and(eq(reports.countyCode, c), matchesSearch(reports.id,
 * { type: 'report', query })))`. When the query has nothing to search for the condition is false;
 * leave it out of the query when the search box is empty.
 */
export function matchesSearch(column: SQLWrapper, filter: SearchFilter): SQL {
  const table = tableOf(filter.type);
  const where = conditions(table, filter);
  if (where === null) return sql`0`;
  // The ids come from the key table by rowid rather than from the FTS table's own doc_id column:
  // reading a stored column of every match costs far more than its rowid (a common word such as
  // 低保 matches most reports: 370 → 210 ms at 150,000 matches, bench/findings.md).
  return sql`${column} IN (SELECT search_index_keys.doc_id FROM search_index_keys WHERE search_index_keys.id IN (SELECT ${table}.rowid FROM ${table} WHERE ${sql.join(where, sql` AND `)}))`;
}

/** Whether a query has anything to search for (letters or digits). */
export function hasSearchTerms(query: string): boolean {
  return matchExpression(query) !== null;
}
