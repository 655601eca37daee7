// Referral to discipline inspection (issue 5): the handler refers with an opinion; the body accepts
// or returns it within 5 working days, records its disposition and result; the result goes back to
// the handler, who concludes the report. The civil-affairs clock pauses meanwhile.
import { loadCalendar } from '../../calendar/index.js';
import { applyStep, requireRole, requireState, TransitionError } from '../casework/workflow.js';
import { pauseChanges, resumeChanges } from '../casework/pause.js';
import { dueFrom, todayInChina } from '../../clocks/index.js';
import type { StaffContext } from '../../plugins/auth.js';
import * as repo from '../repository.js';
import { dateFieldValue, parseDateInput } from '../../shared/date-input.js';
import type { Deps } from '../../shared/deps.js';
import { AppError } from '../../shared/errors.js';
import { ancestorsOf } from '../../regions/index.js';
import { findUnit, findUnitByKey, STATIONED_GROUP_KEY, supervisedUnitIds, type Unit } from '../../units/index.js';
import { record } from '../../audit/index.js';
import { insertReferral, insertReferralResult, moveReferral, openReferralOf, recallReferral, referralById, referralHeldBy, referralsWithBody, resultsOfReferral, resultsOfReferrals, updateReferral, type NewReferral, type ReferralResultRow, type ReferralRow } from './repository.js';
import { isAdminDuty, sendStaffNotice, staffNoticeParts, usersWithRole } from '../../users/index.js';
import { allows } from '../casework/permissions.js';
import { NO_RELATION } from '../casework/relation.js';
import { staffNotice } from '../../mail/index.js';
import { bodyLevelFor, bodyUnitKey } from './routing.js';
import { isRowId } from '../../db/dialect.js';

export type Referral = ReferralRow;
/** One result of a referral as pages show it (a row of referral_results, or the old columns of a referral without rows). */
export type ReferralResult = Pick<ReferralResultRow, 'kind' | 'detail' | 'text' | 'decidedOn'>;

export const DISPOSITIONS = ['talk', 'preliminary', 'shelved', 'closed', 'investigation'] as const; // 谈话函询 初步核实 暂存待查 予以了结 移送审查调查
export const RESULT_KINDS = {
  party: ['warning', 'serious_warning', 'removal_from_post', 'probation', 'expulsion'], // 警告 严重警告 撤销党内职务 留党察看 开除党籍
  administrative: ['warning', 'demerit', 'major_demerit', 'demotion', 'dismissal_from_post', 'dismissal'], // 警告 记过 记大过 降级 撤职 开除
  organisational: ['handling'],
  judicial: ['transfer'],
  none: ['no_violation'],
} as const;
export type ResultKind = keyof typeof RESULT_KINDS;

export async function bodyFor(deps: Deps, report: repo.Report) {
  const chain = await ancestorsOf(deps.db, report.countyCode);
  const prefecture = chain.find((r) => r.level === 'prefecture')!;
  const key = bodyUnitKey(bodyLevelFor(report.subjectPosition as never, report.subjectIsHead, deps.config.referralRouting), report.countyCode, prefecture.code);
  const unit = await findUnitByKey(deps.db, key);
  if (!unit) throw new Error(`no discipline body ${key}`);
  return unit;
}

/**
 * A report's referrals, newest first, each with the name of the body holding it and its results (the
 * report page shows them: the handler writes the answer from every result, issue 19 item 11).
 */
export async function referralsOf(deps: Deps, reportId: number): Promise<(Referral & { bodyName: string | null; results: ReferralResult[] })[]> {
  const rows = await referralsWithBody(deps.db, reportId);
  const results = await resultsOfReferrals(deps.db, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, results: withLegacy(r, results.get(r.id) ?? []) }));
}

/** The rows, or for a referral concluded before results were rows (and not migrated) its one result column. */
function withLegacy(referral: Referral, rows: ReferralResultRow[]): ReferralResult[] {
  if (rows.length > 0 || !referral.resultKind) return rows;
  return [{ kind: referral.resultKind, detail: referral.resultDetail ?? '', text: referral.resultText ?? '', decidedOn: referral.resultOn ?? '' }];
}

/** A referral's results in the order they were recorded. */
export async function resultsOf(deps: Pick<Deps, 'db'>, referral: Referral): Promise<ReferralResult[]> {
  return withLegacy(referral, await resultsOfReferral(deps.db, referral.id));
}

export async function findReferral(deps: Deps, id: number): Promise<Referral | undefined> {
  return await referralById(deps.db, id);
}

