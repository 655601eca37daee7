// Who may import a township's recipient list, and into which townships: the township's own
// government (乡镇人民政府/街道办事处, which keeps the list), or the county civil-affairs unit above
// it (县民政局, which approves it). Scope follows parent links, never code prefixes (DESIGN.md §2).
import type { Db } from '../db/connection.js';
import type { StaffContext } from '../plugins/auth.js';
import type { Role } from '../users/index.js';
import { childrenOf, findRegion, type Region } from '../regions/index.js';

export const IMPORT_ROLES: Role[] = ['handler', 'lead', 'intake'];

/** Whether the user's unit kind and roles allow imports at all (the staff header's link); which townships is importableTownships. */
export function mayImportRecipients(staff: StaffContext): boolean {
  return (staff.unit.kind === 'township_gov' || staff.unit.kind === 'civil_affairs') && IMPORT_ROLES.some((r) => staff.has(r));
}

/** The townships this user may import into; empty when none. */
export async function importableTownships(db: Db, staff: StaffContext): Promise<Region[]> {
  if (!mayImportRecipients(staff)) return [];
  const own = await findRegion(db, staff.unit.regionCode);
  if (!own) return [];
  if (staff.unit.kind === 'township_gov') return own.level === 'township' ? [own] : [];
  if (staff.unit.kind === 'civil_affairs' && own.level === 'county') return (await childrenOf(db, own.code)).filter((r) => r.level === 'township');
  return [];
}
