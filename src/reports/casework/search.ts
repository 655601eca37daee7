// Free-text search over reports through the Chinese FTS index (src/search): two-character words
// such as 低保 match (DESIGN.md §6). A case number typed whole is matched exactly too.
import { or, eq, sql, type SQL } from 'drizzle-orm';
import { reports } from '../tables.js';
import { hasSearchTerms, matchesSearch } from '../../search/index.js';

export function reportSearchCondition(q: string): SQL {
  const byText = hasSearchTerms(q) ? matchesSearch(reports.id, { type: 'report', query: q }) : sql`0`;
  return /^JL\d{4}-\d{6}$/i.test(q.trim()) ? or(eq(reports.caseNo, q.trim().toUpperCase()), byText)! : byText;
}
