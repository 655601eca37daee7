// The staff inbox and dashboard as SQL: queues, filters, sorting and keyset paging over the reports
// in scope (issue 4 "Triage and handling"). Keyset, not OFFSET, so a deep page costs what the first does.
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { addDays } from '../../../clocks/index.js';
import { onPostgres } from '../../../db/engine.js';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { dueSortKey, reports, wideStatusKey } from '../../tables.js';
import { regionNameOf, regionWithin } from '../../../regions/index.js';
import { userDisplayNameOf } from '../../../users/index.js';
import { unitNameOf } from '../../../units/index.js';
import { hasSearchTerms, indexedBefore, matchesSearch, matchesSearchPerRow, recentMatchFloor, type NewestMatches } from '../../../search/index.js';
import type { InboxFilter, Sort } from '../inbox.js';
import type { ReportCondition } from './scope.js';
import { explainPlan, jsonArrayText, jsonIntegerOf, planLineOf } from '../../../db/dialect.js';

/** The states in which a report is still someone's work. */
export const OPEN = ['received', 'accepted', 'assigned', 'investigating', 'referred', 'transferred', 'concluded', 'rectifying', 'under_review'];

/** Midnight China time of a YYYY-MM-DD date, as epoch milliseconds. */
const cstStart = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

function sortColumns(sort: Sort): { column: SQL; dir: 'asc' | 'desc' }[] {
  switch (sort) {
    case 'oldest':
      return [{ column: sql`${reports.receivedAt}`, dir: 'asc' }];
    case 'due':
      return [{ column: dueSortKey(reports.dueOn), dir: 'asc' }];
    case 'real_name':
      return [{ column: sql`${reports.realName}`, dir: 'desc' }, { column: sql`${reports.receivedAt}`, dir: 'desc' }];
    default:
      return [{ column: sql`${reports.receivedAt}`, dir: 'desc' }];
  }
}

/** A row's sort values and id, as a cursor carries them. */
type CursorValues = (string | number | boolean)[];

/** The cursor is the sort values and id of a row, base64url JSON; undefined when unreadable. */
function cursorValues(sort: Sort, cursor: string | undefined): CursorValues | undefined {
  if (!cursor) return undefined;
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(values) || values.length !== sortColumns(sort).length + 1) return undefined;
  // A boolean is PostgreSQL's real_name (SQLite stores 1 or 0): without it the real-name sort's
  // "next" link led back to the first page for ever there.
  if (!values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return undefined;
  return values as (string | number | boolean)[];
}

/**
 * Rows after (or before) the cursor's row in the sort's order. Every sort runs all its keys in one
 * direction, so this is one row-value comparison, which SQLite turns into a range on an index with
 * these columns instead of a scan from the top.
 */
function cursorCondition(sort: Sort, values: CursorValues, side: 'after' | 'before'): SQL {
  const cols = sortColumns(sort);
  const row = sql.join([...cols.map((c) => c.column), sql`${reports.id}`], sql`, `);
  const cursor = sql.join(values.map((v) => sql`${v}`), sql`, `);
  const ascending = cols[0]!.dir === 'asc';
  return ascending === (side === 'after') ? sql`(${row}) > (${cursor})` : sql`(${row}) < (${cursor})`;
}

/**
 * A region filter the planner can drive from an index: a report stores the county and township of
 * its place at filing, so those levels compare that column (reports_county_status_received_idx);
 * a prefecture compares the county column with its counties; the province goes through the
 * regions' ancestor closure (regionWithin).
 */
function regionCondition(x: InboxQuery, code: string, options: { byCountyIndex?: boolean }): SQL {
  const level = x.regionLevel;
  if (level === 'county') return eq(reports.countyCode, code);
  // A prefecture: the reports of its counties, by the county column as a county's filter is (a
  // province user's count by prefecture read the whole table in time order: ≈ 240 ms at 200,000
  // reports, issue 22). A count reads the county indexes; a page, newest first, reads in time order
  // and tests the column on each row (`+column`: a ninth of the reports are a prefecture's, where
  // gathering its counties' every report to sort took 100–250 ms). PostgreSQL plans by statistics.
  if (level === 'prefecture' && x.regionCounties && x.regionCounties.length > 0) {
    const column = options.byCountyIndex || onPostgres ? sql`${reports.countyCode}` : sql`+${reports.countyCode}`;
    return inArray(column, [...x.regionCounties]);
  }
  if (level === 'township') return eq(reports.townshipCode, code);
  if (level === 'village') return eq(reports.placeCode, code);
  return regionWithin(reports.placeCode, code);
}