/** The actions of POST /staff/referrals/:id/:action. */
export const REFERRAL_ACTIONS = ['accept', 'return', 'disposition', 'result', 'conclude', 'acceptance_notice', 'result_notice'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

export function isReferralAction(name: string): name is ReferralAction {
  return (REFERRAL_ACTIONS as readonly string[]).includes(name);
}

/**
 * The referral if this inspector's body (or a body it supervises) received it and has not returned
 * it: a returned (or recalled) referral ends the body's part, and with it its view of the case (issue 16). A
 * concluded one stays visible, with its result, in the body's own workspace.
 */
export async function visibleReferral(deps: Deps, staff: StaffContext, id: number): Promise<Referral | undefined> {
  if (staff.unit.kind !== 'discipline' || !isRowId(id)) return undefined;
  const ids = await supervisedUnitIds(deps.db, staff.unit.id);
  return await referralHeldBy(deps.db, id, ids);
}

export async function refer(deps: Deps, staff: StaffContext, report: repo.Report, opinion: string, now = Date.now()) {
  requireState(report, 'accepted', 'assigned', 'investigating');
  requireRole(staff, 'handler', 'lead', 'intake');
  if (opinion.trim().length < 10) throw new TransitionError('opinion_required');
  const body = await bodyFor(deps, report);
  // A body without an active inspector on the portal would hold the referral for ever while the
  // civil-affairs clock stands still: refuse and say how to proceed (issue 19 item 1).
  if (!(await hasInspector(deps, body.id))) throw new TransitionError('referral_body_without_users');
  const acceptDue = dueFrom(await loadCalendar(deps.db), 'discipline.forward', now).due;
  const changed = await applyStep(deps, staff, report, { status: 'referred', ...pauseChanges(now) }, [{ type: 'referred', visible: true, data: { body: body.id } }], now, async (tx) => {
    await insertReferral(tx, { reportId: report.id, bodyUnitId: body.id, referredBy: staff.user.id, referredAt: now, opinion: opinion.trim(), status: 'pending', fromStatus: report.status, acceptDue });
  });
  await tellBody(deps, body, report);
  return changed;
}

async function hasInspector(deps: Deps, unitId: number): Promise<boolean> {
  return (await usersWithRole(deps.db, unitId, 'inspector')).length > 0;
}

/** Each inspector in their own e-mail language, by the channel they chose (issue 24); the body's address (a unit's, not a user's) by e-mail in the site default. */
async function tellBody(deps: Deps, body: Unit, report: repo.Report): Promise<void> {
  const vars = { caseNo: report.caseNo, link: `${deps.config.baseUrl}/staff/referrals` };
  for (const inspector of await usersWithRole(deps.db, body.id, 'inspector')) {
    await sendStaffNotice(deps, inspector, staffNoticeParts(deps.config, inspector, 'referral_received', vars, report.caseNo), { later: true });
  }
  deps.mailer.sendLater({ to: body.email, ...staffNotice(deps.config.defaultLocale, 'referral_received', { ...vars, unitName: body.name }) });
}

/**
 * The discipline bodies a referral can be forwarded to (转交有管辖权的机关, 纪检监察机关处理检举控告
 * 工作规则 arts. 15–16): the holding body's supervising commission, the commissions of the report's
 * county and prefecture, the group stationed at the provincial department and the provincial
 * commission; never the body holding it.
 */
export async function forwardTargets(deps: Deps, referral: Referral): Promise<Unit[]> {
  const report = (await repo.findReport(deps.db, referral.reportId))!;
  const chain = await ancestorsOf(deps.db, report.countyCode);
  const prefecture = chain.find((r) => r.level === 'prefecture');
  const province = chain.find((r) => r.level === 'province');
  const holder = await findUnit(deps.db, referral.bodyUnitId);
  const candidates: (Unit | undefined)[] = [
    holder?.supervisorId ? await findUnit(deps.db, holder.supervisorId) : undefined,
    await findUnitByKey(deps.db, `dic:${report.countyCode}`),
    prefecture ? await findUnitByKey(deps.db, `dic:${prefecture.code}`) : undefined,
    await findUnitByKey(deps.db, STATIONED_GROUP_KEY),
    province ? await findUnitByKey(deps.db, `dic:${province.code}`) : undefined,
  ];
  const seen = new Set<number>([referral.bodyUnitId]);
  return candidates.filter((u): u is Unit => !!u && u.kind === 'discipline' && !seen.has(u.id) && !!seen.add(u.id));
}

/**
 * 转交: the holding body's inspector passes a pending or accepted referral to the competent body.
 * The referral row moves (the new body accepts it afresh); its 5-working-day due date runs on from
 * the original referral, not restarted; the move is an internal timeline event and audited. A body
 * with no active inspector would hold it for ever: refused, as in refer().
 */
export async function forwardReferral(deps: Deps, staff: StaffContext, referral: Referral, bodyId: string, reason: string, now = Date.now()) {
  requireInspector(staff);
  if (referral.status !== 'pending' && referral.status !== 'accepted') throw new TransitionError('wrong_state');
  const target = (await forwardTargets(deps, referral)).find((u) => String(u.id) === bodyId.trim());
  if (!target) throw new TransitionError('forward_body_required');
  if (reason.trim().length < 5) throw new TransitionError('reason_required');
  if (!(await hasInspector(deps, target.id))) throw new TransitionError('forward_body_without_users');
  const report = (await repo.findReport(deps.db, referral.reportId))!;
  const data = { from: referral.bodyUnitId, to: target.id, status: referral.status, acceptDue: referral.acceptDue };
  const changed = await applyStep(deps, staff, report, {}, [{ type: 'referral_forwarded', visible: false, body: reason.trim(), data }], now, async (tx) => {
    await moveReferral(tx, referral.id, target.id);
    await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'referral.forward', object: { type: 'referral', id: referral.id }, detail: data }, now);
  });
  await tellBody(deps, target, report);
  return changed;
}

