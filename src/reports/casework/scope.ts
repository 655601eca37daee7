// Who may see which report (DESIGN.md §4). Every staff route asks this on the server; a report
// outside the scope is a 404, the same answer as a report that does not exist.
import { and, eq, inArray, not, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import type { StaffContext } from '../../plugins/auth.js';
import { reports } from '../tables.js';
import { findByCaseNo, type Report } from '../repository.js';
import { supervisedUnitIds } from '../../units/index.js';
import { POSITIONS, type Position } from '../catalog.js';
import { conflictPairs } from './recusal.js';
import { referrals } from '../referrals/tables.js';
import { transfers } from '../transfers/tables.js';

/** Positions at township level or below: a report about them never reaches that township's government (信访工作条例 art. 30). */
export const TOWNSHIP_OR_BELOW: Position[] = (Object.keys(POSITIONS) as Position[]).filter((p) => POSITIONS[p] === 'township' || POSITIONS[p] === 'village');

export interface Scope {
  /** Civil-affairs units whose reports this user sees (their own and every unit below). */
  unitIds: number[];
  condition: SQL;
}

const cache = new WeakMap<StaffContext, Scope>();

export async function scopeOf(db: Db, staff: StaffContext): Promise<Scope> {
  const cached = cache.get(staff);
  if (cached) return cached;
  const unitIds = await supervisedUnitIds(db, staff.unit.id);
  const conditions: SQL[] = [];
  if (staff.unit.kind === 'civil_affairs') {
    // The unit tree as one JSON parameter rather than three inline lists of ~250 ids each: the
    // statement stays small and each branch can still be read through its own index.
    const tree = sql`(select value from json_each(${JSON.stringify(unitIds)}))`;
    conditions.push(sql`(${reports.handlingUnitId} in ${tree} or ${reports.assignedUnitId} in ${tree} or ${reports.reviewUnitId} in ${tree})`);
  } else if (staff.unit.kind === 'township_gov') {
    // Only what is assigned to the township, and never a report about its own officials.
    conditions.push(eq(reports.assignedUnitId, staff.unit.id));
    // coalesce: a report without a subject position is not about the township's officials (a bare
    // NULL would make the whole condition unknown and hide every such report from the township).
    conditions.push(not(and(eq(reports.townshipCode, staff.unit.regionCode), inArray(sql`coalesce(${reports.subjectPosition}, '')`, TOWNSHIP_OR_BELOW))!));
  } else if (staff.unit.kind === 'discipline') {
    // A body sees the referrals addressed to it and to the bodies it supervises, nothing else, and
    // only while the referral is open: a returned referral is no longer its business (issue 16), a
    // concluded one it keeps in its own workspace (/staff/referrals).
    conditions.push(inArray(reports.id, db.select({ id: referrals.reportId }).from(referrals).where(and(inArray(referrals.bodyUnitId, unitIds), inArray(referrals.status, ['pending', 'accepted'])))));
  } else {
    // A department sees the reports transferred to it while the transfer is open; once it reported
    // its outcome or returned the transfer its part has ended (issue 16).
    conditions.push(inArray(reports.id, db.select({ id: transfers.reportId }).from(transfers).where(and(eq(transfers.departmentUnitId, staff.unit.id), inArray(transfers.status, ['sent', 'received'])))));
  }
  // Recusal: reports from the user's home village or about them or their declared relatives.
  if (staff.user.homeVillageCode) conditions.push(sql`${reports.placeCode} <> ${staff.user.homeVillageCode}`);
  for (const pair of await conflictPairs(db, staff.user)) {
    conditions.push(sql`not (coalesce(${reports.subjectName}, '') = ${pair.name} and coalesce(${reports.townshipCode}, '') = ${pair.township})`);
  }
  const scope = { unitIds, condition: and(...conditions)! };
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
  return db.select().from(reports).where(and(eq(reports.id, id), scope.condition)).get();
}
