// The life of a typical case (DESIGN.md §5; issue 6 "Typical cases"; issue 5 last paragraph):
//
//   draft ──submit──▶ awaiting_signoff ──sign-off (the referral's body)──▶ awaiting_approval
//     ▲   └─(no referral)──────────────────────────────────────────────▶ awaiting_approval
//     └──────────── send back (body or lead) ◀──────────────────────────────┘
//   awaiting_approval ──approve (the unit's lead)──▶ published ──withdraw──▶ withdrawn ──revise──▶ draft
//
// A case that came from a referral needs the discipline-inspection body's sign-off before the lead
// may approve it (seed 三(二): 会同驻厅纪检监察组). Every step is audited in the same transaction.
import { entriesFor, record } from '../audit/index.js';
import { visibleReport } from '../reports/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { findReport, isCategory, type Report } from '../reports/index.js';
import { indexDocument, removeDocument } from '../search/index.js';
import type { Deps } from '../shared/deps.js';
import { AppError, notFound } from '../shared/errors.js';
import { supervisedUnitIds } from '../units/index.js';
import type { Executor } from '../db/executor.js';
import { withTransaction } from '../db/transaction.js';
import { hasSanction, personalDataIn, type PersonalDataProblem } from './anonymise.js';
import { guardContextOf, prefillFromReport } from './draft.js';
import { isQuarter } from './quarter.js';
import * as repo from './repository.js';

export class CaseError extends AppError {
  constructor(
    code: string,
    readonly problems: PersonalDataProblem[] = [],
    statusCode = 409,
  ) {
    super(statusCode, code, `cases.errors.${code}`);
  }
}

const forbidden = () => new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');

/** Report states in which the facts are settled (a finding was approved). */
const CONCLUDED_STATES = ['concluded', 'rectifying', 'closed'];
const DRAFTING_ROLES = ['handler', 'lead', 'supervisor'] as const;

export interface CaseRights {
  view: boolean;
  edit: boolean;
  submit: boolean;
  signOff: boolean;
  approve: boolean;
  /** An approver who wrote this case: another lead, or the level above, approves it (four eyes). */
  ownCase: boolean;
  /** Back to draft: the body before sign-off; an approver (the author too, to take it back) before approval. */
  sendBack: boolean;
  withdraw: boolean;
  revise: boolean;
}

/** Units whose cases this user drafts and sees (civil affairs), and bodies whose sign-off they give (inspectors). */
export interface CaseScope {
  unitIds: number[];
  bodyIds: number[];
}

export async function caseScopeOf(deps: Deps, staff: StaffContext): Promise<CaseScope> {
  const below = await supervisedUnitIds(deps.db, staff.unit.id);
  return {
    unitIds: staff.unit.kind === 'civil_affairs' ? below : [],
    bodyIds: staff.unit.kind === 'discipline' && staff.has('inspector') ? below : [],
  };
}

function isDrafter(staff: StaffContext): boolean {
  return staff.unit.kind === 'civil_affairs' && DRAFTING_ROLES.some((r) => staff.has(r));
}

/** Audit actions by which a user writes a case's text: whoever did any of them is one of its authors. */
const AUTHORING = ['case.drafted', 'case.edited', 'case.submitted'];

/** Who wrote the case: its creator and everyone who edited or submitted it (from its audit trail). */
export async function authorsOf(deps: Deps, c: repo.TypicalCase): Promise<number[]> {
  const ids = (await entriesFor(deps.db, 'typical_case', String(c.id)))
    .filter((e) => AUTHORING.includes(e.action) && e.actorType === 'staff' && e.actorId !== null)
    .map((e) => Number(e.actorId));
  return [...new Set([c.createdBy, ...ids])];
}

/**
 * Who may approve a case, authors aside: a lead of the case's unit, or a lead or supervisor of a
 * civil-affairs unit above it (the level above approves when the unit's only lead wrote it).
 */
function approverSide(staff: StaffContext, scope: CaseScope, c: repo.TypicalCase): boolean {
  const unitLead = staff.has('lead') && staff.unit.id === c.unitId;
  const above = staff.unit.kind === 'civil_affairs' && staff.unit.id !== c.unitId && scope.unitIds.includes(c.unitId) && (staff.has('lead') || staff.has('supervisor'));
  return unitLead || above;
}