/**
 * The referring unit takes back a referral the body has not accepted yet (a body with nobody to
 * accept it, a referral sent by mistake): the report returns to the state it came from, the
 * civil-affairs clock runs again, and the body no longer sees the case. An accepted referral is the
 * body's: only it can return it.
 */
export async function recall(deps: Deps, staff: StaffContext, report: repo.Report, reason: string, now = Date.now()) {
  requireState(report, 'referred');
  requireRole(staff, 'handler', 'lead');
  const referral = await openReferralOf(deps.db, report.id);
  if (!referral) throw new TransitionError('wrong_state');
  if (referral.status !== 'pending') throw new TransitionError('referral_already_accepted');
  if (reason.trim().length < 5) throw new TransitionError('reason_required');
  return await applyStep(
    deps,
    staff,
    report,
    resumeChanges(report, referral.fromStatus, now),
    [
      // Ends the days away for the clock too (src/clocks/report.ts PAUSE_ENDS).
      { type: 'referral_recalled', visible: false, body: reason.trim(), data: { body: referral.bodyUnitId } },
    ],
    now,
    async (tx) => {
      await recallReferral(tx, referral.id, reason.trim());
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'staff', id: staff.user.id }, action: 'referral.recall', object: { type: 'referral', id: referral.id }, detail: { body: referral.bodyUnitId, to: referral.fromStatus } }, now);
    },
  );
}

/**
 * Whether the report page offers `staff` the recall form: the report's referral waits for the body's
 * acceptance, and the rule (casework/permissions.ts) allows the recall to the handling unit's
 * relation. Administrators, discipline bodies and departments are never offered it.
 */
export async function mayRecall(deps: Pick<Deps, 'db'>, staff: StaffContext, report: repo.Report): Promise<boolean> {
  if (staff.roles.some(isAdminDuty) || staff.unit.kind === 'discipline' || staff.unit.kind === 'department') return false;
  if (report.status !== 'referred' || (await openReferralOf(deps.db, report.id))?.status !== 'pending') return false;
  return allows('referral_recall', staff, { ...NO_RELATION, handling: report.handlingUnitId === staff.unit.id }, report);
}

/** Which body holds the report's open referral, and in what state (the report page says so while referred). */
export async function holderOf(deps: Deps, reportId: number): Promise<{ referral: Referral; body: Unit | undefined } | null> {
  const referral = await openReferralOf(deps.db, reportId);
  return referral ? { referral, body: await findUnit(deps.db, referral.bodyUnitId) } : null;
}

function requireInspector(staff: StaffContext) {
  if (staff.unit.kind !== 'discipline' || !staff.has('inspector')) throw new AppError(403, 'FORBIDDEN', 'errors.forbidden_body');
}

async function update(deps: Deps, staff: StaffContext, referral: Referral, values: Partial<NewReferral>, action: string, now: number) {
  const report = (await repo.findReport(deps.db, referral.reportId))!;
  return await applyStep(deps, staff, report, {}, [{ type: action, visible: false }], now, async (tx) => {
    await updateReferral(tx, referral.id, values);
  });
}

export async function acceptReferral(deps: Deps, staff: StaffContext, referral: Referral, now = Date.now()) {
  requireInspector(staff);
  if (referral.status !== 'pending') throw new TransitionError('wrong_state');
  return await update(deps, staff, referral, { status: 'accepted', acceptedAt: now, acceptedBy: staff.user.id }, 'referral_accepted', now);
}

