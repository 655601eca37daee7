// Earlier reports that may be the same complaint again (issue 19 item 12): the candidates the
// repeat hint (intake.ts) compares with a report. One bounded read through the county index.
import { and, desc, eq, gte, ne } from 'drizzle-orm';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { reports } from '../../tables.js';
import { regionNameOf } from '../../../regions/index.js';
import type { ReportCondition } from './scope.js';

export interface RepeatCandidate {
  id: number;
  caseNo: string;
  status: string;
  category: string;
  placeCode: string;
  placeName: string | null;
  subjectName: string | null;
  description: string;
  receivedAt: number;
}

/**
 * Reports of the same county received since `since`, other than `exceptId`, that the user may see,
 * newest first, at most `limit`. Same county only: a name or a text like another county's is not a
 * repeat this office could merge, and the county bounds the read (reports_county_idx).
 */
export async function repeatCandidates(db: Executor, scope: ReportCondition, countyCode: string, exceptId: number, since: number, limit: number): Promise<RepeatCandidate[]> {
  return query(db, (q) =>
    q
      .select({
        id: reports.id,
        caseNo: reports.caseNo,
        status: reports.status,
        category: reports.category,
        placeCode: reports.placeCode,
        placeName: regionNameOf(reports.placeCode),
        subjectName: reports.subjectName,
        description: reports.description,
        receivedAt: reports.receivedAt,
      })
      .from(reports)
      .where(and(scope, eq(reports.countyCode, countyCode), ne(reports.id, exceptId), gte(reports.receivedAt, since)))
      .orderBy(desc(reports.receivedAt), desc(reports.id))
      .limit(limit)
      .all(),
  );
}
