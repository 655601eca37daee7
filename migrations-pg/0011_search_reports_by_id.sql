-- A report's search document is kept under the report's own id (src/search/catalog.ts OWN_ID_TYPES),
-- as on SQLite (migrations/0032): the table's id is the report id and the report has no row in
-- search_index_keys (issue 22). The ids are first moved out of the way (negative), since a unique
-- key is checked row by row; a document whose id is not a report id (none was ever written) goes.
DELETE FROM search_index_report WHERE CASE WHEN doc_id ~ '^[1-9][0-9]{0,9}$' THEN doc_id::bigint > 2147483647 ELSE true END;
--> statement-breakpoint
UPDATE search_index_report SET id = -id;
--> statement-breakpoint
UPDATE search_index_report SET id = doc_id::integer;
--> statement-breakpoint
DELETE FROM search_index_keys WHERE doc_type = 'report';
