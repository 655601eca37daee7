// The staff inbox: queues, filters, sorting and keyset paging over the reports in scope
// (issue 4 "Triage and handling"). Keyset, not OFFSET, so a deep page costs what the first does.
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { addDays, todayInChina } from '../../clocks/index.js';
import type { Db } from '../../db/connection.js';
import type { StaffContext } from '../../plugins/auth.js';
import { reports } from '../tables.js';
import { STATUSES } from '../catalog.js';
import { findRegion, regions, regionAncestors } from '../../regions/index.js';
import { users } from '../../users/tables.js';
import { scopeOf } from './scope.js';
import { reportSearchCondition } from './search.js';

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

const OPEN = ['received', 'accepted', 'assigned', 'investigating', 'referred', 'transferred', 'concluded', 'rectifying', 'under_review'];

/** Midnight China time of a YYYY-MM-DD date, as epoch milliseconds. */
const cstStart = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

function sortColumns(sort: Sort): { column: SQL; dir: 'asc' | 'desc' }[] {
  switch (sort) {
    case 'oldest':
      return [{ column: sql`${reports.receivedAt}`, dir: 'asc' }];
    case 'due':
      return [{ column: sql`coalesce(${reports.dueOn}, '9999-12-31')`, dir: 'asc' }];
    case 'real_name':
      return [{ column: sql`${reports.realName}`, dir: 'desc' }, { column: sql`${reports.receivedAt}`, dir: 'desc' }];
    default:
      return [{ column: sql`${reports.receivedAt}`, dir: 'desc' }];
  }
}

/** The cursor is the sort values and id of the last row shown, base64url JSON. */
function afterCondition(sort: Sort, after: string | undefined): SQL | undefined {
  if (!after) return undefined;
  let values: unknown[];
  try {
    values = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown[];
  } catch {
    return undefined;
  }
  const cols = sortColumns(sort);
  if (!Array.isArray(values) || values.length !== cols.length + 1) return undefined;
  if (!values.every((v) => typeof v === 'string' || typeof v === 'number')) return undefined;
  // Every sort runs all its keys in one direction, so "after" is one row-value comparison, which
  // SQLite turns into a range on an index with these columns instead of a scan from the top.
  const row = sql.join([...cols.map((c) => c.column), sql`${reports.id}`], sql`, `);
  const cursor = sql.join(values.map((v) => sql`${v}`), sql`, `);
  return cols[0]!.dir === 'asc' ? sql`(${row}) > (${cursor})` : sql`(${row}) < (${cursor})`;
}

/**
 * A region filter the planner can drive from an index: a report stores the county and township of
 * its place at filing, so those levels compare that column (reports_county_status_received_idx);
 * a prefecture or the province goes through the ancestor table.
 */
async function regionCondition(db: Db, code: string): Promise<SQL> {
  const level = (await findRegion(db, code))?.level;
  if (level === 'county') return eq(reports.countyCode, code);
  if (level === 'township') return eq(reports.townshipCode, code);
  if (level === 'village') return eq(reports.placeCode, code);
  return sql`exists (select 1 from ${regionAncestors} where ${regionAncestors.regionCode} = ${reports.placeCode} and ${regionAncestors.ancestorCode} = ${code})`;
}

