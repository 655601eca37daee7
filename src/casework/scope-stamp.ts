// The change stamp of what a staff user's inbox and dashboard show (src/db/change-stamps.ts): the
// counter of the user's unit tree (every report handled, assigned or reviewed by the unit or a unit
// below it), of people (names, roles, declarations, which decide recusal) and of the calendar, with
// today's date (clock states count from it).
import type { Db } from '../db/connection.js';
import { stampTotal } from '../db/change-stamps.js';
import type { StaffContext } from '../plugins/auth.js';
import { todayInChina } from '../clocks/index.js';

/**
 * Civil-affairs units see the reports handled, assigned or reviewed in their tree; a township
 * government the reports assigned to it (a township has no unit below it, so its tree is itself).
 * Discipline bodies and departments see reports through referrals and transfers, which no unit
 * counter follows: their pages are not cached (null).
 */
export function scopeStamp(db: Db, staff: StaffContext): string | null {
  const kind = staff.unit.kind;
  if (kind !== 'civil_affairs' && kind !== 'township_gov') return null;
  return `${todayInChina()}|${stampTotal(db, `["people","calendar","tree:${staff.unit.id}"]`)}`;
}
