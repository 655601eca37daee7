// The staff inbox: queues, filters, sorting and keyset paging over the reports in scope (issue 4
// "Triage and handling"); the statements are in repository/inbox.ts.
import { addDays, todayInChina } from '../../clocks/index.js';
import type { Db } from '../../db/connection.js';
import type { StaffContext } from '../../plugins/auth.js';
import { STATUSES } from '../catalog.js';
import { childrenOf, findRegion } from '../../regions/index.js';
import { scopeOf } from './scope.js';
import { inboxCount, countPlan, inboxPage, inboxPagePlan, ledgerBatch, planPages, type InboxQuery, type LedgerRow } from './repository/inbox.js';
import { dashboardTallies } from './repository/dashboard.js';

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
  /** Keyset cursors (repository/inbox.ts): the page after, or before, the row they name. */
  after?: string;
  before?: string;
  limit: number;
}

/** The inbox counts exactly up to this many reports and shows "1,000+" beyond (the export has the exact number). */
export const COUNT_CAP = 1000;

async function inboxQuery(db: Db, staff: StaffContext, f: InboxFilter): Promise<InboxQuery> {
  const scope = await scopeOf(db, staff);
  const today = todayInChina();
  const regionLevel = f.region ? (await findRegion(db, f.region))?.level : undefined;
  // A prefecture's counties (kept by the regions feature): its reports are then read through the county indexes.
  const regionCounties = regionLevel === 'prefecture' ? (await childrenOf(db, f.region!)).filter((r) => r.level === 'county').map((r) => r.code) : undefined;
  return { scope: scope.condition, ...(scope.inTimeOrder ? { scopeInTimeOrder: scope.inTimeOrder } : {}), wideTree: scope.wide, userId: staff.user.id, unitId: staff.unit.id, roles: staff.roles, today, soon: addDays(today, 3), regionLevel, ...(regionCounties ? { regionCounties } : {}), filter: f };
}

export async function listInbox(db: Db, staff: StaffContext, f: InboxFilter) {
  return inboxPage(db, await inboxQuery(db, staff, f));
}

/** The query plan of the filter's first page (for the index tests). */
export async function inboxPlan(db: Db, staff: StaffContext, f: InboxFilter): Promise<string[]> {
  return inboxPagePlan(db, await inboxQuery(db, staff, f));
}

/** The query plan of the filter's count, without a search (for the index tests). */
export async function inboxCountPlan(db: Db, staff: StaffContext, f: InboxFilter, cap = COUNT_CAP): Promise<string[]> {
  return countPlan(db, await inboxQuery(db, staff, { ...f, after: undefined, before: undefined }), cap);
}

/**
 * How many reports in the user's scope match the filter (cursors ignored), counted up to `cap` + 1:
 * `{ n, more }` with `more` true when there are over `cap` (then n = cap). `known`: what listInbox
 * found while planning the page (its `matching` count, how its search ran), not asked again.
 */
export async function countInbox(db: Db, staff: StaffContext, f: InboxFilter, cap = COUNT_CAP, known?: { matching?: { n: number; cap: number }; searchPerRow?: boolean }): Promise<{ n: number; more: boolean }> {
  // Counted already while the page was planned (listInbox's `matching`), to the same cap.
  const counted = known?.matching;
  if (counted && counted.cap === cap) return counted.n > cap ? { n: cap, more: true } : { n: counted.n, more: false };
  const x = await inboxQuery(db, staff, { ...f, after: undefined, before: undefined });
  const n = await inboxCount(db, known?.searchPerRow === undefined ? x : { ...x, searchPerRow: known.searchPerRow }, cap);
  return n > cap ? { n: cap, more: true } : { n, more: false };
}

/** The reports of the filter for the 台账 export, in batches (keyset, so memory stays flat however many). */
export async function* ledgerRows(db: Db, staff: StaffContext, f: InboxFilter, batch = 1000): AsyncGenerator<LedgerRow[]> {
  const x = await planPages(db, await inboxQuery(db, staff, { ...f, after: undefined, before: undefined }));
  let after: string | undefined;
  for (;;) {
    const page = await ledgerBatch(db, x, after, batch);
    if (page.rows.length > 0) yield page.rows;
    if (!page.next) return;
    after = page.next;
  }
}

/** A prefecture's or the province's dashboard counts each state a report ends in up to `cap` (exported for the tests, which set it low). */
export const DASHBOARD_PLAN = { cap: COUNT_CAP };

/** Counts by status and by clock state for the dashboard, over the user's scope (a wide tree's ended states up to DASHBOARD_PLAN.cap). */
export async function dashboardCounts(db: Db, staff: StaffContext) {
  const scope = await scopeOf(db, staff);
  const today = todayInChina();
  const wide = scope.wide && scope.inTimeOrder ? { inTimeOrder: scope.inTimeOrder, cap: DASHBOARD_PLAN.cap } : undefined;
  const { byStatus, clock } = await dashboardTallies(db, scope.condition, { userId: staff.user.id, unitId: staff.unit.id, roles: staff.roles }, today, addDays(today, 3), wide);
  // In the order a report moves through (DESIGN.md §3), not the database's.
  byStatus.sort((a, b) => STATUSES.indexOf(a.status as (typeof STATUSES)[number]) - STATUSES.indexOf(b.status as (typeof STATUSES)[number]));
  return { byStatus, clock };
}
