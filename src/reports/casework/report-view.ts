// What a staff user sees of one report: facts, evidence, timeline, notes, and the actions open to them.
import type { Db } from '../../db/connection.js';
import type { StaffContext } from '../../plugins/auth.js';
import { evidenceOf } from '../../evidence/index.js';
import { placeChain, placeLabel } from '../../regions/index.js';
import * as repo from '../repository.js';
import { findUnit, supervisedUnitIds, unitsOfKindsAmong } from '../../units/index.js';
import { activeHandlersOf, findUser, userNames } from '../../users/index.js';
import type { Deps } from '../../shared/deps.js';
import { activeRules, clockOf, hearingOpen, maxExtensionDays, todayInChina } from '../../clocks/index.js';
import { possibleDeclarantMatches, recusedUsers } from './recusal.js';
import { rectificationItemsOf } from './rectification.js';
import { TOWNSHIP_OR_BELOW } from './scope.js';
import { FINDINGS } from './workflow.js';
import { allows, type Action } from './permissions.js';
import { assignmentExtensionOf, assignmentRunning, deadlinesOf } from './assignment.js';
import { relationOf } from './relation.js';
import { visibleReportIds } from './scope.js';
import { reportsMergedInto } from './repository/merged.js';
import { intakeFactsOf } from './intake.js';
import { staffDocumentLinks } from '../documents/index.js';
import { mayRecall, referralsOf } from '../referrals/service.js';
import { departmentsFor, transfersOf } from '../transfers/service.js';
import { POLICE_CATEGORIES, REFERRAL_CATEGORIES } from '../catalog.js';

export type CategoryPrompt = 'police' | 'referral';

/**
 * The prompt at the top of the action area (issue 18 item 9): a police category (涉黑涉恶) offers
 * the transfer to the police first, an official's-misconduct category the referral to discipline
 * inspection. Only where the page already offers that action (`can`, the permission table and the
 * action's states): the prompt points to the form, it never acts itself.
 */
export function categoryPrompt(category: string, can: { refer: boolean; transfer: boolean }): CategoryPrompt | null {
  if (can.transfer && (POLICE_CATEGORIES as readonly string[]).includes(category)) return 'police';
  if (can.refer && (REFERRAL_CATEGORIES as readonly string[]).includes(category)) return 'referral';
  return null;
}

/** Units a report may be assigned to by this user: their unit and the civil-affairs/township units below it. */
export async function assignableUnits(db: Db, staff: StaffContext, report: repo.Report) {
  const ids = await supervisedUnitIds(db, staff.unit.id);
  // In id order (supervisors before the units they supervise), as the assign form has always listed them.
  const rows = (await unitsOfKindsAmong(db, ids, ['civil_affairs', 'township_gov'])).sort((a, b) => a.id - b.id);
  // Never the township government of the township whose officials are reported (信访工作条例 art. 30).
  const aboutTownship = report.subjectPosition !== null && (TOWNSHIP_OR_BELOW as string[]).includes(report.subjectPosition);
  return rows.filter((u) => !(u.kind === 'township_gov' && aboutTownship && u.regionCode === report.townshipCode)).filter((u) => u.kind === 'civil_affairs' || u.regionCode === report.townshipCode);
}

/** Handlers of those units who are not recused from this report. */
export async function assignableUsers(db: Db, unitIds: number[], report: repo.Report) {
  const handlers = await activeHandlersOf(db, unitIds);
  const recused = await recusedUsers(db, handlers, report);
  return handlers.filter((u) => !recused.has(u.id));
}

