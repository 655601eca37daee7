// Who may see which report (DESIGN.md §4). Every staff route asks this on the server; a report
// outside the scope is a 404, the same answer as a report that does not exist.
import type { Db } from '../../db/connection.js';
import type { Executor } from '../../db/executor.js';
import type { StaffContext } from '../../plugins/auth.js';
import { findByCaseNo, type Report } from '../repository.js';
import { supervisedUnitIds } from '../../units/index.js';
import { POSITIONS, type Position } from '../catalog.js';
import { conflictPairs } from './recusal.js';
import { findReportWhere, reportIdsWhere, scopeCondition, type ReportCondition } from './repository/scope.js';

/** Positions at township level or below: a report about them never reaches that township's government (信访工作条例 art. 30). */
export const TOWNSHIP_OR_BELOW: Position[] = (Object.keys(POSITIONS) as Position[]).filter((p) => POSITIONS[p] === 'township' || POSITIONS[p] === 'village');

export interface Scope {
  /** Civil-affairs units whose reports this user sees (their own and every unit below). */
  unitIds: number[];
  /** The same as a condition on the reports table, for repositories to add to their statements. */
  condition: ReportCondition;
}

const cache = new WeakMap<StaffContext, Scope>();

export async function scopeOf(db: Executor, staff: StaffContext): Promise<Scope> {
  const cached = cache.get(staff);
  if (cached) return cached;
  const unitIds = await supervisedUnitIds(db, staff.unit.id);
  const conflicts = await conflictPairs(db, staff.user);
  const condition = await scopeCondition(db, { unit: staff.unit, unitIds, homeVillageCode: staff.user.homeVillageCode, conflicts, townshipOrBelow: TOWNSHIP_OR_BELOW });
  const scope = { unitIds, condition };
  cache.set(staff, scope);
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
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  const scope = await scopeOf(db, staff);
  return findReportWhere(db, id, scope.condition);
}

/** Of these report ids, those this user may see (recusal included): for lists of other features that link to reports. */
export async function visibleReportIds(db: Executor, staff: StaffContext, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const scope = await scopeOf(db, staff);
  return new Set(await reportIdsWhere(db, ids, scope.condition));
}
