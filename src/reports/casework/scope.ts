// Who may see which report (DESIGN.md §4). Every staff route asks this on the server; a report
// outside the scope is a 404, the same answer as a report that does not exist.
import type { Db } from '../../db/connection.js';
import type { Executor } from '../../db/executor.js';
import type { StaffContext } from '../../plugins/auth.js';
import { findByCaseNo, type Report } from '../repository.js';
import { supervisedUnitIds } from '../../units/index.js';
import { POSITIONS, type Position } from '../catalog.js';
import { conflictPairs } from './recusal.js';
import { stampTotal } from '../../db/change-stamps.js';
import { connectionOf } from '../../db/per-database.js';
import { findReportWhere, insideTransaction, reportIdsWhere, reportsWhereUpTo, scopeCondition, type ReportCondition } from './repository/scope.js';
import { isRowId } from '../../db/dialect.js';

/** Positions at township level or below: a report about them never reaches that township's government (信访工作条例 art. 30). */
export const TOWNSHIP_OR_BELOW: Position[] = (Object.keys(POSITIONS) as Position[]).filter((p) => POSITIONS[p] === 'township' || POSITIONS[p] === 'village');

export interface Scope {
  /** Civil-affairs units whose reports this user sees (their own and every unit below). */
  unitIds: number[];
  /** The same as a condition on the reports table, for repositories to add to their statements. */
  condition: ReportCondition;
  /**
   * For a civil-affairs tree holding many reports (SCOPE_PLAN.denseReports or more: a county's, a
   * prefecture's, the province's): the same condition for statements that read the reports in time
   * order, the tree tested on each row (repository/scope.ts `unindexed`).
   */
  inTimeOrder?: ReportCondition;
  /** The tree holds a large part of the province (WIDE_TREE units or more: a prefecture's, the province's). */
  wide: boolean;
}

/** A tree of this many units or more (a prefecture has ≈ 250, the province ≈ 1,150, a county ≈ 15). */
export const WIDE_TREE = 100;

/**
 * From how many reports in scope a view reads in time order rather than through the unit indexes
 * (issue 22): a township government's few hundred are read and sorted at once; a county's thousands
 * and a prefecture's tens of thousands are not. Only the plan depends on it, never the rows; the
 * number is counted when the scope is built (≈ 1 ms, up to this many) and kept with it. Exported
 * for the tests, which set it low.
 */
export const SCOPE_PLAN = { denseReports: 2_000 };

/** Per request: a request asks for its scope several times (page, count, names). */
const cache = new WeakMap<StaffContext, Scope>();

/**
 * Per user across requests: computing a scope reads the user's declaration (recusal), which changes
 * seldom, while staff views come many a minute (issue 22). A kept scope is used while the `people`
 * change stamp is unchanged — the triggers of migration 0009 raise it on every write to users,
 * declarants and declared relatives, by any process or node — so a declared relative hides the
 * report on the very next request. Units and regions are written only at start-up (and read through
 * their own per-database caches); the key holds every field of the user and unit the scope is built
 * from. Referrals and transfers stay subqueries in the condition, evaluated by each statement.
 */
interface KeptScope {
  stamp: number;
  scope: Scope;
}
const kept = new WeakMap<object, Map<string, KeptScope>>();
/** Enough for every user of a province at once; the least recently used go first. */
const MAX_KEPT = 5000;
const PEOPLE = '["people"]';

function keptFor(db: Executor): Map<string, KeptScope> {
  const connection = connectionOf(db);
  let map = kept.get(connection);
  if (!map) kept.set(connection, (map = new Map()));
  return map;
}

export async function scopeOf(db: Executor, staff: StaffContext): Promise<Scope> {
  const cached = cache.get(staff);
  if (cached) return cached;
  const { user, unit } = staff;
  // Read before the scope is built: a change landing meanwhile leaves a stamp that no longer matches.
  const stamp = await stampTotal(db, PEOPLE);
  const key = JSON.stringify([user.id, user.displayName, user.homeVillageCode, user.roles, unit.id, unit.kind, unit.regionCode]);
  const map = keptFor(db);
  const hit = map.get(key);
  if (hit && hit.stamp === stamp) {
    map.delete(key);
    map.set(key, hit);
    cache.set(staff, hit.scope);
    return hit.scope;
  }
  const unitIds = await supervisedUnitIds(db, unit.id);
  const conflicts = await conflictPairs(db, user);
  const facts = { unit, unitIds, homeVillageCode: user.homeVillageCode, conflicts, townshipOrBelow: TOWNSHIP_OR_BELOW };
  const condition = await scopeCondition(db, facts);
  const dense = unit.kind === 'civil_affairs' && (await reportsWhereUpTo(db, condition, SCOPE_PLAN.denseReports)) >= SCOPE_PLAN.denseReports;
  const wide = unit.kind === 'civil_affairs' && unitIds.length >= WIDE_TREE;
  const scope: Scope = { unitIds, condition, wide, ...(dense ? { inTimeOrder: await scopeCondition(db, facts, { inTimeOrder: true }) } : {}) };
  cache.set(staff, scope);
  // Not kept inside a transaction: it may write what the stamp counts and still roll back.
  if (!(await insideTransaction(db))) {
    map.delete(key);
    if (map.size >= MAX_KEPT) map.delete(map.keys().next().value!);
    map.set(key, { stamp, scope });
  }
  return scope;
}

/**
 * The report with this case number if this user may see it, else undefined: one lookup through the
 * case number's unique index (issue 16 defect 4: merging used to read every report to find it).
 */
export async function visibleReportByCaseNo(db: Db, staff: StaffContext, caseNo: string): Promise<Report | undefined> {
  const wanted = caseNo.trim();
  if (!wanted) return undefined;
  const found = await findByCaseNo(db, wanted);
  return found ? visibleReport(db, staff, found.id) : undefined;
}

/** The report if this user may see it, else undefined (the route answers 404). */
export async function visibleReport(db: Db, staff: StaffContext, id: number): Promise<Report | undefined> {
  // Also no id beyond a PostgreSQL integer: such a query fails there instead of finding nothing.
  if (!isRowId(id)) return undefined;
  const scope = await scopeOf(db, staff);
  return findReportWhere(db, id, scope.condition);
}

/** Of these report ids, those this user may see (recusal included): for lists of other features that link to reports. */
export async function visibleReportIds(db: Executor, staff: StaffContext, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const scope = await scopeOf(db, staff);
  return new Set(await reportIdsWhere(db, ids, scope.condition));
}
