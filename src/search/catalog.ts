// What the full-text index is made of, without touching the database: the kinds of document and
// their FTS5 tables, the statements that create them, the documents and hits, and the MATCH
// expression of a query (src/search/repository.ts runs the statements).
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
 * without reading every row. A key's id is the rowid of the document in its kind's table. Reports
 * are the exception (OWN_ID_TYPES): their rowid is the report's own id and they have no key row.
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

/**
 * The newest matches of a search only: those indexed at or after `key`, recentMatchFloor's key of
 * the `among`-th newest match (issue 22: a common word's first pages and counts are among them).
 */
export interface NewestMatches {
  key: number;
  among: number;
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

/**
 * The tsquery text for a user's query, or null when it has nothing to search for: every term
 * must match (&); a CJK term is a phrase of its bigrams (<->), a Latin word or number a prefix
 * (:*). Tokens hold only letters and digits; each is quoted all the same.
 */
export function tsQueryText(input: string): string | null {
  const terms = queryTerms(input);
  if (terms.length === 0) return null;
  return terms.map((t) => t.tokens.map((token) => `'${token.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`).join(' <-> ') + (t.prefix ? ':*' : '')).join(' & ');
}

/** Whether a query has anything to search for (letters or digits). */
export function hasSearchTerms(query: string): boolean {
  return matchExpression(query) !== null;
}

/**
 * Kinds whose documents are keyed by their own integer id: the FTS rowid (on PostgreSQL the table's
 * id) is the document's id and no key row is kept, so a match is a report's id with no look-up. A
 * staff search for a common word over a county's reports looked up to 144,000 keys (≈ 25–90 ms a
 * statement at 200,000 reports, issue 22). A report's id follows filing order as a key did, so "the
 * newest matches" (recentMatchFloor) stay the highest rowids. Migrations 0032 / pg 0011 moved them.
 */
export const OWN_ID_TYPES: ReadonlySet<SearchDocType> = new Set<SearchDocType>(['report']);

/** The row key of a document of an OWN_ID_TYPES kind: its id, a positive safe integer (else a RangeError). */
export function ownRowId(type: SearchDocType, id: DocId): number {
  const n = typeof id === 'number' ? id : /^[1-9]\d{0,15}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`search: a ${type} document needs a positive integer id, not ${String(id).slice(0, 40)}`);
  return n;
}

/** A document id as stored (text); throws for a number that is no safe integer. */
export function docId(id: DocId): string {
  if (typeof id === 'number' && !Number.isSafeInteger(id)) throw new RangeError(`search: bad document id ${id}`);
  return String(id);
}

/** The pre-tokenized body of a document's text (fields on lines of their own). */
export function tokenBody(text: string | readonly string[]): string {
  return indexTokens(typeof text === 'string' ? text : text.join('\n'));
}
