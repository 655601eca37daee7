// The ledger's life (issue 6, "Rectification ledger"): entering items, progress with evidence,
// sign-off (对账销号) by the level above, sending back. Every change is audited and refreshes the
// public pages at once.
import { record, entriesFor } from '../audit/index.js';
import { addDays, todayInChina } from '../clocks/index.js';
import { encryptUploads, evidenceOf, forgetUploads, linkUploads, type CleanFile } from '../evidence/index.js';
import { supervision } from '../reports/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { findReport } from '../reports/index.js';
import { dateFieldValue, parseDateInput } from '../shared/date-input.js';
import type { Deps } from '../shared/deps.js';
import { withTransaction } from '../db/transaction.js';
import { AppError, forbidden } from '../shared/errors.js';
import { civilAffairsOrTownshipUnits, supervisedUnitIds, type Unit } from '../units/index.js';
import { findUser } from '../users/index.js';
import { ENTERABLE_SOURCES, type ItemStatus, type Source } from './catalog.js';
import * as repo from './repository.js';

export class LedgerError extends AppError {
  constructor(code: string, status = 409) {
    super(status, code, `ledger.errors.${code}`);
  }
}

/** Roles that enter items and sign them off; roles that report progress. */
export const MANAGING_ROLES = ['lead', 'supervisor'] as const;
export const PROGRESS_ROLES = ['handler', 'lead', 'supervisor'] as const;

/** The responsible units a user may name: their unit, civil-affairs units below it, and the township governments directly under it. */
export async function assignableUnits(deps: Pick<Deps, 'db'>, staff: StaffContext): Promise<Unit[]> {
  if (staff.unit.kind !== 'civil_affairs') return [];
  const ids = await supervisedUnitIds(deps.db, staff.unit.id);
  return await civilAffairsOrTownshipUnits(deps.db, ids, staff.unit.id);
}

/**
 * 对账销号 is done by the level above: a lead or supervisor of a unit that supervises the item's unit,
 * directly or not. Only at the top (the province, which nobody supervises) does the same unit sign off.
 */
export function maySignOff(staff: StaffContext, item: repo.Item, scopeIds: number[]): boolean {
  if (!MANAGING_ROLES.some((r) => staff.has(r))) return false;
  if (!scopeIds.includes(item.unitId)) return false;
  return item.unitId !== staff.unit.id || staff.unit.supervisorId === null;
}

/**
 * Progress is reported by the responsible unit itself, so that whoever signs an item off (the level
 * above) never also declared it done.
 */
export function mayReportProgress(staff: StaffContext, item: repo.Item, scopeIds: number[]): boolean {
  return PROGRESS_ROLES.some((r) => staff.has(r)) && item.unitId === staff.unit.id && scopeIds.includes(item.unitId) && item.status !== 'signed_off';
}

export interface ItemInput {
  source: Source;
  problem: string;
  measures: string;
  unitId: number;
  responsiblePerson: string;
  deadline: string;
}

export type FieldErrors = Partial<Record<'source' | 'problem' | 'measures' | 'unit_id' | 'person' | 'deadline', string>>;

/** A real day in YYYY-MM-DD (the form's value has been through dateFieldValue). */
function validDate(s: string): boolean {
  return parseDateInput(s) === s;
}

/** Checks the new-item form; the unit must be one of `allowed`. Deadlines from today to five years ahead. */
export function validateItem(fields: Record<string, string | undefined>, allowed: Unit[], today = todayInChina()): { input?: ItemInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const source = fields.source ?? '';
  const problem = (fields.problem ?? '').trim();
  const measures = (fields.measures ?? '').trim();
  const person = (fields.person ?? '').trim();
  const deadline = dateFieldValue(fields.deadline);
  const unitId = Number(fields.unit_id);
  if (!(ENTERABLE_SOURCES as readonly string[]).includes(source)) errors.source = 'ledger.errors.source';
  if (problem.length < 5 || problem.length > 1000) errors.problem = 'ledger.errors.problem';
  if (measures.length < 5 || measures.length > 2000) errors.measures = 'ledger.errors.measures';
  if (!allowed.some((u) => u.id === unitId)) errors.unit_id = 'ledger.errors.unit';
  if (person.length < 2 || person.length > 60) errors.person = 'ledger.errors.person';
  if (!validDate(deadline) || deadline < today || deadline > addDays(today, 5 * 366)) errors.deadline = 'ledger.errors.deadline';
  if (Object.keys(errors).length > 0) return { errors };
  return { input: { source: source as Source, problem, measures, unitId, responsiblePerson: person, deadline }, errors };
}

