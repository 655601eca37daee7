// The change stamp of what a staff user's inbox and dashboard show (src/db/change-stamps.ts): the
// counter of the user's unit tree (every report handled, assigned or reviewed by the unit or a unit
// below it), of people (names, roles, declarations, which decide recusal) and of the calendar, with
// today's date (clock states count from it).
import type { Db } from '../../db/connection.js';
import { stampTotal } from '../../db/change-stamps.js';
import type { StaffContext } from '../../plugins/auth.js';
import { todayInChina } from '../../clocks/index.js';

/**
 * Civil-affairs units see the reports handled, assigned or reviewed in their tree; a township
 * government the reports assigned to it (a township has no unit below it, so its tree is itself).
 * Discipline bodies and departments see reports through referrals and transfers, which no unit
 * counter follows: their pages are not cached (null).
 *
 * The stamp also spells out the unit and the user's own fields the page shows or scopes by, as this
 * request read them: a user moved to another unit sums other counters, and a total alone could come
 * out equal by chance (a township with one write moved to one with none while `people` rose by one).
 */
export async function scopeStamp(db: Db, staff: StaffContext): Promise<string | null> {
  const { unit, user } = staff;
  if (unit.kind !== 'civil_affairs' && unit.kind !== 'township_gov') return null;
  const total = await stampTotal(db, `["people","calendar","tree:${unit.id}"]`);
  return JSON.stringify([todayInChina(), unit.id, user.id, user.roles, user.displayName, user.homeVillageCode, total]);
}
