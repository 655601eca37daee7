// The full-text index's statements on SQLite: FTS5 tables (postgres-repository.ts is the same on
// PostgreSQL; repository.ts picks one). The tables and the MATCH expression are catalog.ts's. Async and
// taking the database or a transaction's tx (src/db/transaction.ts): a feature that keeps its
// documents in step with its own rows (a report filed, a case published) indexes them with the tx
// of the transaction that writes the rows, so both commit or neither.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { docId, matchExpression, MAX_SEARCH_LIMIT, OWN_ID_TYPES, ownRowId, searchTable, tokenBody, type DocId, type SearchDocType, type SearchDocument, type SearchFilter, type SearchHit, type SearchOptions, type NewestMatches } from './catalog.js';

/** A type's table as an SQL identifier. */
function tableOf(type: SearchDocType): SQL {
  return sql`${sql.identifier(searchTable(type))}`;
}

/**
 * Runs `work` under a savepoint: inside a transaction it nests, outside one it is a transaction of
 * its own, so the statements of one document change are applied whole or not at all.
 */
function atomically<T>(q: Db, work: () => T): T {
  q.run(sql`SAVEPOINT search_index_change`);
  try {
    const result = work();
    q.run(sql`RELEASE search_index_change`);
    return result;
  } catch (err) {
    q.run(sql`ROLLBACK TO search_index_change`);
    q.run(sql`RELEASE search_index_change`);
    throw err;
  }
}

/**
 * Indexes a document, replacing what was indexed before under the same type and id. The three
 * statements run under a savepoint (nested in the caller's transaction, if any), so the document is
 * never half replaced.
 */
export async function indexDocument(db: Executor, doc: SearchDocument): Promise<void> {
  const table = tableOf(doc.type);
  const id = docId(doc.id);
  const body = tokenBody(doc.text);
  if (OWN_ID_TYPES.has(doc.type)) {
    const rowid = ownRowId(doc.type, doc.id);
    return query(db, (q) =>
      atomically(q, () => {
        q.run(sql`DELETE FROM ${table} WHERE rowid = ${rowid}`);
        q.run(sql`INSERT INTO ${table} (rowid, doc_id, scope, body) VALUES (${rowid}, ${id}, ${doc.scope ?? null}, ${body})`);
      }),
    );
  }
  return query(db, (q) =>
    atomically(q, () => {
      const key = q.get<{ id: number }>(sql`
        INSERT INTO search_index_keys (doc_type, doc_id) VALUES (${doc.type}, ${id})
        ON CONFLICT (doc_type, doc_id) DO UPDATE SET doc_type = excluded.doc_type
        RETURNING id`)!;
      q.run(sql`DELETE FROM ${table} WHERE rowid = ${key.id}`);
      q.run(sql`INSERT INTO ${table} (rowid, doc_id, scope, body) VALUES (${key.id}, ${id}, ${doc.scope ?? null}, ${body})`);
    }),
  );
}

/**
 * Indexes many new documents of one type with two prepared statements each (≈6× faster than
 * indexDocument per document): for filling a type's index in bulk. Pass a transaction's tx (one
 * commit for all). A document already indexed under the same type and id makes it throw: with
 * `replaceAll`, every document of the type is removed first.
 */