/**
 * What this user may do with a case now. `authors` (authorsOf) decides the four-eyes rule (issue 19
 * item 9): no one approves a case they wrote; without it no one may approve.
 */
export function rightsOn(staff: StaffContext, scope: CaseScope, c: repo.TypicalCase, referral: repo.Referral | undefined, authors?: number[]): CaseRights {
  const ownSide = scope.unitIds.includes(c.unitId);
  const body = !!referral && scope.bodyIds.includes(referral.bodyUnitId);
  const drafter = ownSide && isDrafter(staff);
  const unitLead = staff.has('lead') && staff.unit.id === c.unitId;
  const awaiting = approverSide(staff, scope, c) && c.status === 'awaiting_approval';
  const author = !authors || authors.includes(staff.user.id);
  return {
    // The body sees the cases from its referrals in every state (it may have started the draft);
    // its list shows only those waiting for its sign-off.
    view: ownSide || body,
    edit: drafter && c.status === 'draft',
    submit: drafter && c.status === 'draft',
    signOff: body && c.status === 'awaiting_signoff',
    approve: awaiting && !author,
    ownCase: awaiting && !!authors && author,
    sendBack: (body && c.status === 'awaiting_signoff') || awaiting,
    withdraw: c.status === 'published' && (unitLead || (staff.has('supervisor') && ownSide)),
    revise: drafter && c.status === 'withdrawn',
  };
}

async function audit(tx: Executor, deps: Deps, staff: StaffContext, action: string, c: repo.TypicalCase, detail: Record<string, unknown>, now: number): Promise<void> {
  await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: `case.${action}`, object: { type: 'typical_case', id: c.id }, detail }, now);
}

/** Applies a change and its audit entry in one transaction; re-indexes the text; tells the public cache. */
async function apply(deps: Deps, staff: StaffContext, c: repo.TypicalCase, action: string, changes: Partial<repo.NewTypicalCase>, detail: Record<string, unknown>, now: number): Promise<repo.TypicalCase> {
  const next = { ...c, ...changes, updatedAt: now };
  await withTransaction(deps.db, async (tx) => {
    await repo.updateCase(tx, c.id, { ...changes, updatedAt: now });
    // Only published cases are in the search index: the public search and the site search read it,
    // and a draft may still hold personal data.
    if (next.status === 'published') await indexDocument(tx, { type: 'case', id: c.id, text: [next.title, next.body] });
    else if (c.status === 'published') await removeDocument(tx, 'case', c.id);
    await audit(tx, deps, staff, action, c, { from: c.status, to: next.status, ...detail }, now);
  });
  // Publishing, withdrawing, or anything touching a published case changes what the public sees.
  if (c.status === 'published' || next.status === 'published') deps.publicCache.invalidate();
  return next;
}

async function guard(deps: Deps, c: Pick<repo.TypicalCase, 'title' | 'body' | 'reportId'>): Promise<PersonalDataProblem[]> {
  const report = c.reportId ? await findReport(deps.db, c.reportId) : undefined;
  return personalDataIn(`${c.title}\n${c.body}`, await guardContextOf(deps.db, report));
}

async function requireClean(deps: Deps, c: repo.TypicalCase): Promise<void> {
  const problems = await guard(deps, c);
  if (problems.length > 0) throw new CaseError('personal_data', problems, 422);
}

function requireStatus(c: repo.TypicalCase, ...states: repo.CaseStatus[]) {
  if (!states.includes(c.status as repo.CaseStatus)) throw new CaseError('wrong_state');
}

function note(text: string | undefined, required: boolean): string | undefined {
  const t = (text ?? '').trim().slice(0, 500);
  if (required && Array.from(t).length < 2) throw new CaseError('note_required', [], 400);
  return t || undefined;
}

export interface Drafted {
  case: repo.TypicalCase;
  /** True when an open case for this report or referral existed already (nothing new was made). */
  existing: boolean;
}

