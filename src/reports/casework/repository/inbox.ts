// The staff inbox and dashboard as SQL: queues, filters, sorting and keyset paging over the reports
// in scope (issue 4 "Triage and handling"). Keyset, not OFFSET, so a deep page costs what the first does.
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { addDays } from '../../../clocks/index.js';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { reports } from '../../tables.js';
import { regionNameOf, regionWithin } from '../../../regions/index.js';
import { userDisplayNameOf } from '../../../users/index.js';
import { hasSearchTerms, matchesSearch } from '../../../search/index.js';
import type { InboxFilter, Sort } from '../inbox.js';
import type { ReportCondition } from './scope.js';

/** The states in which a report is still someone's work. */
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
 * a prefecture or the province goes through the regions' ancestor closure (regionWithin).
 */
function regionCondition(code: string, level: string | undefined): SQL {
  if (level === 'county') return eq(reports.countyCode, code);
  if (level === 'township') return eq(reports.townshipCode, code);
  if (level === 'village') return eq(reports.placeCode, code);
  return regionWithin(reports.placeCode, code);
}

/** Free text through the Chinese FTS index (src/search): 低保 matches; a whole case number matches exactly too. */
function searchCondition(q: string): SQL {
  const byText = hasSearchTerms(q) ? matchesSearch(reports.id, { type: 'report', query: q }) : sql`0`;
  return /^JL\d{4}-\d{6}$/i.test(q.trim()) ? or(eq(reports.caseNo, q.trim().toUpperCase()), byText)! : byText;
}

export interface InboxQuery {
  scope: ReportCondition;
  userId: number;
  unitId: number;
  /** Today and three days on (China dates), for the clock filters and the overdue queue. */
  today: string;
  soon: string;
  /** The level of `filter.region` (county, township, village, or another). */
  regionLevel?: string;
  filter: InboxFilter;
}

export interface InboxRow {
  id: number;
  caseNo: string;
  status: string;
  category: string;
  channel: string;
  realName: boolean;
  receivedAt: number;
  dueOn: string | null;
  hastenPending: boolean;
  placeName: string | null;
  assignee: string | null;
}

/** One page of the inbox and the cursor of the next, if any. */
export async function inboxPage(db: Executor, x: InboxQuery): Promise<{ rows: InboxRow[]; next: string | null }> {
  const f = x.filter;
  const conditions: (SQL | undefined)[] = [x.scope];
  switch (f.queue) {
    case 'mine':
      conditions.push(eq(reports.assigneeId, x.userId), inArray(reports.status, OPEN));
      break;
    case 'unit':
      conditions.push(or(eq(reports.handlingUnitId, x.unitId), eq(reports.assignedUnitId, x.unitId)), inArray(reports.status, OPEN));
      break;
    case 'unassigned':
      conditions.push(inArray(reports.status, ['received', 'accepted']), isNull(reports.assigneeId));
      break;
    case 'overdue':
      conditions.push(lt(reports.dueOn, x.today), inArray(reports.status, OPEN));
      break;
  }
  if (f.status) conditions.push(eq(reports.status, f.status));
  if (f.category) conditions.push(eq(reports.category, f.category));
  if (f.channel) conditions.push(eq(reports.channel, f.channel));
  if (f.region) conditions.push(regionCondition(f.region, x.regionLevel));
  if (f.clock === 'overdue') conditions.push(lt(reports.dueOn, x.today));
  if (f.clock === 'due_soon') conditions.push(gte(reports.dueOn, x.today), lte(reports.dueOn, x.soon));
  if (f.clock === 'on_time') conditions.push(sql`${reports.dueOn} > ${x.soon}`);
  if (f.from) conditions.push(gte(reports.receivedAt, cstStart(f.from)));
  if (f.to) conditions.push(lt(reports.receivedAt, cstStart(addDays(f.to, 1))));
  if (f.q) conditions.push(searchCondition(f.q));
  conditions.push(afterCondition(f.sort, f.after));

  const cols = sortColumns(f.sort);
  const order = [...cols.map((c) => (c.dir === 'asc' ? asc(c.column) : desc(c.column))), cols[cols.length - 1]!.dir === 'asc' ? asc(reports.id) : desc(reports.id)];
  const rows = await query(db, (q) =>
    q
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
        placeName: regionNameOf(reports.placeCode),
        assignee: userDisplayNameOf(reports.assigneeId),
        sortValues: sql<string>`json_array(${sql.join(cols.map((c) => c.column), sql`, `)}, ${reports.id})`,
      })
      .from(reports)
      .where(and(...conditions.filter(Boolean)))
      .orderBy(...order)
      .limit(f.limit + 1)
      .all(),
  );
  const more = rows.length > f.limit;
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ sortValues: _s, ...r }) => r),
    next: more && last ? Buffer.from(last.sortValues).toString('base64url') : null,
  };
}

/** Reports in scope by status, and the open ones by clock state, for the dashboard. */
export async function dashboardTallies(db: Executor, scope: ReportCondition, userId: number, today: string, soon: string) {
  return query(db, (q) => {
    const byStatus = q
      .select({ status: reports.status, n: sql<number>`count(*)` })
      .from(reports)
      .where(scope)
      .groupBy(reports.status)
      .all();
    const clock = q
      .select({
        overdue: sql<number>`sum(case when ${reports.dueOn} < ${today} then 1 else 0 end)`,
        dueSoon: sql<number>`sum(case when ${reports.dueOn} >= ${today} and ${reports.dueOn} <= ${soon} then 1 else 0 end)`,
        onTime: sql<number>`sum(case when ${reports.dueOn} > ${soon} then 1 else 0 end)`,
        mine: sql<number>`sum(case when ${reports.assigneeId} = ${userId} then 1 else 0 end)`,
        hastened: sql<number>`sum(case when ${reports.hastenPending} = 1 then 1 else 0 end)`,
      })
      .from(reports)
      .where(and(scope, inArray(reports.status, OPEN)))
      .get();
    return { byStatus, clock };
  });
}
