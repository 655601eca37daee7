-- Chinese full-text search (src/search/fts.ts): an FTS5 table over bigram-tokenized text, and its key table.
CREATE VIRTUAL TABLE search_index USING fts5(
  doc_type UNINDEXED,
  doc_id UNINDEXED,
  scope UNINDEXED,
  body,
  tokenize = 'unicode61 remove_diacritics 0'
);
--> statement-breakpoint
CREATE TABLE search_index_keys (
  id INTEGER PRIMARY KEY,
  doc_type TEXT NOT NULL,
  doc_id TEXT NOT NULL,
  UNIQUE (doc_type, doc_id)
);