/** `unitId`: the civil-affairs unit whose lead will approve the case. */
async function createDraft(deps: Deps, staff: StaffContext, report: Report, referral: repo.Referral | undefined, unitId: number, now: number): Promise<Drafted> {
  const open = referral ? await repo.openCaseFor(deps.db, { referralId: referral.id }) : await repo.openCaseFor(deps.db, { reportId: report.id });
  if (open) return { case: open, existing: true };
  const draft = await prefillFromReport(deps.db, report, referral, now);
  const row = await withTransaction(deps.db, async (tx) => {
    const created = await repo.insertCase(tx, {
      reportId: report.id,
      referralId: referral?.id ?? null,
      unitId,
      ...draft,
      status: 'draft',
      createdBy: staff.user.id,
      createdAt: now,
      updatedAt: now,
    });
    await audit(tx, deps, staff, 'drafted', created, { to: 'draft', report: report.id, referral: referral?.id ?? null }, now);
    return created;
  });
  return { case: row, existing: false };
}

/** Whether a report can give a typical case: concluded with the facts found (partly) true. */
export function reportCanGiveCase(report: Report): boolean {
  return CONCLUDED_STATES.includes(report.status) && (report.finding === 'substantiated' || report.finding === 'partly');
}

/**
 * A draft from a concluded report the user sees. When the report has a concluded referral, the
 * case is linked to it (so it needs the body's sign-off) and states the sanction in general words.
 */
export async function draftFromReport(deps: Deps, staff: StaffContext, reportId: number, now = Date.now()): Promise<Drafted> {
  const report = await visibleReport(deps.db, staff, reportId);
  if (!report) throw notFound();
  if (!isDrafter(staff)) throw forbidden();
  if (!reportCanGiveCase(report)) throw new CaseError('report_not_concluded');
  return createDraft(deps, staff, report, await repo.concludedReferralOf(deps.db, report.id), staff.unit.id, now);
}

/**
 * "Turn into a draft typical case" on a concluded referral with a sanction (issue 5). Either side
 * may start it:
 * - an inspector of the referral's body (or of a commission above it), from the referral's outcome
 *   page: the case then belongs to the report's handling unit, whose staff complete and submit it;
 * - a civil-affairs drafter (handler, lead, supervisor) who sees the report: the case belongs to
 *   their unit.
 * Anyone else gets a 404. An open case for the referral is returned as it is, not drafted twice.
 */
export async function draftCaseFromReferral(deps: Deps, staff: StaffContext, referralId: number, now = Date.now()): Promise<Drafted> {
  const referral = await repo.findReferral(deps.db, referralId);
  if (!referral) throw notFound();
  const scope = await caseScopeOf(deps, staff);
  let report: Report | undefined;
  let unitId: number;
  if (scope.bodyIds.includes(referral.bodyUnitId)) {
    report = await findReport(deps.db, referral.reportId);
    unitId = report?.handlingUnitId ?? 0;
  } else {
    report = await visibleReport(deps.db, staff, referral.reportId);
    if (report && !isDrafter(staff)) throw forbidden();
    unitId = staff.unit.id;
  }
  if (!report) throw notFound();
  if (referral.status !== 'concluded') throw new CaseError('referral_not_concluded');
  if (!hasSanction(referral)) throw new CaseError('no_sanction');
  return createDraft(deps, staff, report, referral, unitId, now);
}

export interface DraftInput {
  title: string;
  body: string;
  quarter: string;
  category: string;
}

export type FieldErrors = Partial<Record<keyof DraftInput, string>>;

export function validateDraft(input: DraftInput): FieldErrors {
  const errors: FieldErrors = {};
  const title = Array.from(input.title.trim()).length;
  const body = Array.from(input.body.trim()).length;
  if (title < 4 || title > 120) errors.title = 'cases.errors.title_length';
  if (body < 20 || body > 5000) errors.body = 'cases.errors.body_length';
  if (!isQuarter(input.quarter)) errors.quarter = 'cases.errors.quarter';
  if (!isCategory(input.category)) errors.category = 'cases.errors.category';
  return errors;
}