export async function listInbox(db: Db, staff: StaffContext, f: InboxFilter) {
  const scope = await scopeOf(db, staff);
  const today = todayInChina();
  const conditions: (SQL | undefined)[] = [scope.condition];
  switch (f.queue) {
    case 'mine':
      conditions.push(eq(reports.assigneeId, staff.user.id), inArray(reports.status, OPEN));
      break;
    case 'unit':
      conditions.push(or(eq(reports.handlingUnitId, staff.unit.id), eq(reports.assignedUnitId, staff.unit.id)), inArray(reports.status, OPEN));
      break;
    case 'unassigned':
      conditions.push(inArray(reports.status, ['received', 'accepted']), isNull(reports.assigneeId));
      break;
    case 'overdue':
      conditions.push(lt(reports.dueOn, today), inArray(reports.status, OPEN));
      break;
  }
  if (f.status) conditions.push(eq(reports.status, f.status));
  if (f.category) conditions.push(eq(reports.category, f.category));
  if (f.channel) conditions.push(eq(reports.channel, f.channel));
  if (f.region) conditions.push(await regionCondition(db, f.region));
  if (f.clock === 'overdue') conditions.push(lt(reports.dueOn, today));
  if (f.clock === 'due_soon') conditions.push(gte(reports.dueOn, today), lte(reports.dueOn, addDays(today, 3)));
  if (f.clock === 'on_time') conditions.push(sql`${reports.dueOn} > ${addDays(today, 3)}`);
  if (f.from) conditions.push(gte(reports.receivedAt, cstStart(f.from)));
  if (f.to) conditions.push(lt(reports.receivedAt, cstStart(addDays(f.to, 1))));
  if (f.q) conditions.push(reportSearchCondition(f.q));
  conditions.push(afterCondition(f.sort, f.after));

  const cols = sortColumns(f.sort);
  const order = [...cols.map((c) => (c.dir === 'asc' ? asc(c.column) : desc(c.column))), cols[cols.length - 1]!.dir === 'asc' ? asc(reports.id) : desc(reports.id)];
  const rows = db
    .select({
      id: reports.id,
      caseNo: reports.caseNo,
      status: reports.status,
      category: reports.category,
      channel: reports.channel,
      realName: reports.realName,
      receivedAt: reports.receivedAt,
      dueOn: reports.dueOn,
      hastenPending: reports.hastenPending,
      placeName: regions.name,
      assignee: users.displayName,
      sortValues: sql<string>`json_array(${sql.join(cols.map((c) => c.column), sql`, `)}, ${reports.id})`,
    })
    .from(reports)
    .leftJoin(regions, eq(regions.code, reports.placeCode))
    .leftJoin(users, eq(users.id, reports.assigneeId))
    .where(and(...conditions.filter(Boolean)))
    .orderBy(...order)
    .limit(f.limit + 1)
    .all();
  const more = rows.length > f.limit;
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ sortValues: _s, ...r }) => r),
    next: more && last ? Buffer.from(last.sortValues).toString('base64url') : null,
  };
}

/** Counts by status and by clock state for the dashboard, over the user's scope. */
export async function dashboardCounts(db: Db, staff: StaffContext) {
  const scope = await scopeOf(db, staff);
  const today = todayInChina();
  const soon = addDays(today, 3);
  const byStatus = db
    .select({ status: reports.status, n: sql<number>`count(*)` })
    .from(reports)
    .where(scope.condition)
    .groupBy(reports.status)
    .all()
    // In the order a report moves through (DESIGN.md §3), not the database's.
    .sort((a, b) => STATUSES.indexOf(a.status as (typeof STATUSES)[number]) - STATUSES.indexOf(b.status as (typeof STATUSES)[number]));
  const clock = db
    .select({
      overdue: sql<number>`sum(case when ${reports.dueOn} < ${today} then 1 else 0 end)`,
      dueSoon: sql<number>`sum(case when ${reports.dueOn} >= ${today} and ${reports.dueOn} <= ${soon} then 1 else 0 end)`,
      onTime: sql<number>`sum(case when ${reports.dueOn} > ${soon} then 1 else 0 end)`,
      mine: sql<number>`sum(case when ${reports.assigneeId} = ${staff.user.id} then 1 else 0 end)`,
      hastened: sql<number>`sum(case when ${reports.hastenPending} = 1 then 1 else 0 end)`,
    })
    .from(reports)
    .where(and(scope.condition, inArray(reports.status, OPEN)))
    .get();
  return { byStatus, clock: { overdue: clock?.overdue ?? 0, dueSoon: clock?.dueSoon ?? 0, onTime: clock?.onTime ?? 0, mine: clock?.mine ?? 0, hastened: clock?.hastened ?? 0 } };
}