export async function returnReferral(deps: Deps, staff: StaffContext, referral: Referral, reason: string, now = Date.now()) {
  requireInspector(staff);
  if (referral.status !== 'pending' && referral.status !== 'accepted') throw new TransitionError('wrong_state');
  if (reason.trim().length < 5) throw new TransitionError('reason_required');
  const report = (await repo.findReport(deps.db, referral.reportId))!;
  return await applyStep(deps, staff, report, resumeChanges(report, referral.fromStatus, now), [{ type: 'referral_returned', visible: false, body: reason.trim() }], now, async (tx) => {
    await updateReferral(tx, referral.id, { status: 'returned', returnedReason: reason.trim() });
  });
}

export async function recordDisposition(deps: Deps, staff: StaffContext, referral: Referral, disposition: string, now = Date.now()) {
  requireInspector(staff);
  if (referral.status !== 'accepted') throw new TransitionError('wrong_state');
  if (!(DISPOSITIONS as readonly string[]).includes(disposition)) throw new TransitionError('disposition_required');
  return await update(deps, staff, referral, { disposition, dispositionAt: now }, 'referral_disposition', now);
}

/** Whether `on` is a real calendar day written YYYY-MM-DD (2026-02-30 is not). */
function isCalendarDay(on: string): boolean {
  return parseDateInput(on) === on;
}

/**
 * Records one result (处理结果) of an accepted referral (issue 19 item 11): several may be recorded —
 * a 党纪 and a 政务 sanction for the same person, an organisational handling, a transfer to the
 * judiciary — each an internal timeline event, audited. "No violation found" stands alone. The
 * decision cannot predate the body's acceptance nor lie after today (China time). The report stays
 * with the body, its civil-affairs clock paused, until the inspector concludes (concludeReferral).
 */
export async function recordResult(deps: Deps, staff: StaffContext, referral: Referral, kind: string, detail: string, text: string, on: string, now = Date.now()) {
  requireInspector(staff);
  if (referral.status !== 'accepted') throw new TransitionError('wrong_state');
  const details = RESULT_KINDS[kind as ResultKind] as readonly string[] | undefined;
  if (!details || !details.includes(detail)) throw new TransitionError('result_required');
  // 2026/12/7 or 2026年12月7日 typed where the browser has no date picker reads as 2026-12-07.
  const day = dateFieldValue(on);
  if (!isCalendarDay(day)) throw new TransitionError('date_required');
  const acceptedOn = todayInChina(new Date(referral.acceptedAt ?? referral.referredAt));
  if (day < acceptedOn) throw new TransitionError('result_before_acceptance');
  if (day > todayInChina(new Date(now))) throw new TransitionError('result_in_future');
  if (text.trim().length < 5) throw new TransitionError('reason_required');
  const earlier = await resultsOf(deps, referral);
  if (earlier.length > 0 && (kind === 'none' || earlier.some((r) => r.kind === 'none'))) throw new TransitionError('result_none_alone');
  const report = (await repo.findReport(deps.db, referral.reportId))!;
  return await applyStep(deps, staff, report, {}, [{ type: 'referral_result', visible: false, body: text.trim(), data: { kind, detail, on: day } }], now, async (tx) => {
    await insertReferralResult(tx, { referralId: referral.id, kind, detail, text: text.trim(), decidedOn: day, recordedBy: staff.user.id, recordedAt: now });
  });
}

/**
 * 办结: the inspector says the body has finished, after at least one result. The report goes back to
 * the handler (investigating) and the civil-affairs clock runs again; the reporter learns only that
 * the body reported back (issue 5). The old result columns get the leading result (first kind in
 * RESULT_KINDS order) for readers that take one sanction, such as a typical case's prefill.
 */
export async function concludeReferral(deps: Deps, staff: StaffContext, referral: Referral, now = Date.now()) {
  requireInspector(staff);
  if (referral.status !== 'accepted') throw new TransitionError('wrong_state');
  const results = await resultsOf(deps, referral);
  if (results.length === 0) throw new TransitionError('results_required');
  const order = Object.keys(RESULT_KINDS);
  const lead = [...results].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind))[0]!;
  const report = (await repo.findReport(deps.db, referral.reportId))!;
  return await applyStep(
    deps,
    staff,
    report,
    resumeChanges(report, 'investigating', now),
    [{ type: 'referral_outcome', visible: true }],
    now,
    async (tx) => {
      await updateReferral(tx, referral.id, { status: 'concluded', resultKind: lead.kind, resultDetail: lead.detail, resultText: lead.text, resultOn: lead.decidedOn, concludedAt: now });
    },
  );
}