/** Free text through the Chinese FTS index (src/search): 低保 matches; a whole case number matches exactly too. */
function searchCondition(q: string, how: { since?: NewestMatches; perRow?: boolean; scopeDrives?: boolean }): SQL {
  const filter = { type: 'report' as const, query: q };
  // `+id`: the scope's few thousand reports are read through its own indexes and each looked up among the matches, rather than each match's report read to test the scope.
  const id = how.scopeDrives && !onPostgres ? sql`+${reports.id}` : reports.id;
  const byText = !hasSearchTerms(q) ? sql`0` : how.perRow ? matchesSearchPerRow(reports.id, filter) : matchesSearch(id, filter, { since: how.since });
  return /^JL\d{4}-\d{6}$/i.test(q.trim()) ? or(eq(reports.caseNo, q.trim().toUpperCase()), byText)! : byText;
}

export interface InboxQuery {
  scope: ReportCondition;
  /** For a dense scope: the scope tested row by row, for pages read in time order (scope.ts). */
  scopeInTimeOrder?: ReportCondition;
  /** The scope's tree is a prefecture's or the province's (scope.ts WIDE_TREE). */
  wideTree?: boolean;
  userId: number;
  unitId: number;
  /** The user's roles: 我的待办 holds what each of them must do next (mineCondition). */
  roles: readonly string[];
  /** Today and three days on (China dates), for the clock filters and the overdue queue. */
  today: string;
  soon: string;
  /** The level of `filter.region` (county, township, village, or another). */
  regionLevel?: string;
  /** When `filter.region` is a prefecture: its counties' codes. */
  regionCounties?: readonly string[];
  /** Only search matches indexed at or after this key (recentMatchFloor's key of the `among`-th newest match). */
  searchSince?: NewestMatches;
  /** The search tested on each report of the filter (few of them: searchPlan). */
  searchPerRow?: boolean;
  /** A status filter over a dense scope matches few reports (planPages): they are gathered through the unit indexes. */
  fewMatches?: boolean;
  /** What planPages counted (up to PAGE_PLAN.fewMatches + 1): the filter's matches, cursors aside. */
  matched?: number;
  filter: InboxFilter;
}

export interface InboxRow {
  id: number;
  caseNo: string;
  status: string;
  category: string;
  channel: string;
  /** Where a staff-logged report came from, and the forwarding body's 来文号 (issue 19 item 12). */
  source?: string | null;
  sourceRef?: string | null;
  realName: boolean;
  receivedAt: number;
  /** The due date of the clock running now (legal: register, handle, answer a review). */
  dueOn: string | null;
  hastenPending: boolean;
  placeName: string | null;
  assignee: string | null;
  /** 被反映人 as stored: the name the reporter gave (may be empty) and the position code. */
  subjectName: string | null;
  subjectPosition: string | null;
  handlingUnit: string | null;
  /** The unit the report is assigned to (a township, or the handling unit itself). */
  assignedUnit: string | null;
  /** 交办期限: the due date the assigner set. */
  assignmentDue: string | null;
}

/** What the 台账 export adds to a row: the full place, the legal handling date, the outcome. */
export interface LedgerRow extends InboxRow {
  countyName: string | null;
  townshipName: string | null;
  placeOther: string | null;
  handlingDue: string | null;
  finding: string | null;
  concludedAt: number | null;
}

/**
 * 我的待办 (issue 19 item 8): what this user must do next, for each role they hold. Everyone: the
 * reports assigned to them. Intake: its unit's reports waiting for acceptance, accepted ones waiting
 * for assignment (a returned assignment comes back this way, 信访工作条例 art. 23) and requests for a
 * later 交办期限. Lead: its unit's answers and extensions waiting for approval (art. 34) and those
 * 交办期限 requests. Supervisor or lead: the reviews its unit answers (arts. 35–36). The scope still
 * applies on top (recusal included).
 */
