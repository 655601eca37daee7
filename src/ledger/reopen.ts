// Reopening a signed-off item (issue 18 item 8): 对账销号 can be wrong — a spot check finds the
// rectification was only on paper (虚假整改, 纸上整改) — so the level that signs items off can
// take a sign-off back. The item returns to in_progress with the reason, which the public ledger
// shows as 重新整改 with the count; the sign-off is cleared on the row and kept in the audit log.
import { record } from '../audit/index.js';
import { addDays, todayInChina } from '../clocks/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { dateFieldValue, parseDateInput } from '../shared/date-input.js';
import type { Deps } from '../shared/deps.js';
import { withTransaction } from '../db/transaction.js';
import { forbidden } from '../shared/errors.js';
import * as repo from './repository.js';
import { LedgerError, maySignOff } from './service.js';

/** Inspectors record spot checks (spot-checks' SPOT_CHECK_ROLES): they may reopen as a spot-check finding only. */
export const SPOT_CHECK_REOPEN_ROLE = 'inspector';

export interface ReopenInput {
  reason: string;
  /** A new deadline, or undefined to keep the old one. */
  deadline?: string;
  /** The reopening is a spot check's finding (明查暗访发现虚假整改). */
  spotCheck: boolean;
}

export type ReopenErrors = Partial<Record<'reason' | 'deadline', string>>;

/**
 * Who may take a sign-off back: those who may sign the item off (a lead or supervisor of a unit
 * above the responsible one; at the top, the province itself) — so the responsible unit never
 * reopens, nor closes, its own item. An inspector of such a unit may too, as a spot-check finding.
 */
export function mayReopen(staff: StaffContext, item: repo.Item, scopeIds: number[], spotCheck: boolean): boolean {
  if (item.status !== 'signed_off') return false;
  if (maySignOff(staff, item, scopeIds)) return true;
  if (!spotCheck || !staff.has(SPOT_CHECK_REOPEN_ROLE)) return false;
  return scopeIds.includes(item.unitId) && (item.unitId !== staff.unit.id || staff.unit.supervisorId === null);
}

/** Whether the reopen form is offered at all (as a spot-check finding for an inspector). */
export function mayOfferReopen(staff: StaffContext, item: repo.Item, scopeIds: number[]): boolean {
  return mayReopen(staff, item, scopeIds, true);
}

/** A real day in YYYY-MM-DD (the form's value has been through dateFieldValue). */
function isIsoDate(s: string): boolean {
  return parseDateInput(s) === s;
}

/** The reopen form: a reason of 5 to 1,000 characters; a new deadline, if any, from today (China time) to five years ahead. */
export function validateReopen(fields: Record<string, string | undefined>, today = todayInChina()): { input?: ReopenInput; errors: ReopenErrors } {
  const errors: ReopenErrors = {};
  const reason = (fields.reason ?? '').trim();
  const deadline = dateFieldValue(fields.deadline);
  if (reason.length < 5 || reason.length > 1000) errors.reason = 'ledger.errors.reopen_reason';
  if (deadline !== '' && (!isIsoDate(deadline) || deadline < today || deadline > addDays(today, 5 * 366))) errors.deadline = 'ledger.errors.reopen_deadline';
  if (Object.keys(errors).length > 0) return { errors };
  return { input: { reason, deadline: deadline || undefined, spotCheck: fields.spot_check === '1' }, errors };
}

/** Takes the sign-off back: in_progress again, the reason recorded and published, audited as ledger.reopened. */
export async function reopenItem(deps: Deps, staff: StaffContext, item: repo.Item, input: ReopenInput, scopeIds: number[], now = Date.now()): Promise<void> {
  if (item.status !== 'signed_off') throw new LedgerError('not_signed_off');
  if (!mayReopen(staff, item, scopeIds, input.spotCheck)) throw forbidden();
  await withTransaction(deps.db, async (tx) => {
    if (!(await repo.reopenSignedOff(tx, item.id, { by: staff.user.id, reason: input.reason, deadline: input.deadline, at: now }))) throw new LedgerError('not_signed_off');
    await record(
      tx,
      deps.keys['audit-mac'],
      {
        actor: { type: 'staff', id: staff.user.id },
        action: 'ledger.reopened',
        object: { type: 'ledger_item', id: item.id },
        // The sign-off taken back stays in the log (who and when), since the row's columns are cleared.
        detail: {
          from: 'signed_off',
          to: 'in_progress',
          reason: input.reason,
          finding: input.spotCheck ? 'spot_check' : null,
          signedOffBy: item.signedOffBy,
          signedOffAt: item.signedOffAt,
          deadline: input.deadline ? { from: item.deadline, to: input.deadline } : null,
          report: item.reportId,
        },
      },
      now,
    );
  });
  deps.publicCache.invalidate();
}
