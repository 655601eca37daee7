// The change stamp of what a staff user's inbox and dashboard show (src/db/change-stamps.ts): the
// counters of every unit whose reports are in their scope, of people (names, roles, declarations,
// which decide recusal) and of the calendar, with today's date (clock states count from it).
import type { Db } from '../db/connection.js';
import { stampTotal } from '../db/change-stamps.js';
import { perDatabase } from '../db/per-database.js';
import type { StaffContext } from '../plugins/auth.js';
import { todayInChina } from '../clocks/index.js';
import { supervisedUnitIds } from '../units/index.js';

const keysOfUnit = perDatabase<number, string | null>();

/**
 * Civil-affairs units see the reports handled, assigned or reviewed in their tree; a township
 * government the reports assigned to it. Discipline bodies and departments see reports through
 * referrals and transfers, which no unit counter follows: their pages are not cached (null).
 */
async function stampKeys(db: Db, staff: StaffContext): Promise<string | null> {
  const kind = staff.unit.kind;
  if (kind !== 'civil_affairs' && kind !== 'township_gov') return null;
  const unitIds = kind === 'civil_affairs' ? await supervisedUnitIds(db, staff.unit.id) : [staff.unit.id];
  // Units are written only at start-up, so the key list of a unit is built once.
  return keysOfUnit.get(db, staff.unit.id, () => JSON.stringify(['people', 'calendar', ...unitIds.map((id) => `unit:${id}`)])) ?? null;
}

export async function scopeStamp(db: Db, staff: StaffContext): Promise<string | null> {
  const keys = await stampKeys(db, staff);
  return keys === null ? null : `${todayInChina()}|${stampTotal(db, keys)}`;
}
