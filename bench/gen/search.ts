// Bulk writes to the shared full-text index with the layout of src/search/fts.ts indexDocument():
// a key row in search_index_keys, the FTS row under the key's id, body = indexTokens() of the
// document's fields joined by newlines (as indexDocument joins a field list). The same prepared
// statements src/disclosure/village-search.ts uses for its bulk index.
import type Database from 'better-sqlite3';
import { indexTokens } from '../../src/search/tokenize.js';

export class SearchWriter {
  private readonly addKey: Database.Statement<[string, string], { id: number }>;
  private readonly add: Database.Statement<[number, string, string, string | null, string]>;
  count = 0;

  constructor(sqlite: Database.Database) {
    this.addKey = sqlite.prepare<[string, string], { id: number }>('INSERT INTO search_index_keys (doc_type, doc_id) VALUES (?, ?) RETURNING id');
    this.add = sqlite.prepare<[number, string, string, string | null, string]>('INSERT INTO search_index (rowid, doc_type, doc_id, scope, body) VALUES (?, ?, ?, ?, ?)');
  }

  index(type: string, id: number | string, fields: readonly string[], scope: string | null = null): void {
    const docId = String(id);
    const key = this.addKey.get(type, docId)!;
    this.add.run(key.id, type, docId, scope, indexTokens(fields.join('\n')));
    this.count++;
  }
}
