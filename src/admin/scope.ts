// Which users an administrator manages (DESIGN.md §4 "every user belongs to one unit"): the users
// of their own unit and of every unit it supervises, directly or indirectly. An administrator of
// 省民政厅 therefore manages every civil-affairs and township account; a county administrator
// manages the county bureau and its townships. Discipline bodies and departments sit in other
// trees (or none): their accounts are managed by an administrator of that body, never by 民政.
import type { Db } from '../db/connection.js';
import type { StaffContext } from '../plugins/auth.js';
import { listUnits, supervisedUnitIds, type Unit } from '../units/index.js';
import type { User } from '../users/index.js';

export interface AdminScope {
  unitIds: number[];
  /** The administrator's unit is a top civil-affairs unit (省民政厅): sees the whole audit log, edits the calendar. */
  top: boolean;
}

/** The top of the civil-affairs tree: the unit that operates the platform (省民政厅). */
export function isTopUnit(unit: Unit): boolean {
  return unit.kind === 'civil_affairs' && unit.supervisorId === null;
}

/**
 * The administrators of the top unit operate the platform: they manage every account, discipline
 * bodies' and departments' included (those sit in trees of their own); others manage their tree.
 */
export async function adminScope(db: Db, staff: StaffContext): Promise<AdminScope> {
  const top = isTopUnit(staff.unit);
  const unitIds = top ? (await listUnits(db)).map((u) => u.id) : await supervisedUnitIds(db, staff.unit.id);
  return { unitIds, top };
}

export function userInScope(scope: AdminScope, user: Pick<User, 'unitId'>): boolean {
  return scope.unitIds.includes(user.unitId);
}

export interface UnitOption {
  id: number;
  name: string;
  /** Depth below the administrator's unit, for indentation in a select. */
  depth: number;
  label: string;
}

/** Units in scope, in tree order (each unit followed by the units it supervises). */
export async function unitOptions(db: Db, rootId: number, scopeIds: number[]): Promise<UnitOption[]> {
  const inScope = new Set(scopeIds);
  const all = (await listUnits(db)).filter((u) => inScope.has(u.id));
  const children = new Map<number, Unit[]>();
  for (const u of all) {
    if (u.supervisorId === null || u.id === rootId) continue;
    const list = children.get(u.supervisorId) ?? [];
    list.push(u);
    children.set(u.supervisorId, list);
  }
  const root = all.find((u) => u.id === rootId);
  const out: UnitOption[] = [];
  const visit = (unit: Unit, depth: number) => {
    out.push({ id: unit.id, name: unit.name, depth, label: `${'　'.repeat(depth)}${unit.name}` });
    for (const child of children.get(unit.id) ?? []) visit(child, depth + 1);
  };
  if (root) visit(root, 0);
  return out;
}
