// The typical cases' part of the site search (src/site-search): published cases among the best
// matches of the query in the cases' full-text index.
import type { Executor } from '../db/executor.js';
import { searchIds } from '../search/index.js';
import { publishedCasesAmong, type TypicalCase } from './repository.js';

export async function searchPublishedCases(db: Executor, query: string, limit: number): Promise<Pick<TypicalCase, 'id' | 'title' | 'quarter'>[]> {
  const ids = (await searchIds(db, { type: 'case', query, limit })).map((h) => Number(h.id)).filter(Number.isSafeInteger);
  return publishedCasesAmong(db, ids);
}
