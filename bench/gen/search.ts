// Writes to the full-text index through src/search's indexNewDocuments(): the same rows (a key row
// each, a report under its own id) and token bodies indexDocument() writes, one bulk insert per document type. The generator's own
// large transactions are synchronous (better-sqlite3) and the search feature's writer is async, so
// documents are collected while the rows are generated and written afterwards (`await flush(db)`),
// each type in one transaction.
import type { Db } from '../../src/db/connection.js';
import { withTransaction } from '../../src/db/transaction.js';
import { indexNewDocuments, type SearchDocType, type SearchDocument } from '../../src/search/index.js';

export class SearchWriter {
  private readonly pending = new Map<SearchDocType, Omit<SearchDocument, 'type'>[]>();
  count = 0;

  index(type: SearchDocType, id: number | string, fields: readonly string[], scope: string | null = null): void {
    let list = this.pending.get(type);
    if (!list) this.pending.set(type, (list = []));
    list.push({ id, scope, text: fields });
    this.count++;
  }

  /** Writes the collected documents into the index; returns how many were written. */
  async flush(db: Db): Promise<number> {
    let written = 0;
    for (const [type, docs] of this.pending) {
      written += await withTransaction(db, (tx) => indexNewDocuments(tx, type, docs));
      this.pending.delete(type);
    }
    return written;
  }
}
