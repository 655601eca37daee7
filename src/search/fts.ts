import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { indexTokens, queryTerms } from './tokenize.js';

/**
 * One shared full-text index for every kind of document (reports, typical cases, policy pages,
 * villages, ledger items…), told apart by `doc_type`. `body` holds the pre-tokenized text (see
 * tokenize.ts); `unicode61` then only splits it on the spaces (remove_diacritics 0: the tokens
 * are already normalized, and ü must not become u).
 *
 * `search_index_keys` maps (doc_type, doc_id) to the FTS rowid, so re-indexing or removing a
 * document is a key lookup: FTS5 cannot look up its UNINDEXED columns without reading every row.
 *
 * The statements are separated by drizzle's breakpoint marker (an SQL comment), so the constant
 * can be pasted into a custom migration as it is, or run with `exec`.
 */
export const CREATE_SEARCH_INDEX_STATEMENTS: readonly string[] = [
  `CREATE VIRTUAL TABLE search_index USING fts5(
  doc_type UNINDEXED,
  doc_id UNINDEXED,
  scope UNINDEXED,
  body,
  tokenize = 'unicode61 remove_diacritics 0'
);`,
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
  /** What kind of document: 'report', 'case', 'policy', 'village', … */
  type: string;
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
  type: string;
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

function checkType(type: string): string {
  if (type === '') throw new RangeError('search: empty document type');
  return type;
}

/**
 * Indexes a document, replacing what was indexed before under the same type and id. Runs in a
 * transaction (a savepoint when `db` is one already), so the document is never half replaced.
 */
export function indexDocument(db: Executor, doc: SearchDocument): void {
  const type = checkType(doc.type);
  const id = docId(doc.id);
  const text = typeof doc.text === 'string' ? doc.text : doc.text.join('\n');
  const body = indexTokens(text);
  db.transaction((tx) => {
    const key = tx.get<{ id: number }>(sql`
      INSERT INTO search_index_keys (doc_type, doc_id) VALUES (${type}, ${id})
      ON CONFLICT (doc_type, doc_id) DO UPDATE SET doc_type = excluded.doc_type
      RETURNING id`)!;
    tx.run(sql`DELETE FROM search_index WHERE rowid = ${key.id}`);
    tx.run(sql`
      INSERT INTO search_index (rowid, doc_type, doc_id, scope, body)
      VALUES (${key.id}, ${type}, ${id}, ${doc.scope ?? null}, ${body})`);
  });
}

/** Removes a document from the index; false when it was not there. */
export function removeDocument(db: Executor, type: string, id: DocId): boolean {
  const key = db.get<{ id: number }>(sql`
    DELETE FROM search_index_keys WHERE doc_type = ${type} AND doc_id = ${docId(id)} RETURNING id`);
  if (!key) return false;
  db.run(sql`DELETE FROM search_index WHERE rowid = ${key.id}`);
  return true;
}

/** Removes every document of a type (before re-indexing them all). */
export function removeAllDocuments(db: Executor, type: string): void {
  db.run(sql`DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_keys WHERE doc_type = ${type})`);
  db.run(sql`DELETE FROM search_index_keys WHERE doc_type = ${type}`);
}

/** The WHERE conditions on search_index for a filter, or null when nothing can match. */
function conditions(filter: SearchFilter): SQL[] | null {
  const expr = matchExpression(filter.query);
  if (expr === null) return null;
  const out = [sql`search_index MATCH ${expr}`, sql`search_index.doc_type = ${filter.type}`];
  if (filter.scope !== undefined) {
    const scopes = typeof filter.scope === 'string' ? [filter.scope] : filter.scope;
    if (scopes.length === 0) return null;
    out.push(sql`search_index.scope IN (${sql.join(scopes.map((s) => sql`${s}`), sql`, `)})`);
  }
  return out;
}

/**
 * The ids of the documents of a type that match every term of the query, best first (ties by id).
 * An empty query, or one with no letters or digits, finds nothing.
 */
export function searchIds(db: Executor, options: SearchOptions): SearchHit[] {
  const limit = Math.min(Math.max(Math.floor(options.limit), 0), MAX_SEARCH_LIMIT);
  const where = conditions(options);
  if (where === null || !(limit > 0)) return [];
  const after = options.after;
  if (after) where.push(sql`(rank > ${after.rank} OR (rank = ${after.rank} AND doc_id > ${after.id}))`);
  return db.all<SearchHit>(sql`
    SELECT doc_id AS id, rank FROM search_index
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY rank, doc_id
    LIMIT ${limit}`);
}

/**
 * A condition for a larger query: `<column> IN (SELECT doc_id FROM search_index WHERE … MATCH …)`,
 * e.g. `db.select().from(reports).where(and(eq(reports.countyCode, c), matchesSearch(reports.id,
 * { type: 'report', query })))`. When the query has nothing to search for the condition is false;
 * leave it out of the query when the search box is empty.
 */
export function matchesSearch(column: SQLWrapper, filter: SearchFilter): SQL {
  const where = conditions(filter);
  if (where === null) return sql`0`;
  return sql`${column} IN (SELECT doc_id FROM search_index WHERE ${sql.join(where, sql` AND `)})`;
}

/** Whether a query has anything to search for (letters or digits). */
export function hasSearchTerms(query: string): boolean {
  return matchExpression(query) !== null;
}