export async function createItem(deps: Deps, staff: StaffContext, input: ItemInput, unit: Unit, now = Date.now()): Promise<repo.Item> {
  if (!MANAGING_ROLES.some((r) => staff.has(r))) throw forbidden();
  const item = await withTransaction(deps.db, async (tx) => {
    const row = await repo.insertItem(tx, { reportId: null, source: input.source, regionCode: unit.regionCode, problem: input.problem, measures: input.measures, unitId: unit.id, responsiblePerson: input.responsiblePerson, deadline: input.deadline, status: 'not_started', createdBy: staff.user.id, createdAt: now, updatedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'ledger.created', object: { type: 'ledger_item', id: row.id }, detail: { source: input.source, unit: unit.id, deadline: input.deadline } }, now);
    return row;
  });
  deps.publicCache.invalidate();
  return item;
}

/**
 * A progress note, with evidence files, moving the item to in_progress or (complete) to
 * awaiting_signoff. Asking for sign-off needs at least one evidence file on the item.
 */
export async function reportProgress(deps: Deps, staff: StaffContext, item: repo.Item, text: string, complete: boolean, files: CleanFile[], scopeIds: number[], now = Date.now()): Promise<ItemStatus> {
  if (!mayReportProgress(staff, item, scopeIds)) throw item.status === 'signed_off' ? new LedgerError('signed_off') : forbidden();
  const progress = text.trim();
  if (progress.length < 2 || progress.length > 2000) throw new LedgerError('progress_text', 400);
  if (complete && files.length === 0 && (await evidenceOf(deps.db, 'ledger_item', item.id)).length === 0) throw new LedgerError('evidence_required', 400);
  const status: ItemStatus = complete ? 'awaiting_signoff' : 'in_progress';
  const uploads = await encryptUploads(deps.dirs, deps.keys.files, files);
  try {
    await withTransaction(deps.db, async (tx) => {
      await repo.updateItem(tx, item.id, { status, progress, updatedAt: now });
      if (uploads.length > 0) await linkUploads(tx, deps.keys.identity, uploads, { type: 'ledger_item', id: item.id }, { type: 'staff', id: staff.user.id }, now);
      // The progress text is published on /ledger anyway; keeping it here gives the item its history.
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'ledger.progress', object: { type: 'ledger_item', id: item.id }, detail: { from: item.status, to: status, files: uploads.length, progress } }, now);
    });
  } catch (err) {
    await forgetUploads(deps.dirs, uploads, deps.db);
    throw err;
  }
  deps.publicCache.invalidate();
  return status;
}

/**
 * 对账销号. The item of a report in 'rectifying' is recorded on the report too (casework's
 * itemSignedOff, in the same transaction), and the report closes when its last item is signed off
 * (DESIGN.md §3).
 */