/** Saves a draft's text. Personal data may stay while drafting; the result says what the guard found. */
export async function updateDraft(deps: Deps, staff: StaffContext, c: repo.TypicalCase, input: DraftInput, now = Date.now()) {
  const scope = await caseScopeOf(deps, staff);
  if (!rightsOn(staff, scope, c, undefined).edit) throw c.status === 'draft' ? forbidden() : new CaseError('wrong_state');
  const errors = validateDraft(input);
  if (Object.keys(errors).length > 0) return { case: c, errors, problems: [] as PersonalDataProblem[] };
  const changes = { title: input.title.trim(), body: input.body.trim().replace(/\r\n?/g, '\n'), quarter: input.quarter, category: input.category };
  const next = await apply(deps, staff, c, 'edited', changes, {}, now);
  return { case: next, errors, problems: await guard(deps, next) };
}

export async function submit(deps: Deps, staff: StaffContext, c: repo.TypicalCase, now = Date.now()) {
  requireStatus(c, 'draft');
  const scope = await caseScopeOf(deps, staff);
  if (!rightsOn(staff, scope, c, undefined).submit) throw forbidden();
  await requireClean(deps, c);
  const status = c.referralId ? 'awaiting_signoff' : 'awaiting_approval';
  return apply(deps, staff, c, 'submitted', { status, signedOffBy: null, signedOffAt: null }, {}, now);
}

/** The discipline-inspection body (or the commission above it) signs the case off. */
export async function signOff(deps: Deps, staff: StaffContext, c: repo.TypicalCase, now = Date.now()) {
  requireStatus(c, 'awaiting_signoff');
  const referral = c.referralId ? await repo.findReferral(deps.db, c.referralId) : undefined;
  if (!rightsOn(staff, await caseScopeOf(deps, staff), c, referral).signOff) throw forbidden();
  return apply(deps, staff, c, 'signed_off', { status: 'awaiting_approval', signedOffBy: staff.user.id, signedOffAt: now }, { body: referral!.bodyUnitId }, now);
}

/** Back to the drafter with a note, by the body (before sign-off) or the unit's lead (before approval). */
export async function sendBack(deps: Deps, staff: StaffContext, c: repo.TypicalCase, text: string | undefined, now = Date.now()) {
  requireStatus(c, 'awaiting_signoff', 'awaiting_approval');
  const referral = c.referralId ? await repo.findReferral(deps.db, c.referralId) : undefined;
  const rights = rightsOn(staff, await caseScopeOf(deps, staff), c, referral);
  if (!rights.sendBack) throw forbidden();
  const why = note(text, true);
  return apply(deps, staff, c, 'sent_back', { status: 'draft', signedOffBy: null, signedOffAt: null }, { note: why }, now);
}

/** A lead of the unit (or a lead or supervisor above it) who did not write it approves, and the case is published under its quarter. */
export async function approve(deps: Deps, staff: StaffContext, c: repo.TypicalCase, now = Date.now()) {
  requireStatus(c, 'awaiting_approval');
  const rights = rightsOn(staff, await caseScopeOf(deps, staff), c, undefined, await authorsOf(deps, c));
  if (rights.ownCase) throw new CaseError('own_case', [], 403);
  if (!rights.approve) throw forbidden();
  if (c.referralId && !c.signedOffBy) throw new CaseError('signoff_missing');
  await requireClean(deps, c);
  return apply(deps, staff, c, 'published', { status: 'published', approvedBy: staff.user.id, publishedAt: now }, {}, now);
}

export async function withdraw(deps: Deps, staff: StaffContext, c: repo.TypicalCase, text: string | undefined, now = Date.now()) {
  requireStatus(c, 'published');
  if (!rightsOn(staff, await caseScopeOf(deps, staff), c, undefined).withdraw) throw forbidden();
  return apply(deps, staff, c, 'withdrawn', { status: 'withdrawn' }, { note: note(text, true) }, now);
}

/** A withdrawn case goes back to draft to be corrected, then through sign-off and approval again. */
export async function revise(deps: Deps, staff: StaffContext, c: repo.TypicalCase, now = Date.now()) {
  requireStatus(c, 'withdrawn');
  if (!rightsOn(staff, await caseScopeOf(deps, staff), c, undefined).revise) throw forbidden();
  return apply(deps, staff, c, 'revised', { status: 'draft', signedOffBy: null, signedOffAt: null, approvedBy: null, publishedAt: null }, {}, now);
}

/** What the guard finds in a case now (shown on the staff page before submitting). */
export async function guardFindings(deps: Deps, c: repo.TypicalCase): Promise<PersonalDataProblem[]> {
  return guard(deps, c);
}