export async function indexNewDocuments(db: Executor, type: SearchDocType, docs: Iterable<Omit<SearchDocument, 'type'>>, options: { replaceAll?: boolean } = {}): Promise<number> {
  const table = searchTable(type);
  return query(db, (q) => {
    const client = q.$client;
    if (options.replaceAll) removeAll(q, type);
    if (OWN_ID_TYPES.has(type)) {
      const add = client.prepare<[number, string, string | null, string]>(`INSERT INTO "${table}" (rowid, doc_id, scope, body) VALUES (?, ?, ?, ?)`);
      let n = 0;
      // A document already indexed under the same id makes it throw: FTS5 refuses a rowid twice ("constraint failed").
      for (const doc of docs) {
        add.run(ownRowId(type, doc.id), docId(doc.id), doc.scope ?? null, tokenBody(doc.text));
        n += 1;
      }
      return n;
    }
    const addKey = client.prepare<[string, string], { id: number }>('INSERT INTO search_index_keys (doc_type, doc_id) VALUES (?, ?) RETURNING id');
    const add = client.prepare<[number, string, string | null, string]>(`INSERT INTO "${table}" (rowid, doc_id, scope, body) VALUES (?, ?, ?, ?)`);
    let n = 0;
    for (const doc of docs) {
      const id = docId(doc.id);
      add.run(addKey.get(type, id)!.id, id, doc.scope ?? null, tokenBody(doc.text));
      n += 1;
    }
    return n;
  });
}

/** Removes a document from the index; false when it was not there. */
export async function removeDocument(db: Executor, type: SearchDocType, id: DocId): Promise<boolean> {
  const table = tableOf(type);
  const doc = docId(id);
  if (OWN_ID_TYPES.has(type)) {
    const rowid = ownRowId(type, id);
    return query(db, (q) => q.run(sql`DELETE FROM ${table} WHERE rowid = ${rowid}`).changes > 0);
  }
  return query(db, (q) =>
    atomically(q, () => {
      const key = q.get<{ id: number }>(sql`
        DELETE FROM search_index_keys WHERE doc_type = ${type} AND doc_id = ${doc} RETURNING id`);
      if (!key) return false;
      q.run(sql`DELETE FROM ${table} WHERE rowid = ${key.id}`);
      return true;
    }),
  );
}

function removeAll(q: Db, type: SearchDocType): void {
  q.run(sql`DELETE FROM ${tableOf(type)}`);
  q.run(sql`DELETE FROM search_index_keys WHERE doc_type = ${type}`);
}

/** Removes every document of a type (before re-indexing them all). */
export async function removeAllDocuments(db: Executor, type: SearchDocType): Promise<void> {
  searchTable(type);
  return query(db, (q) => atomically(q, () => removeAll(q, type)));
}

