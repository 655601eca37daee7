// The staff inbox: queues, filters, sorting and keyset paging over the reports in scope (issue 4
// "Triage and handling"); the statements are in repository/inbox.ts.
import { addDays, todayInChina } from '../../clocks/index.js';
import type { Db } from '../../db/connection.js';
import type { StaffContext } from '../../plugins/auth.js';
import { STATUSES } from '../catalog.js';
import { findRegion } from '../../regions/index.js';
import { scopeOf } from './scope.js';
import { dashboardTallies, inboxPage } from './repository/inbox.js';

export const QUEUES = ['mine', 'unit', 'unassigned', 'overdue', 'all'] as const;
export type Queue = (typeof QUEUES)[number];
export const SORTS = ['newest', 'oldest', 'due', 'real_name'] as const;
export type Sort = (typeof SORTS)[number];

export interface InboxFilter {
  queue: Queue;
  status?: string;
  category?: string;
  region?: string;
  channel?: string;
  clock?: 'on_time' | 'due_soon' | 'overdue';
  from?: string;
  to?: string;
  q?: string;
  sort: Sort;
  after?: string;
  limit: number;
}

export async function listInbox(db: Db, staff: StaffContext, f: InboxFilter) {
  const scope = await scopeOf(db, staff);
  const today = todayInChina();
  const regionLevel = f.region ? (await findRegion(db, f.region))?.level : undefined;
  return inboxPage(db, { scope: scope.condition, userId: staff.user.id, unitId: staff.unit.id, today, soon: addDays(today, 3), regionLevel, filter: f });
}

/** Counts by status and by clock state for the dashboard, over the user's scope. */
export async function dashboardCounts(db: Db, staff: StaffContext) {
  const scope = await scopeOf(db, staff);
  const today = todayInChina();
  const { byStatus, clock } = await dashboardTallies(db, scope.condition, staff.user.id, today, addDays(today, 3));
  // In the order a report moves through (DESIGN.md §3), not the database's.
  byStatus.sort((a, b) => STATUSES.indexOf(a.status as (typeof STATUSES)[number]) - STATUSES.indexOf(b.status as (typeof STATUSES)[number]));
  return { byStatus, clock: { overdue: clock?.overdue ?? 0, dueSoon: clock?.dueSoon ?? 0, onTime: clock?.onTime ?? 0, mine: clock?.mine ?? 0, hastened: clock?.hastened ?? 0 } };
}