export async function reportPageContext(deps: Deps, staff: StaffContext, report: repo.Report) {
  const db = deps.db;
  const events = await repo.eventsOf(db, report.id);
  const actorIds = [...new Set(events.map((e) => e.actorId).filter((x): x is number => x !== null))];
  const actors = new Map((await userNames(db, actorIds)).map((u) => [u.id, u.name]));
  const handlingUnit = await findUnit(db, report.handlingUnitId);
  const assignedUnit = report.assignedUnitId ? await findUnit(db, report.assignedUnitId) : undefined;
  const assignee = report.assigneeId ? await findUser(db, report.assigneeId) : undefined;
  const unitsForAssign = await assignableUnits(db, staff, report);
  // What the page offers is what the server allows (permissions.ts), in the states each action takes.
  const rel = await relationOf(deps, staff, report);
  const may = (action: Action) => allows(action, staff, rel, report);
  const s = report.status;
  const open = !['closed', 'rejected', 'merged', 'withdrawn'].includes(s);
  const handOverStates = ['accepted', 'assigned', 'investigating'].includes(s);
  // A request for a later 交办期限 waiting for the assigning unit (issue 19 item 2).
  const assignmentExtension = assignmentExtensionOf(report);
  const can = {
    accept: s === 'received' && may('accept'),
    reject: s === 'received' && may('reject'),
    merge: (s === 'received' || s === 'accepted') && may('merge'),
    assign: (s === 'accepted' || s === 'assigned') && may('assign'),
    returnAssignment: s === 'assigned' && may('return'),
    start: s === 'assigned' && may('start'),
    requestExtension: (s === 'assigned' || s === 'investigating') && may('extension') && !report.extensionDays && !report.extensionRequest,
    decideExtension: !!report.extensionRequest && may('extension_decision'),
    requestAssignmentExtension: assignmentRunning(report) && !assignmentExtension && may('assignment_extension'),
    // Asking and granting are two people: one's own request is shown, not offered for decision.
    decideAssignmentExtension: assignmentRunning(report) && !!assignmentExtension && assignmentExtension.by !== staff.user.id && may('assignment_extension_decision'),
    conclude: s === 'investigating' && may('conclude') && !report.answerDraft,
    approveConclusion: s === 'investigating' && !!report.answerDraft && may('approve_conclusion'),
    close: s === 'concluded' && may('close'),
    rectify: s === 'concluded' && may('rectify'),
    answerReview: s === 'under_review' && may('review_answer'),
    hearing: s === 'under_review' && report.reviewLevel === 2 && may('hearing'),
    hasten: open && may('hasten'),
    takeOver: ['received', 'accepted', 'assigned', 'investigating'].includes(s) && may('take_over'),
    acknowledge: report.hastenPending && may('acknowledge'),
    message: !['withdrawn', 'merged'].includes(s) && may('message'),
    refer: handOverStates && may('refer'),
    transfer: handOverStates && may('transfer'),
    transferOutcome: s === 'transferred' && may('transfer_outcome'),
  };
  const place = await placeChain(db, report.placeCode);
  const prompt = categoryPrompt(report.category, can);
  return {
    // 合并办理 (issue 19 item 7): the master and the reports merged into it link each other.
    ...(await mergeLinksOf(db, staff, report)),
    // The written notices this user may print (告知书, 意见书, 移送函), from the timeline read above.
    documentLinks: await staffDocumentLinks(deps, staff, report, events),
    // Where a logged report came from and, for intake, earlier reports it may repeat (issue 19 item 12).
    intakeFacts: await intakeFactsOf(db, staff, report),
    report: { ...report, identitySealed: undefined, receiptDigest: undefined, submissionDigest: undefined, receiptForRetry: undefined },
    place: placeLabel(place) + (report.placeOther ? ` ${report.placeOther}` : ''),
    handlingUnit: handlingUnit?.name,
    assignedUnit: assignedUnit?.name,
    assignee: assignee?.displayName,
    clock: withBasis(clockOf(report)),
    // 交办期限 and 法定期限 side by side, each with its state (issue 19 item 2).
    deadlines: deadlinesOf(report),
    /** The earliest 交办期限 the assign form accepts (China date). */
    today: todayInChina(),
    assignmentExtension: assignmentExtension ? { ...assignmentExtension, byName: (await findUser(db, assignmentExtension.by))?.displayName ?? null, mine: assignmentExtension.by === staff.user.id } : null,
    hearingOpen: report.status === 'under_review' && hearingOpen(events.map((e) => ({ type: e.type, at: e.at, data: e.data }))),
    draft: report.answerDraft ? JSON.parse(report.answerDraft) : null,
    extensionRequest: report.extensionRequest ? JSON.parse(report.extensionRequest) : null,
    events: events.map((e) => ({ ...e, actor: e.actorId ? actors.get(e.actorId) : null, data: e.data ? JSON.parse(e.data) : {} })),
    files: (await evidenceOf(db, 'report', report.id)).map((f) => ({ id: f.id, mime: f.mime, kind: f.kind, size: f.size, sha256: f.sha256, cleaned: f.cleaned, uploadedBy: f.uploadedBy, createdAt: f.createdAt, erasedAt: f.erasedAt })),
    items: await rectificationItemsOf(db, report.id),
    assignUnits: unitsForAssign.map((u) => ({ id: u.id, name: u.name })),
    assignUsers: (await assignableUsers(db, unitsForAssign.map((u) => u.id), report)).map((u) => ({ id: u.id, name: u.displayName, unitId: u.unitId })),
    possibleConflicts: staff.has('supervisor') ? await possibleDeclarantMatches(db, report) : [],
    referrals: await referralsOf(deps, report.id),
    // The referring unit may take back a referral the body has not accepted yet (views/reports/referrals/partials/held-by.hbs).
    mayRecallReferral: await mayRecall(deps, staff, report),
    transfers: await transfersOf(deps, report.id),
    // Under the police prompt the county's public security bureau comes preselected.
    departments: can.transfer ? (await departmentsFor(deps, report)).map((d) => ({ id: d.id, name: d.name, selected: prompt === 'police' && d.department === 'police' })) : [],
    categoryPrompt: prompt,
    findings: FINDINGS,
    maxExtension: maxExtensionDays(),
    can,
  };
}

/** The clock with the article it comes from, shown to staff next to the deadline (issue 18). */
function withBasis(clock: ReturnType<typeof clockOf>) {
  return clock ? { ...clock, basis: activeRules()[clock.rule].basis } : null;
}

/**
 * 合并办理 (issue 19 item 7): a master lists the reports merged into it (case number, link, receipt);
 * a merged report links its master. Only reports this user may open are named: scope and recusal are
 * checked here as on the page itself, so a link never leads to a 404 nor names a hidden report.
 */
async function mergeLinksOf(db: Db, staff: StaffContext, report: repo.Report) {
  const merged = await reportsMergedInto(db, report.id);
  const master = report.mergedIntoId ? await repo.findReport(db, report.mergedIntoId) : undefined;
  const visible = await visibleReportIds(db, staff, [...merged.map((m) => m.id), ...(master ? [master.id] : [])]);
  return {
    mergedReports: merged.filter((m) => visible.has(m.id)),
    mergedInto: master && visible.has(master.id) ? { id: master.id, caseNo: master.caseNo } : null,
  };
}
