// Earlier reports that may be the same complaint again (issue 19 item 12): the candidates the
// repeat hint (intake.ts) compares with a report. One bounded read through the county index.
import { and, desc, eq, gte, ne } from 'drizzle-orm';
import { query } from '../../../db/transaction.js';
import type { Db } from '../../../db/connection.js';
import type { Executor } from '../../../db/executor.js';
import { reports } from '../../tables.js';
import { regionNameOf } from '../../../regions/index.js';
import type { ReportCondition } from './scope.js';
import { explainPlan, planLineOf } from '../../../db/dialect.js';

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
 * repeat this office could merge, and the county bounds the read: newest first through
 * reports_county_received_idx, stopping after `limit`. Pass the scope's in-time-order form where it
 * has one (scope.ts), so the unit indexes do not gather the tree's reports first.
 */
export async function repeatCandidates(db: Executor, scope: ReportCondition, countyCode: string, exceptId: number, since: number, limit: number): Promise<RepeatCandidate[]> {
  return query(db, (q) => candidatesStatement(q, scope, countyCode, exceptId, since, limit).all());
}

/** The query plan of repeatCandidates' statement, one line a row: for the index test. */
export async function repeatCandidatesPlan(db: Executor, scope: ReportCondition, countyCode: string, exceptId: number, since: number, limit: number): Promise<string[]> {
  const rows = await query(db, (q) => q.all<Record<string, unknown>>(explainPlan(candidatesStatement(q, scope, countyCode, exceptId, since, limit).getSQL())));
  return rows.map(planLineOf);
}

function candidatesStatement(q: Db, scope: ReportCondition, countyCode: string, exceptId: number, since: number, limit: number) {
  return q
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
    .limit(limit);
}