export async function signOff(deps: Deps, staff: StaffContext, item: repo.Item, scopeIds: number[], now = Date.now()): Promise<{ reportClosed: boolean }> {
  if (!maySignOff(staff, item, scopeIds)) throw forbidden();
  if (item.status !== 'awaiting_signoff') throw new LedgerError(item.status === 'signed_off' ? 'signed_off' : 'not_awaiting');
  const report = item.reportId ? await findReport(deps.db, item.reportId) : undefined;
  const entry = { actor: { type: 'staff' as const, id: staff.user.id }, action: 'ledger.signed_off', object: { type: 'ledger_item', id: item.id }, detail: { from: item.status, to: 'signed_off', report: item.reportId } };
  const signed = { status: 'signed_off', signedOffBy: staff.user.id, signedOffAt: now, updatedAt: now };
  const reportClosed = await withTransaction(deps.db, async (tx) => {
    if (!report || report.status !== 'rectifying') {
      await repo.updateItem(tx, item.id, signed);
      await record(tx, deps.keys['audit-mac'], entry, now);
      return false;
    }
    const items = await repo.itemsOfReport(tx, report.id);
    if (items.find((i) => i.id === item.id)?.status === 'signed_off') throw new LedgerError('signed_off');
    const last = items.every((i) => i.id === item.id || i.status === 'signed_off');
    // The report's events and audit entry first, then the item, then the ledger's own entry.
    const after = await supervision.itemSignedOff(tx, deps, staff, report, item.id, last, now);
    await repo.updateItem(tx, item.id, signed);
    const closed = after.status === 'closed';
    await record(tx, deps.keys['audit-mac'], { ...entry, detail: { ...entry.detail, reportClosed: closed } }, now);
    return closed;
  });
  deps.publicCache.invalidate();
  return { reportClosed };
}

/** Not accepted for sign-off: back to in_progress with a note for the responsible unit. */
export async function sendBack(deps: Deps, staff: StaffContext, item: repo.Item, note: string, scopeIds: number[], now = Date.now()): Promise<void> {
  if (!maySignOff(staff, item, scopeIds)) throw forbidden();
  if (item.status !== 'awaiting_signoff') throw new LedgerError('not_awaiting');
  const text = note.trim();
  if (text.length < 2 || text.length > 1000) throw new LedgerError('note_required', 400);
  await withTransaction(deps.db, async (tx) => {
    await repo.updateItem(tx, item.id, { status: 'in_progress', updatedAt: now });
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'ledger.sent_back', object: { type: 'ledger_item', id: item.id }, detail: { from: item.status, to: 'in_progress', note: text } }, now);
  });
  deps.publicCache.invalidate();
}

export interface HistoryEntry {
  at: number;
  action: string;
  actor: string | null;
  from?: string;
  to?: string;
  text?: string;
  files?: number;
  /** A reopening found by a spot check. */
  spotCheck?: true;
  /** A reopening's new deadline. */
  deadline?: string;
}

/** The item's history, from its audit entries (append-only, MAC-chained). */
export async function historyOf(deps: Pick<Deps, 'db'>, itemId: number): Promise<HistoryEntry[]> {
  const names = new Map<number, string>();
  const history: HistoryEntry[] = [];
  for (const e of await entriesFor(deps.db, 'ledger_item', String(itemId))) {
    // The sweep audits each recipient of a reminder or escalation; the history shows one line per sweep.
    const previous = history[history.length - 1];
    if ((e.action === 'ledger.reminded' || e.action === 'ledger.escalated') && previous && previous.at === e.at && `ledger.${previous.action}` === e.action) continue;
    const detail = e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : {};
    let actor: string | null = null;
    if (e.actorId !== null) {
      if (!names.has(e.actorId)) names.set(e.actorId, (await findUser(deps.db, e.actorId))?.displayName ?? '');
      actor = names.get(e.actorId) ?? null;
    }
    const text = typeof detail.note === 'string' ? detail.note : typeof detail.progress === 'string' ? detail.progress : typeof detail.reason === 'string' ? detail.reason : undefined;
    const newDeadline = (detail.deadline as { to?: unknown } | null | undefined)?.to;
    history.push({
      at: e.at,
      action: e.action.replace(/^ledger\./, ''),
      actor,
      ...(typeof detail.from === 'string' ? { from: detail.from } : {}),
      ...(typeof detail.to === 'string' ? { to: detail.to } : {}),
      ...(text !== undefined ? { text } : {}),
      ...(typeof detail.files === 'number' && detail.files > 0 ? { files: detail.files } : {}),
      ...(detail.finding === 'spot_check' ? { spotCheck: true as const } : {}),
      ...(typeof newDeadline === 'string' ? { deadline: newDeadline } : {}),
    });
  }
  return history;
}
