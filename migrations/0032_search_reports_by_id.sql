-- A report's search document is kept under the report's own id (src/search/catalog.ts OWN_ID_TYPES):
-- the FTS rowid is the report id and the report has no row in search_index_keys, so a match is a
-- report id without a look-up (issue 22). The report table is built again with those rowids (FTS5
-- cannot change a rowid in place: each body is indexed again, ≈ 5 s at 200,000 reports) and
-- renamed; the reports' keys go. A document whose id is not a report id (none was ever written) is left out.
CREATE VIRTUAL TABLE search_index_report_by_id USING fts5(
  doc_id UNINDEXED,
  scope UNINDEXED,
  body,
  tokenize = 'unicode61 remove_diacritics 0'
);
--> statement-breakpoint
INSERT INTO search_index_report_by_id (rowid, doc_id, scope, body)
  SELECT CAST(doc_id AS INTEGER), doc_id, scope, body FROM search_index_report
  WHERE CAST(doc_id AS INTEGER) > 0 AND CAST(CAST(doc_id AS INTEGER) AS TEXT) = doc_id;
--> statement-breakpoint
DROP TABLE search_index_report;
--> statement-breakpoint
ALTER TABLE search_index_report_by_id RENAME TO search_index_report;
--> statement-breakpoint
DELETE FROM search_index_keys WHERE doc_type = 'report';
