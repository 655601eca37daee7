// Bulk writes to the full-text index through src/search/repository.ts bulkIndexer(): one indexer (two
// prepared statements) per document type, each writing its type's own FTS table, with the same
// key rows and token bodies indexDocument() writes.
import type Database from 'better-sqlite3';
import { bulkIndexer, type SearchDocType } from '../../src/search/index.js';

export class SearchWriter {
  private readonly indexers = new Map<SearchDocType, ReturnType<typeof bulkIndexer>>();
  count = 0;

  constructor(private readonly sqlite: Database.Database) {}

  index(type: SearchDocType, id: number | string, fields: readonly string[], scope: string | null = null): void {
    let add = this.indexers.get(type);
    if (!add) this.indexers.set(type, (add = bulkIndexer(this.sqlite, type)));
    add({ id, scope, text: fields });
    this.count++;
  }
}
