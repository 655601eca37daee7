// Who sees and manages which declarations and cross-check flags (DESIGN.md §4, issue 7). The
// region a user looks after is the set of regions of the civil-affairs and township units they
// supervise (their own and every one below, `supervisedUnitIds`); a place is inside it when one of
// those regions is among the place's ancestors in the region_ancestors closure — never by code
// prefix (DESIGN.md §2). A county bureau (or a township government, for its own villages) manages
// non-user declarants; the city and the province above look on.
import type { Db } from '../db/connection.js';
import { declarantsWithHashes, declaredPeopleOfUser } from '../declarations/index.js';
import { idHashesOf, recipientIdsWithHashes } from '../disclosure/index.js';
import type { Executor } from '../db/executor.js';
import type { StaffContext } from '../plugins/auth.js';
import { codesWithinAny, findRegion, type Region } from '../regions/index.js';
import { regionCodesOfUnits, supervisedUnitIds } from '../units/index.js';
import type { Role } from '../users/index.js';

/** Which of `codes` lie within (or are) one of the scope's `regionCodes`. */
export async function codesWithin(db: Executor, codes: readonly string[], regionCodes: readonly string[]): Promise<Set<string>> {
  return codesWithinAny(db, codes, regionCodes);
}

/** Roles that enter declarations, import lists and resolve flags. */
export const MANAGE_ROLES: Role[] = ['intake', 'handler', 'lead'];
/** Roles that may read the flags and declarations of their region (supervisors look on from above). */
export const VIEW_ROLES: Role[] = ['intake', 'handler', 'lead', 'supervisor', 'inspector'];

export interface RegionScope {
  /** The user's unit and every unit it supervises. */
  unitIds: number[];
  /** Regions of those units that are civil-affairs bureaus or township governments. */
  regionCodes: string[];
}

const cache = new WeakMap<StaffContext, RegionScope>();

/** The region scope of a staff user; empty for discipline bodies and departments. */
export async function regionScope(db: Db, staff: StaffContext): Promise<RegionScope> {
  const cached = cache.get(staff);
  if (cached) return cached;
  let scope: RegionScope = { unitIds: [], regionCodes: [] };
  if (staff.unit.kind === 'civil_affairs' || staff.unit.kind === 'township_gov') {
    const unitIds = await supervisedUnitIds(db, staff.unit.id);
    scope = { unitIds, regionCodes: await regionCodesOfUnits(db, unitIds, ['civil_affairs', 'township_gov']) };
  }
  cache.set(staff, scope);
  return scope;
}

/** Whether a region code lies within the scope (one closure lookup). */
export async function codeWithin(db: Executor, code: string, regionCodes: readonly string[]): Promise<boolean> {
  return (await codesWithin(db, [code], regionCodes)).has(code);
}

export function canView(staff: StaffContext): boolean {
  return (staff.unit.kind === 'civil_affairs' || staff.unit.kind === 'township_gov') && VIEW_ROLES.some((r) => staff.has(r));
}

/**
 * The region whose non-user declarants this user manages (enters, imports, edits): a county-level
 * civil-affairs bureau's county, or a township government's township; none for the levels above,
 * which supervise, nor without a managing role.
 */
export async function managedRegion(db: Db, staff: StaffContext): Promise<Region | null> {
  if (!MANAGE_ROLES.some((r) => staff.has(r))) return null;
  const own = await findRegion(db, staff.unit.regionCode);
  if (!own) return null;
  if (staff.unit.kind === 'township_gov' && own.level === 'township') return own;
  if (staff.unit.kind === 'civil_affairs' && own.level === 'county') return own;
  return null;
}

/** Whether the user may resolve flags at all (a managing role in a unit with a region). */
export function canResolve(staff: StaffContext): boolean {
  return canView(staff) && MANAGE_ROLES.some((r) => staff.has(r));
}

/**
 * What a user's own declaration hides from her (issue 19 item 15, DESIGN.md §4 recusal): every flag
 * whose recipient or declarant is herself or one of her declared relatives, matched by keyed ID hash
 * — not only the flags raised on her own declaration. Empty for a user with no declaration.
 */
export interface FlagRecusal {
  recipientIds: number[];
  declarantIds: number[];
}

export async function flagRecusal(db: Db, userId: number): Promise<FlagRecusal> {
  const people = await declaredPeopleOfUser(db, userId);
  if (!people) return { recipientIds: [], declarantIds: [] };
  // Every hash of each person, under either crypto profile (issue 23).
  const hashes = [people.declarant, ...people.relatives].flatMap(idHashesOf);
  return { recipientIds: await recipientIdsWithHashes(db, hashes), declarantIds: (await declarantsWithHashes(db, hashes)).map((d) => d.id) };
}

/**
 * Whether the user's unit is one that must verify a flag (issue 19 item 15): the county civil-affairs
 * bureau of the recipient's county, which resolves it, or the township government of the recipient's
 * township, which visits the household. Their staff see the names in full (audited); the city and
 * province above, and the county of a declarant's home elsewhere, see them masked.
 */
export function verifiesFlag(staff: StaffContext, flag: { countyCode: string }, townshipCode: string | null): boolean {
  if (staff.unit.kind === 'civil_affairs') return staff.unit.regionCode === flag.countyCode;
  if (staff.unit.kind === 'township_gov') return townshipCode !== null && staff.unit.regionCode === townshipCode;
  return false;
}