export function mineCondition(x: Pick<InboxQuery, 'userId' | 'unitId' | 'roles'>): SQL {
  const has = (role: string) => x.roles.includes(role);
  const ofUnit = eq(reports.handlingUnitId, x.unitId);
  const parts: SQL[] = [eq(reports.assigneeId, x.userId)];
  if (has('intake')) {
    parts.push(and(ofUnit, or(eq(reports.status, 'received'), and(eq(reports.status, 'accepted'), isNull(reports.assigneeId)), isNotNull(reports.assignmentExtensionRequest)))!);
  }
  // Not a draft the lead wrote: another lead approves it (four-eyes, issue 19 item 9).
  const othersDraft = and(isNotNull(reports.answerDraft), sql`coalesce(${jsonIntegerOf(reports.answerDraft, 'by')}, 0) <> ${x.userId}`);
  if (has('lead')) parts.push(and(ofUnit, or(othersDraft, isNotNull(reports.extensionRequest), isNotNull(reports.assignmentExtensionRequest)))!);
  if (has('supervisor') || has('lead')) parts.push(and(eq(reports.status, 'under_review'), eq(reports.reviewUnitId, x.unitId))!);
  return or(...parts)!;
}

/** A filter by county, township or village: the reports' own region columns are indexed (with status and date). */
const regionIndexed = (x: InboxQuery) => !!x.filter.region && ['county', 'township', 'village'].includes(x.regionLevel ?? '');

/** A count by a prefecture reads its counties through the county indexes (regionCondition); a page does not. */
const countiesIndexed = (x: InboxQuery) => !!x.filter.region && x.regionLevel === 'prefecture' && (x.regionCounties?.length ?? 0) > 0;

/**
 * A status filter over a wide tree (a prefecture's, the province's), newest or oldest first, with no
 * county, township or village index, queue or search to start from: that status's reports are read
 * in time order through reports_wide_status_idx, the tree tested in the index, whether the status is
 * common in the tree (a province's closed reports) or rare (its few under review). The unit indexes
 * gathered the status over ≈ 1,150 units, and time order over every report passed the whole table
 * for a rare one (the province's 办理中 oldest first: 155 ms at 200,000 reports, issue 22).
 */
function wideStatusPages(x: InboxQuery): boolean {
  const f = x.filter;
  return !!f.status && !!x.wideTree && !!x.scopeInTimeOrder && f.queue === 'all' && !f.q && !regionIndexed(x) && (f.sort === 'newest' || f.sort === 'oldest');
}

/** The count of wideStatusPages' filters, except by a prefecture: that reads its counties' indexes (countiesIndexed). */
const wideStatusCount = (x: InboxQuery) => wideStatusPages(x) && !countiesIndexed(x);

/**
 * The overdue queue of a dense scope: the due-date index's range of past dates drives, as its count
 * does, and the few found are sorted. Read in time order, a province with no report overdue passed
 * every report of the table to show an empty page (≈ 170 ms at 200,000 reports, issue 22); the sort
 * keys are then kept off their indexes (`+`, SQLite only), which SQLite would otherwise read in order
 * to spare the sort.
 */
const overdueByDueDate = (x: InboxQuery) => x.filter.queue === 'overdue' && !x.filter.q && !!x.scopeInTimeOrder;

/**
 * The scope for a page: over a dense scope (a county's, a prefecture's, the province's) in time order, with no
 * narrower index to start from (a county, township or village filter, my queue, a search), the
 * reports are read newest (or oldest) first and the tree tested on each: 50 rows after a few hundred
 * instead of every report of the tree sorted (issue 22). The count keeps the unit indexes, which
 * stop after cap + 1 rows.
 */
