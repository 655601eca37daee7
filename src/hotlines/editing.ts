// Staff edit their unit's hotline rows and those of the civil-affairs units below them (issue 6,
// "Hotlines"). Every change is audited and the public pages change at once.
import { record } from '../audit/index.js';
import type { Executor } from '../db/executor.js';
import type { StaffContext } from '../plugins/auth.js';
import type { Deps } from '../shared/deps.js';
import { civilAffairsUnitsAmong, supervisedUnitIds, type Unit } from '../units/index.js';
import { normalizePhone } from './phone.js';
import * as repo from './repository.js';
import { withTransaction } from '../db/transaction.js';

export const EDITING_ROLES = ['lead', 'supervisor', 'system_admin'] as const;

/** Civil-affairs units whose hotlines this user edits: their own and every one below it. */
export async function editableUnits(deps: Pick<Deps, 'db'>, staff: StaffContext): Promise<Unit[]> {
  if (staff.unit.kind !== 'civil_affairs' || !EDITING_ROLES.some((r) => staff.has(r))) return [];
  const ids = await supervisedUnitIds(deps.db, staff.unit.id);
  return await civilAffairsUnitsAmong(deps.db, ids);
}

export interface HotlineInput {
  phone: string;
  dutyHours: string;
  note: string | null;
}

export type HotlineErrors = Partial<Record<'phone' | 'duty_hours' | 'note' | 'unit_id', string>>;

export function validateHotline(fields: Record<string, string | undefined>): { input?: HotlineInput; errors: HotlineErrors } {
  const errors: HotlineErrors = {};
  const phone = normalizePhone(fields.phone ?? '');
  const dutyHours = (fields.duty_hours ?? '').trim();
  const note = (fields.note ?? '').trim();
  if (!phone) errors.phone = 'hotlines.errors.phone';
  if (dutyHours.length < 2 || dutyHours.length > 100) errors.duty_hours = 'hotlines.errors.duty_hours';
  if (note.length > 200) errors.note = 'hotlines.errors.note';
  if (Object.keys(errors).length > 0 || !phone) return { errors };
  return { input: { phone, dutyHours, note: note || null }, errors };
}

async function audit(deps: Deps, tx: Executor, staff: StaffContext, action: string, row: repo.Hotline, now: number): Promise<void> {
  // Office numbers are public: the detail may name them.
  await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: `hotline.${action}`, object: { type: 'hotline', id: row.id }, detail: { unit: row.unitId, region: row.regionCode, phone: row.phone } }, now);
}

export async function addHotline(deps: Deps, staff: StaffContext, unit: Unit, input: HotlineInput, now = Date.now()): Promise<repo.Hotline> {
  const row = await withTransaction(deps.db, async (tx) => {
    const inserted = await repo.insertHotline(tx, { unitId: unit.id, regionCode: unit.regionCode, phone: input.phone, dutyHours: input.dutyHours, note: input.note, updatedAt: now });
    await audit(deps, tx, staff, 'created', inserted, now);
    return inserted;
  });
  deps.publicCache.invalidate();
  return row;
}

export async function editHotline(deps: Deps, staff: StaffContext, row: repo.Hotline, input: HotlineInput, now = Date.now()): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    await repo.updateHotline(tx, row.id, { phone: input.phone, dutyHours: input.dutyHours, note: input.note, updatedAt: now });
    await audit(deps, tx, staff, 'updated', { ...row, ...input }, now);
  });
  deps.publicCache.invalidate();
}

export async function removeHotline(deps: Deps, staff: StaffContext, row: repo.Hotline, now = Date.now()): Promise<void> {
  await withTransaction(deps.db, async (tx) => {
    await repo.deleteHotline(tx, row.id);
    await audit(deps, tx, staff, 'deleted', row, now);
  });
  deps.publicCache.invalidate();
}