/** How many documents of a type are indexed. */
export async function countDocuments(db: Executor, type: SearchDocType): Promise<number> {
  searchTable(type);
  if (OWN_ID_TYPES.has(type)) return query(db, (q) => q.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${tableOf(type)}`)?.n ?? 0);
  return query(db, (q) => q.get<{ n: number }>(sql`SELECT count(*) AS n FROM search_index_keys WHERE doc_type = ${type}`)?.n ?? 0);
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
export async function searchIds(db: Executor, options: SearchOptions): Promise<SearchHit[]> {
  const table = tableOf(options.type);
  const limit = Math.min(Math.max(Math.floor(options.limit), 0), MAX_SEARCH_LIMIT);
  const where = conditions(table, options);
  if (where === null || !(limit > 0)) return [];
  const after = options.after;
  if (after) where.push(sql`(rank > ${after.rank} OR (rank = ${after.rank} AND doc_id > ${after.id}))`);
  return query(db, (q) =>
    q.all<SearchHit>(sql`
      SELECT doc_id AS id, rank FROM ${table}
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY rank, doc_id
      LIMIT ${limit}`),
  );
}

/**
 * A condition for another feature's repository query (built, not run, so not async):
 * `<column> IN (the doc ids of the rows of search_index_<type> that MATCH …)`, e.g.
 * `q.select().from(reports).where(and(eq(reports.countyCode, c), matchesSearch(reports.id,
 * { type: 'report', query })))`. When the query has nothing to search for the condition is false;
 * leave it out of the query when the search box is empty.
 */
export function matchesSearch(column: SQLWrapper, filter: SearchFilter, options: { since?: NewestMatches } = {}): SQL {
  const table = tableOf(filter.type);
  const where = conditions(table, filter);
  if (where === null) return sql`0`;
  // The ids come from the key table by rowid rather than from the FTS table's own doc_id column:
  // reading a stored column of every match costs far more than its rowid (a common word such as
  // 低保 matches most reports: 370 → 210 ms at 150,000 matches, bench/findings.md).
  const matches = sql`SELECT ${table}.rowid AS key FROM ${table} WHERE ${sql.join(where, sql` AND `)}`;
  const since = options.since;
  // Only the matches indexed at or after `since.key` (recentMatchFloor's, the `among`-th newest).
  // FTS5 applies `rowid >= key` beside MATCH only after reading the whole doclist (低保: 5 ms at
  // 144,000 matches, as for all of them), but stops reading the newest end after a LIMIT (0.5 ms for
  // 8,000): so the newest matches up to twice `among` (room for matches indexed since the key was
  // read, between two statements of one request), then the key as the bound.
  const keys = since ? sql`SELECT newest.key FROM (${matches} ORDER BY ${table}.rowid DESC LIMIT ${Math.ceil(since.among) * 2}) AS newest WHERE newest.key >= ${since.key}` : matches;
  // A report's rowid is its id (OWN_ID_TYPES): the matches are the ids.
  if (OWN_ID_TYPES.has(filter.type)) return sql`${column} IN (${keys})`;
  return sql`${column} IN (SELECT search_index_keys.doc_id FROM search_index_keys WHERE search_index_keys.id IN (${keys}))`;
}

/**
 * matchesSearch tested on each row: the FTS table is probed for the row's own key (≈ 20–50 µs a
 * row) instead of every match being read first. For a scope of a few hundred reports and a word
 * that matches 144,000 (issue 22).
 */
export function matchesSearchPerRow(column: SQLWrapper, filter: SearchFilter): SQL {
  const table = tableOf(filter.type);
  const where = conditions(table, filter);
  if (where === null) return sql`0`;
  if (OWN_ID_TYPES.has(filter.type)) return sql`EXISTS (SELECT 1 FROM ${table} WHERE ${sql.join(where, sql` AND `)} AND ${table}.rowid = ${column})`;
  return sql`EXISTS (SELECT 1 FROM ${table} WHERE ${sql.join(where, sql` AND `)} AND ${table}.rowid = (SELECT search_index_keys.id FROM search_index_keys WHERE search_index_keys.doc_type = ${filter.type} AND search_index_keys.doc_id = CAST(${column} AS TEXT)))`;
}

/**
 * The key of the `n`-th most recently indexed match of the filter, or null when fewer than `n`
 * documents match (then reading every match is cheap). FTS5 reads a term's doclist from its newest
 * end: ≈ 0.2 ms for 1,000 of 144,000 matches of 低保. With matchesSearch's `since` a page can be
 * looked for among the newest matches first (issue 22); indexedBefore tells whether that was enough.
 */
export async function recentMatchFloor(db: Executor, filter: SearchFilter, n: number): Promise<number | null> {
  const table = tableOf(filter.type);
  const where = conditions(table, filter);
  if (where === null || !(n >= 1)) return null;
  const row = await query(db, (q) => q.get<{ key: number }>(sql`SELECT ${table}.rowid AS key FROM ${table} WHERE ${sql.join(where, sql` AND `)} ORDER BY ${table}.rowid DESC LIMIT 1 OFFSET ${Math.floor(n) - 1}`));
  return row?.key ?? null;
}

/** A condition: the document of this type and id (`column`) was first indexed before `key` (a key older than recentMatchFloor's). */
export function indexedBefore(column: SQLWrapper, type: SearchDocType, key: number): SQL {
  searchTable(type);
  // `+`: a test on each row the caller's bounds read, never a range of rowids to drive the statement.
  if (OWN_ID_TYPES.has(type)) return sql`+${column} < ${key}`;
  return sql`EXISTS (SELECT 1 FROM search_index_keys WHERE search_index_keys.doc_type = ${type} AND search_index_keys.doc_id = CAST(${column} AS TEXT) AND search_index_keys.id < ${key})`;
}