function pageScope(x: InboxQuery): ReportCondition {
  const f = x.filter;
  if (wideStatusPages(x)) return x.scopeInTimeOrder!;
  if (overdueByDueDate(x)) return x.scopeInTimeOrder!;
  if (x.fewMatches) return x.scope;
  // A county, township or village filter: its own index (reports_county_status_received_idx …) drives.
  if (x.scopeInTimeOrder && regionIndexed(x) && f.queue === 'all' && !f.q) return x.scopeInTimeOrder;
  // Among the newest search matches (searchSince), those drive and the tree is tested on each.
  // A county's tree (no wide one) holds ≈ 1/70 of the reports: with a category, channel or clock
  // filter too, time order passed ≈ 20,000 reports for a page (≈ 35 ms at 200,000 reports, issue 22)
  // where its unit indexes read its few thousand and the matches are sorted.
  const sparse = !x.wideTree && (!!f.category || !!f.channel || !!f.clock);
  const narrower = regionIndexed(x) || f.queue !== 'all' || (!!f.q && x.searchSince === undefined) || sparse;
  return x.scopeInTimeOrder && !narrower && f.sort !== 'real_name' ? x.scopeInTimeOrder : x.scope;
}

/** The filter's conditions (queue, fields, dates, search) within the scope; no cursor. */
function filterConditions(x: InboxQuery, scope: ReportCondition = x.scope, options: { byCountyIndex?: boolean; wideStatus?: boolean } = {}): SQL[] {
  const f = x.filter;
  const conditions: (SQL | undefined)[] = [scope];
  switch (f.queue) {
    case 'mine':
      conditions.push(mineCondition(x), inArray(reports.status, OPEN));
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
  if (f.status) conditions.push(options.wideStatus ? eq(wideStatusKey(reports.status), f.status) : eq(reports.status, f.status));
  if (f.category) conditions.push(eq(reports.category, f.category));
  if (f.channel) conditions.push(eq(reports.channel, f.channel));
  if (f.region) conditions.push(regionCondition(x, f.region, options));
  if (f.clock === 'overdue') conditions.push(lt(reports.dueOn, x.today));
  if (f.clock === 'due_soon') conditions.push(gte(reports.dueOn, x.today), lte(reports.dueOn, x.soon));
  if (f.clock === 'on_time') conditions.push(sql`${reports.dueOn} > ${x.soon}`);
  if (f.from) conditions.push(gte(reports.receivedAt, cstStart(f.from)));
  if (f.to) conditions.push(lt(reports.receivedAt, cstStart(addDays(f.to, 1))));
  if (f.q) conditions.push(searchCondition(f.q, { since: x.searchSince, perRow: x.searchPerRow, scopeDrives: scopeDrivesSearch(x) }));
  return conditions.filter((c): c is SQL => c !== undefined);
}

// Names come through the owning features' fragments (one indexed look-up per row shown), never a
// join on their tables.
const pageColumns = {
  id: reports.id,
  caseNo: reports.caseNo,
  status: reports.status,
  category: reports.category,
  channel: reports.channel,
  source: reports.source,
  sourceRef: reports.sourceRef,
  realName: reports.realName,
  receivedAt: reports.receivedAt,
  dueOn: reports.dueOn,
  hastenPending: reports.hastenPending,
  placeName: regionNameOf(reports.placeCode),
  assignee: userDisplayNameOf(reports.assigneeId),
  subjectName: reports.subjectName,
  subjectPosition: reports.subjectPosition,
  handlingUnit: unitNameOf(reports.handlingUnitId),
  assignedUnit: unitNameOf(reports.assignedUnitId),
  assignmentDue: reports.assignmentDue,
};
const ledgerColumns = {
  ...pageColumns,
  countyName: regionNameOf(reports.countyCode),
  townshipName: regionNameOf(reports.townshipCode),
  placeOther: reports.placeOther,
  handlingDue: reports.handlingDue,
  finding: reports.finding,
  concludedAt: reports.concludedAt,
};

type Side = 'first' | 'after' | 'before';

/** The statement of up to `limit` rows next to the cursor on one side (or the first ones), in the sort's order. */
function pageStatement<C extends typeof pageColumns>(q: Executor, x: InboxQuery, columns: C, side: Side, cursor: CursorValues | undefined, limit: number) {
  const f = x.filter;
  const cols = sortColumns(f.sort);
  const conditions = filterConditions(x, pageScope(x), { wideStatus: wideStatusPages(x) });
  if (side !== 'first' && cursor) conditions.push(cursorCondition(f.sort, cursor, side));
  // Backwards, the same index range is read from the other end and the rows turned round after.
  const ascending = (dir: 'asc' | 'desc') => (dir === 'asc') !== (side === 'before');
  const key = (c: SQL) => (overdueByDueDate(x) && !onPostgres ? sql`+${c}` : c);
  const order = [...cols.map((c) => (ascending(c.dir) ? asc(key(c.column)) : desc(key(c.column)))), ascending(cols[cols.length - 1]!.dir) ? asc(reports.id) : desc(reports.id)];
  return q
    .select({ ...columns, sortValues: sql<string>`${jsonArrayText([...cols.map((c) => c.column), reports.id])}` })
    .from(reports)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(limit);
}

/** Up to `limit` rows next to the cursor on one side (or the first ones), in the sort's order. */
async function rowsFrom<C extends typeof pageColumns>(db: Executor, x: InboxQuery, columns: C, side: Side, cursor: CursorValues | undefined, limit: number) {
  const rows = await query(db, (q) => pageStatement(q, x, columns, side, cursor, limit).all());
  return side === 'before' ? rows.reverse() : rows;
}

/** The query plan of the first page's statement, one line a row: for the index tests. */
export async function inboxPagePlan(db: Executor, x0: InboxQuery): Promise<string[]> {
  const x = await planPages(db, x0);
  const rows = await query(db, (q) => q.all<Record<string, unknown>>(explainPlan(pageStatement(q, x, pageColumns, 'first', undefined, x.filter.limit + 1).getSQL())));
  return rows.map(planLineOf);
}

const cursorOf = (row: { sortValues: string } | undefined) => (row ? Buffer.from(row.sortValues).toString('base64url') : null);
const strip = <R extends { sortValues: string }>(rows: R[]) => rows.map(({ sortValues: _s, ...r }) => r);

/**
 * One page of the inbox with the cursors of the pages after and before it (null where there is
 * none). `filter.after` gives the page after a row, `filter.before` the page before one; one extra
 * row read on the far side tells whether another page lies beyond. A page before that would come
 * out short (rows were added or left the filter meanwhile) is the first page instead.
 */
async function exactPage(db: Executor, x: InboxQuery): Promise<InboxPage> {
  const f = x.filter;
  const before = cursorValues(f.sort, f.before);
  if (before) {
    const rows = await rowsFrom(db, x, pageColumns, 'before', before, f.limit + 1);
    if (rows.length >= f.limit) {
      const page = rows.slice(rows.length - f.limit);
      // The row the cursor names follows this page, so there is always a next one.
      return { rows: strip(page), next: cursorOf(page[page.length - 1]), prev: rows.length > f.limit ? cursorOf(page[0]) : null };
    }
    return exactPage(db, { ...x, filter: { ...f, before: undefined, after: undefined } });
  }
  const after = cursorValues(f.sort, f.after);
  const rows = await rowsFrom(db, x, pageColumns, after ? 'after' : 'first', after, f.limit + 1);
  const page = rows.slice(0, f.limit);
  // After a cursor there is a page before (the cursor's row was on the page that linked here): no
  // extra query to prove it, so a deep page costs what the first does. An empty page (its rows
  // left the filter meanwhile) links back to the rows before the cursor's.
  const prev = after ? (page.length > 0 ? cursorOf(page[0]) : f.after!) : null;
  return { rows: strip(page), next: rows.length > f.limit ? cursorOf(page[page.length - 1]) : null, prev };
}

type InboxPage = {
  rows: InboxRow[];
  next: string | null;
  prev: string | null;
  /** The matches planPages counted on the way (up to `cap` + 1), for the page's total without counting again. */
  matching?: { n: number; cap: number };
  /** How the page's search ran (searchPlan), for its count not to ask again. */
  searchPerRow?: boolean;
};

/** Up to `fewMatches` matches of a status filter are gathered through the unit-and-status indexes and sorted (exported for the tests, which set it low). */
export const PAGE_PLAN = { fewMatches: 1_000 };

/**
 * How the pages of a status filter over a dense scope are read. Reading in time order and testing
 * each row finds a page at once where the status is common (a province's closed reports) but passes
 * most of the table where it is rare in the scope (a county's 22 accepted reports: 0.2–1 s at 200,000
 * reports, issue 22); the unit-and-status indexes then gather the few at once. Which of the two is
 * told by counting up to PAGE_PLAN.fewMatches through those indexes (≈ 1 ms either way). Only the plan depends
 * on it, never the rows.
 */
export async function planPages(db: Executor, x: InboxQuery): Promise<InboxQuery> {
  if (x.fewMatches !== undefined || !x.filter.status || !x.scopeInTimeOrder || wideStatusPages(x) || pageScope(x) !== x.scopeInTimeOrder) return x;
  const n = await countUpTo(db, { ...x, scopeInTimeOrder: undefined }, PAGE_PLAN.fewMatches);
  return { ...x, fewMatches: n <= PAGE_PLAN.fewMatches, matched: n };
}

/**
 * How a search runs (searchPlan). `tiers`: how many of the newest search matches a page or a count first looks among, before more and then
 * all of them (issue 22). A common word matches most reports (低保: 144,000 of 200,000); the newest
 * matches hold the first pages of the newest-first inbox, unless the scope holds few of them.
 * (Exported for the tests, which use small tiers.)
 */
export const SEARCH_PLAN = {
  tiers: [2_000, 8_000],
  /**
   * After the tiers, at most this many more steps whose size is extrapolated from what the last one
   * found (nextTier): a prefecture holds ≈ 1/9 of the newest matches, so 8,000 held 888 of the 1,001
   * a count needs, and ≈ 11,000 matches answer where reading all 144,000 took ≈ 160 ms (issue 22).
   */
  extrapolated: 2,
  /** At most this many reports of the filter (search aside) are searched one by one (SQLite: ≈ 20–50 µs each). */
  perRowMax: 1_000,
};

/**
 * How many of the newest matches to look among next, after `tier` of them held `found` of the
 * `needed` rows (step counts from 0 over the fixed tiers): the next fixed tier, then a size
 * extrapolated from the share found, with a quarter more for the share's own spread; null when
 * nothing is left to try but every match (no step left, or none found to extrapolate from).
 */
function nextTier(step: number, tier: number, found: number, needed: number): number | null {
  const fixed = SEARCH_PLAN.tiers[step + 1];
  if (fixed !== undefined) return fixed;
  if (step + 1 >= SEARCH_PLAN.tiers.length + SEARCH_PLAN.extrapolated || found === 0) return null;
  return Math.max(Math.ceil(((tier * needed) / found) * 1.25), tier * 2);
}

/**
 * Whether newest-first search pages may be looked for among the newest matches (keys follow filing
 * order): over a wide tree only, which holds a large share of them (a prefecture ≈ 1/9). A county
 * holds ≈ 1/70: its pages and counts went through every tier to read all matches in the end
 * (≈ 155 ms for a common word at 200,000 reports, issue 22); scopeDrivesSearch reads them once.
 */
const searchInTiers = (x: InboxQuery) => !!x.wideTree && !!x.filter.q && hasSearchTerms(x.filter.q) && x.filter.sort === 'newest' && !x.filter.before;

/**
 * A search over a scope that is no wide tree (a county's thousands of reports), not tested row by
 * row: the scope's reports are read through its own indexes and each looked up among the matches
 * (`+id`, SQLite), instead of each of a common word's 144,000 matches read to test the scope on its
 * report (≈ 86 → 27 ms a statement at 200,000 reports, issue 22).
 */
const scopeDrivesSearch = (x: InboxQuery) => !x.wideTree && !x.searchPerRow && x.searchSince === undefined;

/**
 * One page of the inbox with the cursors of the pages after and before it (null where there is
 * none); see exactPage. A newest-first search first tries the newest matches (SEARCH_PLAN.tiers): that
 * page is the page when it is full (a row beyond it too) and no report of the filter, between the
 * cursor and the row beyond, was indexed before the oldest of those matches — a report indexed
 * earlier might match and belong on the page (a letter logged late with an earlier date), so then
 * the next tier or every match is read.
 */
export async function inboxPage(db: Executor, x0: InboxQuery): Promise<InboxPage> {
  const x = await planPages(db, await searchPlan(db, x0));
  const page = await pageOf(db, x);
  const planned = x.searchPerRow === undefined ? page : { ...page, searchPerRow: x.searchPerRow };
  return x.matched === undefined ? planned : { ...planned, matching: { n: x.matched, cap: PAGE_PLAN.fewMatches } };
}

/** The page of a planned query (inboxPage). */
async function pageOf(db: Executor, x: InboxQuery): Promise<InboxPage> {
  if (x.searchPerRow || !searchInTiers(x)) return exactPage(db, x);
  const f = x.filter;
  const after = cursorValues(f.sort, f.after);
  let tier: number | null = SEARCH_PLAN.tiers[0] ?? null;
  for (let step = 0; tier !== null; step++) {
    const floor = await recentMatchFloor(db, { type: 'report', query: f.q! }, tier);
    if (floor === null) break;
    const bounded = { ...x, searchSince: { key: floor, among: tier } };
    const rows = await rowsFrom(db, bounded, pageColumns, after ? 'after' : 'first', after, f.limit + 1);
    const full = rows.length > f.limit;
    if (full) {
      const beyond = cursorValues(f.sort, cursorOf(rows[f.limit]) ?? undefined)!;
      if (!(await indexedEarlierBetween(db, x, after, beyond, floor))) {
        const page = rows.slice(0, f.limit);
        return { rows: strip(page), next: cursorOf(page[page.length - 1]), prev: after ? cursorOf(page[0]) : null };
      }
    }
    // A report indexed earlier lies within the page: only a fixed tier, not one scaled from a full page, may reach it.
    tier = full ? (SEARCH_PLAN.tiers[step + 1] ?? null) : nextTier(step, tier, rows.length, f.limit + 1);
  }
  return exactPage(db, x);
}

/**
 * How a search runs: when the filter without the search holds few reports (a township's, a small
 * county's), each is tested against the index (matchesSearchPerRow) — a common word's 144,000
 * matches are never read; otherwise among the newest matches first (SEARCH_PLAN.tiers), then all.
 */
async function searchPlan(db: Executor, x: InboxQuery): Promise<InboxQuery> {
  if (!x.filter.q || !hasSearchTerms(x.filter.q) || x.searchPerRow !== undefined) return x;
  const plain = { ...x, filter: { ...x.filter, q: undefined } };
  const n = SEARCH_PLAN.perRowMax >= 0 ? await countUpTo(db, plain, SEARCH_PLAN.perRowMax) : Infinity;
  return { ...x, searchPerRow: n <= SEARCH_PLAN.perRowMax };
}

/** Whether a report of the filter (search aside) after the cursor and before `beyond` was indexed before `floor`. */
async function indexedEarlierBetween(db: Executor, x: InboxQuery, after: CursorValues | undefined, beyond: CursorValues, floor: number): Promise<boolean> {
  const conditions = filterConditions({ ...x, filter: { ...x.filter, q: undefined } }, pageScope({ ...x, filter: { ...x.filter, q: undefined } }));
  if (after) conditions.push(cursorCondition(x.filter.sort, after, 'after'));
  conditions.push(cursorCondition(x.filter.sort, beyond, 'before'), indexedBefore(reports.id, 'report', floor));
  const row = await query(db, (q) => q.select({ id: reports.id }).from(reports).where(and(...conditions)).limit(1).get());
  return row !== undefined;
}

/**
 * How many reports match the filter, counting at most `cap` + 1: the page shows the exact number up
 * to the cap and "cap+" beyond it, so a view never counts every report of a province.
 */
export async function inboxCount(db: Executor, x0: InboxQuery, cap: number): Promise<number> {
  const x = await searchPlan(db, x0);
  // A search over a wide tree: over cap among the newest matches is over cap among all of them.
  if (x.filter.q && hasSearchTerms(x.filter.q) && !x.searchPerRow && x.wideTree) {
    let tier: number | null = SEARCH_PLAN.tiers[0] ?? null;
    for (let step = 0; tier !== null; step++) {
      const floor = await recentMatchFloor(db, { type: 'report', query: x.filter.q }, tier);
      if (floor === null) break;
      const n = await countUpTo(db, { ...x, searchSince: { key: floor, among: tier } }, cap);
      if (n > cap) return n;
      tier = nextTier(step, tier, n, cap + 1);
    }
  }
  return countUpTo(db, x, cap);
}

/**
 * The scope for a count. Among the newest search matches those drive, the tree tested on each (as
 * pageScope). Over a wide tree (a prefecture's, the province's) with no status to start from (a status, and the queues that are
 * lists of statuses, read the unit-and-status indexes, which stop after cap + 1), the reports are
 * read in time order — a date range as a range of the received_at index — and the tree tested on
 * each: the unit indexes would first gather every report of the tree (a category over the province
 * 0.3 s, issue 22).
 */
function countScope(x: InboxQuery): ReportCondition {
  if (!x.scopeInTimeOrder) return x.scope;
  if (x.searchSince !== undefined) return x.scopeInTimeOrder;
  if (wideStatusCount(x)) return x.scopeInTimeOrder;
  if ((regionIndexed(x) || countiesIndexed(x)) && x.filter.queue === 'all' && !x.filter.q) return x.scopeInTimeOrder;
  // The overdue queue: the due-date index's range of past dates drives (few reports are overdue; the
  // unit indexes gathered a province's every report to find none: ≈ 75 ms at 200,000 reports).
  if (x.filter.queue === 'overdue' && !x.filter.q) return x.scopeInTimeOrder;
  // A county's tree holds ≈ 1/70 of the reports: reading in time order would pass most of the table.
  if (!x.wideTree) return x.scope;
  // Nothing but the tree: its unit indexes stop after cap + 1 rows, where time order passes 1,000 / share
  // of the table (a small prefecture's ≈ 1/40: ≈ 11 ms at 200,000 reports, issue 22).
  if (unfiltered(x)) return x.scope;
  const f = x.filter;
  const narrower = !!f.status || f.queue !== 'all' || regionIndexed(x) || countiesIndexed(x) || !!f.q;
  return narrower ? x.scope : x.scopeInTimeOrder;
}

/** No queue, field, date or search filter: the scope alone. */
function unfiltered(x: InboxQuery): boolean {
  const f = x.filter;
  return f.queue === 'all' && !f.status && !f.category && !f.channel && !f.region && !f.clock && !f.from && !f.to && !f.q;
}

/** The statement counting the filter's reports up to `cap` + 1 (countUpTo). */
function countStatement(q: Executor, x: InboxQuery, cap: number) {
  const matching = q
    .select({ one: sql<number>`1`.as('one') })
    .from(reports)
    .where(and(...filterConditions(x, countScope(x), { byCountyIndex: true, wideStatus: wideStatusCount(x) })))
    .limit(cap + 1)
    .as('matching');
  return q.select({ n: sql<number>`count(*)` }).from(matching);
}

async function countUpTo(db: Executor, x: InboxQuery, cap: number): Promise<number> {
  const row = await query(db, (q) => countStatement(q, x, cap).get());
  return row?.n ?? 0;
}

/** The query plan of the filter's count (no search), one line a row: for the index tests. */
export async function countPlan(db: Executor, x: InboxQuery, cap: number): Promise<string[]> {
  const rows = await query(db, (q) => q.all<Record<string, unknown>>(explainPlan(countStatement(q, x, cap).getSQL())));
  return rows.map(planLineOf);
}

/** One batch of the 台账 export after the cursor, in the filter's sort, and the next cursor. */
export async function ledgerBatch(db: Executor, x: InboxQuery, after: string | undefined, limit: number): Promise<{ rows: LedgerRow[]; next: string | null }> {
  const cursor = cursorValues(x.filter.sort, after);
  const rows = await rowsFrom(db, x, ledgerColumns, cursor ? 'after' : 'first', cursor, limit);
  return { rows: strip(rows), next: rows.length === limit ? cursorOf(rows[rows.length - 1]) : null };
}
