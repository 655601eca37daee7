// Bulk writes to the full-text index through src/search/repository.ts bulkIndexer(): one indexer (two
// prepared statements) per document type, each writing its type's own FTS table, with the same
// key rows and token bodies indexDocument() writes. The indexers are made before the bulk load
// (`await writer.prepare()`), so indexing a document stays a synchronous call inside the
// generator's large transactions.
import type Database from 'better-sqlite3';
import { bulkIndexer, type SearchDocType } from '../../src/search/index.js';

type Indexer = Awaited<ReturnType<typeof bulkIndexer>>;

/** The document types the generator indexes. */
const TYPES: readonly SearchDocType[] = ['report', 'case'];

export class SearchWriter {
  private readonly indexers = new Map<SearchDocType, Indexer>();
  count = 0;

  constructor(private readonly sqlite: Database.Database) {}

  /** Makes the indexers of the types the generator writes; call once before indexing. */
  async prepare(types: readonly SearchDocType[] = TYPES): Promise<void> {
    for (const type of types) if (!this.indexers.has(type)) this.indexers.set(type, await bulkIndexer(this.sqlite, type));
  }

  index(type: SearchDocType, id: number | string, fields: readonly string[], scope: string | null = null): void {
    const add = this.indexers.get(type);
    if (!add) throw new Error(`search writer: no indexer for ${type} (call prepare() first)`);
    add({ id, scope, text: fields });
    this.count++;
  }
}
