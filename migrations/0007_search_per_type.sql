-- One FTS5 table per document type (src/search/fts.ts), so that a public search no longer reads the
-- staff-only reports' rows to test their type. The rows of the shared table move to their type's
-- table under the same rowid (the id in search_index_keys, which stays as it is); then the shared
-- table goes. Types outside the fixed list (none were ever written) lose their keys.
CREATE VIRTUAL TABLE search_index_report USING fts5(
  doc_id UNINDEXED,
  scope UNINDEXED,
  body,
  tokenize = 'unicode61 remove_diacritics 0'
);
--> statement-breakpoint
CREATE VIRTUAL TABLE search_index_case USING fts5(
  doc_id UNINDEXED,
  scope UNINDEXED,
  body,
  tokenize = 'unicode61 remove_diacritics 0'
);
--> statement-breakpoint
CREATE VIRTUAL TABLE search_index_policy USING fts5(
  doc_id UNINDEXED,
  scope UNINDEXED,
  body,
  tokenize = 'unicode61 remove_diacritics 0'
);
--> statement-breakpoint
CREATE VIRTUAL TABLE search_index_village USING fts5(
  doc_id UNINDEXED,
  scope UNINDEXED,
  body,
  tokenize = 'unicode61 remove_diacritics 0'
);
--> statement-breakpoint
INSERT INTO search_index_report (rowid, doc_id, scope, body)
  SELECT s.rowid, s.doc_id, s.scope, s.body FROM search_index_keys k JOIN search_index s ON s.rowid = k.id
  WHERE k.doc_type = 'report' ORDER BY k.id;
--> statement-breakpoint
INSERT INTO search_index_case (rowid, doc_id, scope, body)
  SELECT s.rowid, s.doc_id, s.scope, s.body FROM search_index_keys k JOIN search_index s ON s.rowid = k.id
  WHERE k.doc_type = 'case' ORDER BY k.id;
--> statement-breakpoint
INSERT INTO search_index_policy (rowid, doc_id, scope, body)
  SELECT s.rowid, s.doc_id, s.scope, s.body FROM search_index_keys k JOIN search_index s ON s.rowid = k.id
  WHERE k.doc_type = 'policy' ORDER BY k.id;
--> statement-breakpoint
INSERT INTO search_index_village (rowid, doc_id, scope, body)
  SELECT s.rowid, s.doc_id, s.scope, s.body FROM search_index_keys k JOIN search_index s ON s.rowid = k.id
  WHERE k.doc_type = 'village' ORDER BY k.id;
--> statement-breakpoint
DELETE FROM search_index_keys WHERE doc_type NOT IN ('report', 'case', 'policy', 'village');
--> statement-breakpoint
DROP TABLE search_index;
