// The full-text index's statements on PostgreSQL (issue 21): the same functions as
// sqlite-repository.ts, over the tables of migrations-pg/0001 — each document's bigram tokens
// (tokenize.ts) as a tsvector of the 'simple' configuration with a GIN index, so a two-character
// Chinese word is found as one token and a longer word as a phrase of its bigrams, exactly as the
// FTS5 tables find them. Each change is one statement (no savepoint: on PostgreSQL a statement
// outside a transaction may run on any connection of the pool).
import { Column, is, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { chunks } from '../db/chunks.js';
import { query } from '../db/transaction.js';
import { docId, MAX_SEARCH_LIMIT, OWN_ID_TYPES, ownRowId, searchTable, tokenBody, tsQueryText, type DocId, type SearchDocType, type SearchDocument, type SearchFilter, type SearchHit, type SearchOptions, type NewestMatches } from './catalog.js';

function tableOf(type: SearchDocType): SQL {
  return sql`${sql.identifier(searchTable(type))}`;
}

function tsQuery(input: string): SQL | null {
  const text = tsQueryText(input);
  return text === null ? null : sql`to_tsquery('simple', ${text})`;
}

function conditions(table: SQL, filter: SearchFilter): SQL[] | null {
  const match = tsQuery(filter.query);
  if (match === null) return null;
  const out = [sql`${table}.body @@ ${match}`];
  if (filter.scope !== undefined) {
    const scopes = typeof filter.scope === 'string' ? [filter.scope] : filter.scope;
    if (scopes.length === 0) return null;
    out.push(sql`${table}.scope IN (${sql.join(scopes.map((s) => sql`${s}`), sql`, `)})`);
  }
  return out;
}

export async function indexDocument(db: Executor, doc: SearchDocument): Promise<void> {
  const table = tableOf(doc.type);
  const id = docId(doc.id);
  if (OWN_ID_TYPES.has(doc.type)) {
    const rowId = ownRowId(doc.type, doc.id);
    await query(db, (q) =>
      q.run(sql`
        INSERT INTO ${table} (id, doc_id, scope, body) VALUES (${rowId}, ${id}, ${doc.scope ?? null}, to_tsvector('simple', ${tokenBody(doc.text)}))
        ON CONFLICT (id) DO UPDATE SET doc_id = excluded.doc_id, scope = excluded.scope, body = excluded.body`),
    );
    return;
  }
  await query(db, (q) =>
    q.run(sql`
      WITH k AS (
        INSERT INTO search_index_keys (doc_type, doc_id) VALUES (${doc.type}, ${id})
        ON CONFLICT (doc_type, doc_id) DO UPDATE SET doc_type = excluded.doc_type
        RETURNING id)
      INSERT INTO ${table} (id, doc_id, scope, body)
        SELECT k.id, ${id}, ${doc.scope ?? null}, to_tsvector('simple', ${tokenBody(doc.text)}) FROM k
      ON CONFLICT (id) DO UPDATE SET doc_id = excluded.doc_id, scope = excluded.scope, body = excluded.body`),
  );
}

/** Indexes many new documents of one type, a thousand per statement. */
export async function indexNewDocuments(db: Executor, type: SearchDocType, docs: Iterable<Omit<SearchDocument, 'type'>>, options: { replaceAll?: boolean } = {}): Promise<number> {
  const table = tableOf(type);
  if (options.replaceAll) await removeAllDocuments(db, type);
  let n = 0;
  for (const batch of chunks([...docs], 1000)) {
    const ids = batch.map((d) => docId(d.id));
    const scopes = batch.map((d) => d.scope ?? null);
    const bodies = batch.map((d) => tokenBody(d.text));
    if (OWN_ID_TYPES.has(type)) {
      const rowIds = batch.map((d) => ownRowId(type, d.id));
      await query(db, (q) =>
        q.run(sql`
          INSERT INTO ${table} (id, doc_id, scope, body)
            SELECT d.id, d.doc_id, d.scope, to_tsvector('simple', d.body) FROM unnest(${sql.param(rowIds)}::integer[], ${sql.param(ids)}::text[], ${sql.param(scopes)}::text[], ${sql.param(bodies)}::text[]) AS d(id, doc_id, scope, body)`),
      );
      n += batch.length;
      continue;
    }
    await query(db, (q) =>
      q.run(sql`
        WITH d AS (SELECT * FROM unnest(${sql.param(ids)}::text[], ${sql.param(scopes)}::text[], ${sql.param(bodies)}::text[]) AS d(doc_id, scope, body)),
        k AS (INSERT INTO search_index_keys (doc_type, doc_id) SELECT ${type}, doc_id FROM d RETURNING id, doc_id)
        INSERT INTO ${table} (id, doc_id, scope, body)
          SELECT k.id, k.doc_id, d.scope, to_tsvector('simple', d.body) FROM k JOIN d USING (doc_id)`),
    );
    n += batch.length;
  }
  return n;
}

export async function removeDocument(db: Executor, type: SearchDocType, id: DocId): Promise<boolean> {
  const table = tableOf(type);
  const doc = docId(id);
  if (OWN_ID_TYPES.has(type)) {
    const gone = await query(db, (q) => q.get<{ n: number }>(sql`WITH d AS (DELETE FROM ${table} WHERE id = ${ownRowId(type, id)} RETURNING id) SELECT count(*)::integer AS n FROM d`));
    return (gone?.n ?? 0) > 0;
  }
  const removed = await query(db, (q) =>
    q.get<{ n: number }>(sql`
      WITH k AS (DELETE FROM search_index_keys WHERE doc_type = ${type} AND doc_id = ${doc} RETURNING id),
      d AS (DELETE FROM ${table} WHERE id IN (SELECT id FROM k))
      SELECT count(*) AS n FROM k`),
  );
  return (removed?.n ?? 0) > 0;
}

export async function removeAllDocuments(db: Executor, type: SearchDocType): Promise<void> {
  const table = tableOf(type);
  await query(db, (q) => q.run(sql`WITH d AS (DELETE FROM ${table}) DELETE FROM search_index_keys WHERE doc_type = ${type}`));
}

export async function countDocuments(db: Executor, type: SearchDocType): Promise<number> {
  searchTable(type);
  if (OWN_ID_TYPES.has(type)) return Number((await query(db, (q) => q.get<{ n: number }>(sql`SELECT count(*)::integer AS n FROM ${tableOf(type)}`)))?.n ?? 0);
  const row = await query(db, (q) => q.get<{ n: number }>(sql`SELECT count(*) AS n FROM search_index_keys WHERE doc_type = ${type}`));
  return row?.n ?? 0;
}

/** Best first: rank is minus ts_rank, so that lower is better as with FTS5's bm25; ties by id. */
export async function searchIds(db: Executor, options: SearchOptions): Promise<SearchHit[]> {
  const table = tableOf(options.type);
  const limit = Math.min(Math.max(Math.floor(options.limit), 0), MAX_SEARCH_LIMIT);
  const where = conditions(table, options);
  const match = tsQuery(options.query);
  if (where === null || match === null || !(limit > 0)) return [];
  const rank = sql`(-ts_rank(${table}.body, ${match}))::float8`;
  const after = options.after;
  if (after) where.push(sql`(${rank} > ${after.rank} OR (${rank} = ${after.rank} AND ${table}.doc_id > ${after.id}))`);
  return query(db, (q) =>
    q.all<SearchHit>(sql`
      SELECT ${table}.doc_id AS id, ${rank} AS rank FROM ${table}
      WHERE ${sql.join(where, sql` AND `)}
      ORDER BY rank, ${table}.doc_id
      LIMIT ${limit}`),
  );
}

/** `<column> IN (the ids of the matching documents)`, the doc id cast to the column's type. */
export function matchesSearch(column: SQLWrapper, filter: SearchFilter, options: { since?: NewestMatches } = {}): SQL {
  const table = tableOf(filter.type);
  const where = conditions(table, filter);
  if (where === null) return sql`false`;
  // Only the matches indexed at or after this key (recentMatchFloor): a range of the primary key
  // (`among` serves SQLite's FTS5, which reads a doclist's newest end only under a LIMIT).
  if (options.since) where.push(sql`${table}.id >= ${options.since.key}`);
  // A report's table id is its id (OWN_ID_TYPES): the matches are the ids.
  if (OWN_ID_TYPES.has(filter.type)) return sql`${column} IN (SELECT ${table}.id FROM ${table} WHERE ${sql.join(where, sql` AND `)})`;
  const numeric = is(column, Column) && column.dataType === 'number';
  const id = numeric ? sql`search_index_keys.doc_id::integer` : sql`search_index_keys.doc_id`;
  return sql`${column} IN (SELECT ${id} FROM search_index_keys WHERE search_index_keys.id IN (SELECT ${table}.id FROM ${table} WHERE ${sql.join(where, sql` AND `)}))`;
}

/**
 * The key of the `n`-th most recently indexed match of the filter, or null when fewer than `n`
 * documents match (then reading every match is cheap). The keys are the search table's primary
 * key, so the newest end is read backwards through it, each row tested against the query, instead
 * of the GIN index handing over every match of a common word (低保: ≈ 144,000 of 200,000, issue 22).
 * With matchesSearch's `since` a page is looked for among the newest matches first.
 */
export async function recentMatchFloor(db: Executor, filter: SearchFilter, n: number): Promise<number | null> {
  const table = tableOf(filter.type);
  const where = conditions(table, filter);
  if (where === null || !(n >= 1)) return null;
  const row = await query(db, (q) => q.get<{ key: number }>(sql`SELECT ${table}.id AS key FROM ${table} WHERE ${sql.join(where, sql` AND `)} ORDER BY ${table}.id DESC LIMIT 1 OFFSET ${Math.floor(n) - 1}`));
  return row?.key ?? null;
}

/** A condition: the document of this type and id (`column`) was first indexed before `key` (a key older than recentMatchFloor's). */
export function indexedBefore(column: SQLWrapper, type: SearchDocType, key: number): SQL {
  searchTable(type);
  if (OWN_ID_TYPES.has(type)) return sql`${column} < ${key}`;
  return sql`EXISTS (SELECT 1 FROM search_index_keys WHERE search_index_keys.doc_type = ${type} AND search_index_keys.doc_id = CAST(${column} AS TEXT) AND search_index_keys.id < ${key})`;
}

/** On PostgreSQL the planner chooses how to join the matches: the same condition as matchesSearch. */
export function matchesSearchPerRow(column: SQLWrapper, filter: SearchFilter): SQL {
  return matchesSearch(column, filter);
}
