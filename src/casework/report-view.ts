// What a staff user sees of one report: facts, evidence, timeline, notes, and the actions open to them.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { StaffContext } from '../plugins/auth.js';
import { evidenceOf } from '../evidence/index.js';
import { placeChain, placeLabel } from '../regions/index.js';
import * as repo from '../reports/repository.js';
import { findUnit, supervisedUnitIds, units } from '../units/index.js';
import { users } from '../users/tables.js';
import type { Deps } from '../shared/deps.js';
import { clockOf, maxExtensionDays } from './clock.js';
import { possibleDeclarantMatches, isRecused } from './recusal.js';
import { itemsOf } from './supervision.js';
import { TOWNSHIP_OR_BELOW } from './scope.js';
import { FINDINGS } from './workflow.js';
import { referralsOf } from '../referrals/service.js';
import { departmentsFor, transfersOf } from '../transfers/service.js';

/** Units a report may be assigned to by this user: their unit and the civil-affairs/township units below it. */
export async function assignableUnits(db: Db, staff: StaffContext, report: repo.Report) {
  const ids = await supervisedUnitIds(db, staff.unit.id);
  const rows = db.select().from(units).where(and(inArray(units.id, ids), inArray(units.kind, ['civil_affairs', 'township_gov']))).all();
  // Never the township government of the township whose officials are reported (信访工作条例 art. 30).
  const aboutTownship = report.subjectPosition !== null && (TOWNSHIP_OR_BELOW as string[]).includes(report.subjectPosition);
  return rows.filter((u) => !(u.kind === 'township_gov' && aboutTownship && u.regionCode === report.townshipCode)).filter((u) => u.kind === 'civil_affairs' || u.regionCode === report.townshipCode);
}

/** Handlers of those units who are not recused from this report. */
export function assignableUsers(db: Db, unitIds: number[], report: repo.Report) {
  if (unitIds.length === 0) return [];
  return db
    .select()
    .from(users)
    .where(and(inArray(users.unitId, unitIds), eq(users.disabled, false), sql`(',' || ${users.roles} || ',') like '%,handler,%'`))
    .all()
    .filter((u) => !isRecused(db, u, report));
}

export async function reportPageContext(deps: Deps, staff: StaffContext, report: repo.Report) {
  const db = deps.db;
  const events = repo.eventsOf(db, report.id);
  const actorIds = [...new Set(events.map((e) => e.actorId).filter((x): x is number => x !== null))];
  const actors = new Map(actorIds.length ? db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, actorIds)).all().map((u) => [u.id, u.name]) : []);
  const scopeIds = await supervisedUnitIds(db, staff.unit.id);
  const handlingUnit = await findUnit(db, report.handlingUnitId);
  const assignedUnit = report.assignedUnitId ? await findUnit(db, report.assignedUnitId) : undefined;
  const assignee = report.assigneeId ? db.select().from(users).where(eq(users.id, report.assigneeId)).get() : undefined;
  const unitsForAssign = await assignableUnits(db, staff, report);
  const isAssignee = report.assigneeId === staff.user.id;
  const onHandlingSide = scopeIds.includes(report.handlingUnitId);
  const s = report.status;
  const can = {
    accept: s === 'received' && onHandlingSide && (staff.has('intake') || staff.has('lead') || staff.has('supervisor')),
    reject: s === 'received' && onHandlingSide && (staff.has('intake') || staff.has('lead') || staff.has('supervisor')),
    merge: (s === 'received' || s === 'accepted') && onHandlingSide && (staff.has('intake') || staff.has('lead')),
    assign: (s === 'accepted' || s === 'assigned') && onHandlingSide && (staff.has('intake') || staff.has('lead') || staff.has('supervisor')),
    returnAssignment: s === 'assigned' && (isAssignee || report.assignedUnitId === staff.unit.id),
    start: s === 'assigned' && isAssignee,
    requestExtension: (s === 'assigned' || s === 'investigating') && (isAssignee || staff.has('lead')) && !report.extensionDays && !report.extensionRequest,
    decideExtension: !!report.extensionRequest && staff.has('lead') && report.handlingUnitId === staff.unit.id,
    conclude: s === 'investigating' && (isAssignee || staff.has('lead')) && !report.answerDraft,
    approveConclusion: s === 'investigating' && !!report.answerDraft && staff.has('lead') && report.handlingUnitId === staff.unit.id,
    close: s === 'concluded' && onHandlingSide,
    rectify: s === 'concluded' && onHandlingSide,
    answerReview: s === 'under_review' && report.reviewUnitId === staff.unit.id && (staff.has('supervisor') || staff.has('lead')),
    hasten: staff.has('supervisor') && report.handlingUnitId !== staff.unit.id && onHandlingSide && !['closed', 'rejected', 'merged', 'withdrawn'].includes(s),
    takeOver: staff.has('supervisor') && report.handlingUnitId !== staff.unit.id && onHandlingSide && ['received', 'accepted', 'assigned', 'investigating'].includes(s),
    acknowledge: report.hastenPending && (isAssignee || report.handlingUnitId === staff.unit.id),
    message: onHandlingSide && !['withdrawn', 'merged'].includes(s),
    refer: ['accepted', 'assigned', 'investigating'].includes(s) && onHandlingSide && (isAssignee || staff.has('lead') || staff.has('intake')),
    transfer: ['accepted', 'assigned', 'investigating'].includes(s) && onHandlingSide && (isAssignee || staff.has('lead') || staff.has('intake')),
  };
  const place = await placeChain(db, report.placeCode);
  return {
    report: { ...report, identitySealed: undefined, receiptDigest: undefined, submissionDigest: undefined, receiptForRetry: undefined },
    place: placeLabel(place) + (report.placeOther ? ` ${report.placeOther}` : ''),
    handlingUnit: handlingUnit?.name,
    assignedUnit: assignedUnit?.name,
    assignee: assignee?.displayName,
    clock: clockOf(report),
    draft: report.answerDraft ? JSON.parse(report.answerDraft) : null,
    extensionRequest: report.extensionRequest ? JSON.parse(report.extensionRequest) : null,
    events: events.map((e) => ({ ...e, actor: e.actorId ? actors.get(e.actorId) : null, data: e.data ? JSON.parse(e.data) : {} })),
    files: evidenceOf(db, 'report', report.id).map((f) => ({ id: f.id, mime: f.mime, kind: f.kind, size: f.size, sha256: f.sha256, cleaned: f.cleaned, uploadedBy: f.uploadedBy, createdAt: f.createdAt, erasedAt: f.erasedAt })),
    items: itemsOf(deps, report.id),
    assignUnits: unitsForAssign.map((u) => ({ id: u.id, name: u.name })),
    assignUsers: assignableUsers(db, unitsForAssign.map((u) => u.id), report).map((u) => ({ id: u.id, name: u.displayName, unitId: u.unitId })),
    possibleConflicts: staff.has('supervisor') ? possibleDeclarantMatches(db, report) : [],
    referrals: referralsOf(deps, report.id),
    transfers: transfersOf(deps, report.id),
    departments: can.transfer ? departmentsFor(deps, report).map((d) => ({ id: d.id, name: d.name })) : [],
    findings: FINDINGS,
    maxExtension: maxExtensionDays(),
    can,
  };
}
