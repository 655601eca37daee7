// Resolving a cross-check flag: the action taken, chosen from the usual outcomes, with a note
// (required for "other"). The note is stored in Chinese, the language of the record, as
// "<outcome>；<note>", and the resolution is audited (without the note: it may name people).
import { record } from '../audit/index.js';
import { translate } from '../i18n/translate.js';
import type { StaffContext } from '../plugins/auth.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import * as repo from './repository.js';

export const OUTCOMES = ['registered_now', 'already_registered', 'not_relative', 'stopped', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const NOTE_MAX = 500;

export function isOutcome(v: unknown): v is Outcome {
  return typeof v === 'string' && (OUTCOMES as readonly string[]).includes(v);
}

export type ResolveResult = { ok: true } | { ok: false; errors: Record<string, string> } | { ok: false; conflict: true };

export async function resolveFlag(deps: Deps, staff: StaffContext, flag: repo.Flag, input: { outcome: string; note: string }, now = Date.now()): Promise<ResolveResult> {
  const errors: Record<string, string> = {};
  const note = input.note.normalize('NFC').replace(/\p{Cc}/gu, ' ').replace(/\s+/gu, ' ').trim();
  if (!isOutcome(input.outcome)) errors.outcome = 'crossChecks.errors.outcome_required';
  if (input.outcome === 'other' && [...note].length < 4) errors.note = 'crossChecks.errors.note_required';
  if ([...note].length > NOTE_MAX) errors.note = 'crossChecks.errors.note_too_long';
  if (Object.keys(errors).length > 0 || !isOutcome(input.outcome)) return { ok: false, errors };
  if (flag.status !== 'open') return { ok: false, conflict: true };

  const label = translate('zh-CN', `crossChecks.outcomes.${input.outcome}`);
  const actionNote = input.outcome === 'other' ? note : note ? `${label}；${note}` : label;
  const outcome = input.outcome;
  const done = await withTransaction(deps.db, async (tx) => {
    if (!(await repo.resolveFlagRow(tx, flag.id, { actionNote, resolvedBy: staff.user.id, resolvedAt: now }))) return false;
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'cross_check.flag_resolve', object: { type: 'cross_check_flag', id: flag.id }, detail: { kind: flag.kind, outcome } }, now);
    return true;
  });
  return done ? { ok: true } : { ok: false, conflict: true };
}

/**
 * Each flag whose names a verifying unit's user was shown in full (issue 19 item 15, DESIGN.md §4:
 * every view of clear names is audited): one entry per flag, naming the user and the flag — never
 * the names, which the flag's id leads an auditor to.
 */
export async function auditNamesShown(deps: Pick<Deps, 'db' | 'keys'>, staff: StaffContext, flagIds: readonly number[], now = Date.now()): Promise<void> {
  if (flagIds.length === 0) return;
  await withTransaction(deps.db, async (tx) => {
    for (const id of flagIds) {
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'cross_check.names_viewed', object: { type: 'cross_check_flag', id } }, now);
    }
  });
}
