// The staff dashboard's tallies as SQL (issue 4 "Triage and handling"; issue 22 for a wide tree's):
// reports in the user's scope by status, the open ones by clock state, and 我的待办.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { reports, wideStatusKey } from '../../tables.js';
import { TRUE } from '../../../db/dialect.js';
import { mineCondition, OPEN, type InboxQuery } from './inbox.js';
import { reportsWhereUpTo, type ReportCondition } from './scope.js';
import { END_STATES } from '../../catalog.js';

/** What the dashboard counts: reports by status (`more`: over the cap, then n is the cap) and the open ones by clock state. */
export interface DashboardTallies {
  byStatus: { status: string; n: number; more?: boolean }[];
  clock: { overdue: number; dueSoon: number; onTime: number; mine: number; hastened: number };
}

/**
 * Reports in scope by status, and the open ones by clock state, for the dashboard. `wide`: a
 * prefecture's or the province's tree (its scope in time order): the open reports are tallied
 * exactly in one pass over reports_wide_status_idx (the tree, due date and hasten in the index) and
 * each state a report ends in (END_STATES) is counted up to `cap` (the province's ≈ 168,000 closed
 * reports are "1,000+" as in the inbox): gathering them through the unit indexes of ≈ 1,150 units,
 * or reading every report, took ≈ 100 ms a view at 200,000 reports (issue 22).
 */
export async function dashboardTallies(db: Executor, scope: ReportCondition, who: Pick<InboxQuery, 'userId' | 'unitId' | 'roles'>, today: string, soon: string, wide?: { inTimeOrder: ReportCondition; cap: number }): Promise<DashboardTallies> {
  const clockSums = {
    overdue: sql<number>`sum(case when ${reports.dueOn} < ${today} then 1 else 0 end)`,
    dueSoon: sql<number>`sum(case when ${reports.dueOn} >= ${today} and ${reports.dueOn} <= ${soon} then 1 else 0 end)`,
    onTime: sql<number>`sum(case when ${reports.dueOn} > ${soon} then 1 else 0 end)`,
    hastened: sql<number>`sum(case when ${reports.hastenPending} = ${TRUE} then 1 else 0 end)`,
  };
  if (!wide) {
    return query(db, async (q) => {
      const byStatus = await q.select({ status: reports.status, n: sql<number>`count(*)` }).from(reports).where(scope).groupBy(reports.status).all();
      const clock = await q
        .select({
          ...clockSums,
          // The same reports as the 我的待办 queue.
          mine: sql<number>`sum(case when ${mineCondition(who)} then 1 else 0 end)`,
        })
        .from(reports)
        .where(and(scope, inArray(reports.status, OPEN)))
        .get();
      return { byStatus: byStatus.map((r) => ({ status: r.status, n: Number(r.n) })), clock: clockOf(clock) };
    });
  }
  const open = await query(db, (q) =>
    q
      .select({ status: reports.status, n: sql<number>`count(*)`, ...clockSums })
      .from(reports)
      .where(and(wide.inTimeOrder, inArray(wideStatusKey(reports.status), OPEN)))
      .groupBy(reports.status)
      .all(),
  );
  const byStatus: DashboardTallies['byStatus'] = open.map((r) => ({ status: r.status, n: Number(r.n) }));
  for (const status of END_STATES) {
    const n = await reportsWhereUpTo(db, and(wide.inTimeOrder, eq(wideStatusKey(reports.status), status))!, wide.cap + 1);
    if (n > 0) byStatus.push(n > wide.cap ? { status, n: wide.cap, more: true } : { status, n });
  }
  // 我的待办 through the user's own indexes (assignee, unit), not the tree's.
  const mine = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(reports).where(and(scope, inArray(reports.status, OPEN), mineCondition(who))).get());
  const sum = (k: keyof typeof clockSums) => open.reduce((t, r) => t + Number(r[k] ?? 0), 0);
  return { byStatus, clock: { overdue: sum('overdue'), dueSoon: sum('dueSoon'), onTime: sum('onTime'), hastened: sum('hastened'), mine: Number(mine?.n ?? 0) } };
}

function clockOf(row: Record<string, unknown> | undefined): DashboardTallies['clock'] {
  const n = (k: string) => Number(row?.[k] ?? 0);
  return { overdue: n('overdue'), dueSoon: n('dueSoon'), onTime: n('onTime'), mine: n('mine'), hastened: n('hastened') };
}
