// Which written notices a report has, who may have which, and the facts each is written from.
// The builder (document.ts) writes them; numbering.ts gives the 文号 on first issue.
import { record } from '../../audit/index.js';
import { toCstDate } from '../../clocks/index.js';
import { evidenceOf } from '../../evidence/index.js';
import type { StaffContext } from '../../plugins/auth.js';
import { placeChain } from '../../regions/index.js';
import { unsealJson } from '../../shared/crypto.js';
import type { Deps } from '../../shared/deps.js';
import { AppError, notFound } from '../../shared/errors.js';
import { findUnit, supervisedUnitIds } from '../../units/index.js';
import { findUser } from '../../users/index.js';
import { referralService } from '../referrals/index.js';
import * as reports from '../repository.js';
import type { Identity } from '../validate.js';
import { buildNotice, type NoticeFacts, type OfficialDocument } from './document.js';
import { DOCUMENT_KINDS, issueNumber, type DocumentKind } from './numbering.js';

type Report = reports.Report;
type ReportEvent = reports.ReportEvent;
type Referral = Awaited<ReturnType<typeof referralService.referralsOf>>[number];

/** The documents a reporter is owed: all but the 移送函 (art. 23 notices only to a known name and address). */
export const REPORTER_KINDS: readonly DocumentKind[] = DOCUMENT_KINDS.filter((k) => k !== 'referral');
/** 信访工作条例第二十三条第二款: 书面告知 …, 但信访人的姓名（名称）、住址不清的除外. */
const ART23_KINDS: readonly DocumentKind[] = ['acceptance', 'redirect'];

export class DocumentError extends AppError {
  constructor(status: 404 | 409, code: string) {
    super(status, status === 404 ? 'NOT_FOUND' : 'DOCUMENT_NOT_ISSUED', `documents.errors.${code}`);
  }
}

/** What a document is the written form of: one timeline event, or one referral. */
interface Source {
  kind: DocumentKind;
  key: string;
  at: number;
  event?: ReportEvent;
  referral?: Referral;
}

const dataOf = (e: ReportEvent | undefined): Record<string, unknown> => (e?.data ? (JSON.parse(e.data) as Record<string, unknown>) : {});
const last = <T>(xs: T[]): T | undefined => xs[xs.length - 1];

function eventSource(kind: DocumentKind, events: ReportEvent[], match: (e: ReportEvent) => boolean): Source | null {
  const e = last(events.filter(match));
  return e ? { kind, key: `event:${e.id}`, at: e.at, event: e } : null;
}

/** The referrals whose 移送函 this user may see: a discipline body its own (and its bodies below'); civil affairs every one. */
async function referralsFor(deps: Deps, report: Report, staff: StaffContext | null): Promise<Referral[]> {
  const all = (await referralService.referralsOf(deps, report.id)).filter((r) => r.status !== 'recalled');
  if (!staff || staff.unit.kind !== 'discipline') return all;
  const tree = await supervisedUnitIds(deps.db, staff.unit.id);
  return all.filter((r) => tree.includes(r.bodyUnitId));
}

/** The latest event (or referral) each kind of document writes down, for this report. */
async function sourceOf(deps: Deps, report: Report, kind: DocumentKind, events: ReportEvent[], staff: StaffContext | null): Promise<Source | null> {
  switch (kind) {
    case 'acceptance':
      return eventSource(kind, events, (e) => e.type === 'accepted');
    case 'redirect':
      return report.status === 'rejected' ? eventSource(kind, events, (e) => e.type === 'rejected') : null;
    case 'extension':
      return eventSource(kind, events, (e) => e.type === 'extension');
    case 'answer':
      return eventSource(kind, events, (e) => e.type === 'answer');
    case 'review':
    case 'rereview': {
      const level = kind === 'review' ? 1 : 2;
      return eventSource(kind, events, (e) => e.type === 'review_answer' && Number(dataOf(e).level) === level);
    }
    case 'referral': {
      const r = last(await referralsFor(deps, report, staff));
      return r ? { kind, key: `referral:${r.id}`, at: r.referredAt, referral: r } : null;
    }
  }
}

/** The unit that handled the report at `at`: a later take-over (提级) names the unit it came from. */
function handlingUnitAt(report: Report, events: ReportEvent[], at: number): number {
  const takenLater = events.find((e) => e.type === 'taken_over' && e.at > at);
  const from = Number(dataOf(takenLater).from);
  return takenLater && Number.isSafeInteger(from) ? from : report.handlingUnitId;
}

async function issuingUnitId(deps: Deps, report: Report, source: Source, events: ReportEvent[]): Promise<number> {
  if ((source.kind === 'review' || source.kind === 'rereview') && source.event?.actorId) {
    // The reviewer answers in the name of its own unit (supervision.answerReview checks it is the reviewing unit).
    const user = await findUser(deps.db, source.event.actorId);
    if (user) return user.unitId;
  }
  return handlingUnitAt(report, events, source.at);
}

/** The reporter's name when a real-name reporter gave a name and an address (第二十三条), else null. */
function namedReporter(deps: Pick<Deps, 'keys'>, report: Report): { name: string; address: string } | null {
  if (!report.realName || !report.identitySealed || report.identityErasedAt !== null) return null;
  const id = unsealJson<Identity>(deps.keys.identity, report.identitySealed, `report:${report.id}`);
  const name = id.name?.trim() ?? '';
  const address = id.address?.trim() ?? '';
  return name && address ? { name, address } : null;
}

/** Whether the reporter may open this kind now: it exists, and an art. 23 notice only to a known name and address. */
async function reporterMayHave(deps: Deps, report: Report, kind: DocumentKind, events: ReportEvent[]): Promise<boolean> {
  if (!REPORTER_KINDS.includes(kind)) return false;
  if (!(await sourceOf(deps, report, kind, events, null))) return false;
  return !ART23_KINDS.includes(kind) || namedReporter(deps, report) !== null;
}

/** The kinds this staff user may print: a discipline body only the 移送函 of its referral; a department none. */
function staffMayPrint(staff: StaffContext, kind: DocumentKind): boolean {
  if (staff.unit.kind === 'discipline') return kind === 'referral';
  return staff.unit.kind === 'civil_affairs' || staff.unit.kind === 'township_gov';
}

export type Audience = { staff: StaffContext } | { reporter: true };

export interface IssuedDocument {
  doc: OfficialDocument;
  /** The reporter's version (their tracking session) or the staff copy. */
  forReporter: boolean;
  /** A staff copy of a notice to a real-name reporter: the name is left out (the page says so). */
  nameLeftOut: boolean;
  /** 成文日期 as YYYY-MM-DD (China). */
  isoDate: string;
  /** When its number was first issued. */
  numberIssuedAt: number;
}

/** How a document left: the print page, the Word file, or the signed copy (ZIP: Word file, signed manifest). */
export type DocumentFormat = 'print' | 'docx' | 'signed';

/**
 * The document of this kind for this report, numbered (issued on first call), and the view audited.
 * The caller has checked the report is visible (staff: casework's visibleReport; reporter: the
 * tracking session holds it). 404 for a kind this audience may not have, 409 for one the report
 * does not have (yet).
 */
export async function issueDocument(deps: Deps, report: Report, kind: DocumentKind, who: Audience, format: DocumentFormat, now = Date.now()): Promise<IssuedDocument> {
  const staff = 'staff' in who ? who.staff : null;
  const events = await reports.eventsOf(deps.db, report.id, !staff);
  if (staff && !staffMayPrint(staff, kind)) throw notFound();
  if (!staff) {
    if (!REPORTER_KINDS.includes(kind)) throw new DocumentError(404, 'not_for_reporter');
    if (!(await reporterMayHave(deps, report, kind, events))) {
      throw (await sourceOf(deps, report, kind, events, null)) ? new DocumentError(404, 'not_for_reporter') : new DocumentError(409, 'not_issued');
    }
  }
  // Staff read every event (the take-over that names an earlier unit is internal); the reporter's facts come from visible ones only.
  const allEvents = staff ? events : await reports.eventsOf(deps.db, report.id);
  const source = await sourceOf(deps, report, kind, allEvents, staff);
  if (!source) throw new DocumentError(409, kind === 'referral' && staff?.unit.kind === 'discipline' ? 'not_yours' : 'not_issued');
  const unitId = await issuingUnitId(deps, report, source, allEvents);
  const unit = await findUnit(deps.db, unitId);
  const date = toCstDate(new Date(source.at));
  const number = await issueNumber(deps.db, { kind, source: source.key, reportId: report.id, unitId, unitName: unit?.name ?? '', year: Number(date.slice(0, 4)) }, now);
  const issuer = number.unitId === unitId ? unit : await findUnit(deps.db, number.unitId);
  // 主送: the body for a 移送函; the reporter by name only in their own copy (below).
  let addressee = '信访人';
  if (kind === 'referral') addressee = source.referral!.bodyName ?? (await findUnit(deps.db, source.referral!.bodyUnitId))?.name ?? '';
  else if (!staff) {
    const named = namedReporter(deps, report);
    if (named) {
      addressee = named.name;
      // Reading the sealed identity for a notice the reporter is owed is the system's act; the entry names no one.
      await record(deps.db, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'identity.document_use', object: { type: 'report', id: report.id }, detail: { kind } }, now);
    }
  }
  const facts = await factsOf(deps, report, source, allEvents, { number: number.text, addressee, unitName: issuer?.name ?? '', unitAbove: issuer?.supervisorId ? ((await findUnit(deps.db, issuer.supervisorId))?.name ?? null) : null, date });
  await record(
    deps.db,
    deps.keys['audit-mac'],
    { actor: staff ? { type: 'staff', id: staff.user.id } : { type: 'reporter' }, action: 'report.document_view', object: { type: 'report', id: report.id }, detail: { kind, number: number.text, format, fresh: number.fresh } },
    now,
  );
  return { doc: buildNotice(facts), forReporter: !staff, nameLeftOut: !!staff && kind !== 'referral' && report.realName, isoDate: date, numberIssuedAt: number.issuedAt };
}

async function factsOf(deps: Deps, report: Report, source: Source, events: ReportEvent[], head: { number: string; addressee: string; unitName: string; unitAbove: string | null; date: string }): Promise<NoticeFacts> {
  const chain = await placeChain(deps.db, report.placeCode);
  const place = [chain.prefecture, chain.county, chain.township, chain.village].filter(Boolean).map((r) => r!.name).join('') + (report.placeOther ? report.placeOther : '');
  const accepted = last(events.filter((e) => e.type === 'accepted' && e.at <= source.at));
  const base: NoticeFacts = {
    kind: source.kind,
    ...head,
    caseNo: report.caseNo,
    receivedOn: toCstDate(new Date(report.receivedAt)),
    channel: report.channel,
    source: report.source,
    category: report.category,
    place,
    acceptedOn: accepted ? toCstDate(new Date(accepted.at)) : null,
  };
  const e = source.event;
  const data = dataOf(e);
  switch (source.kind) {
    case 'acceptance':
      return { ...base, handlingDue: typeof data.handlingDue === 'string' ? data.handlingDue : null };
    case 'redirect':
      return { ...base, reason: e?.body ?? null };
    case 'extension':
      return { ...base, reason: e?.body ?? null, extensionDays: Number(data.days) || undefined, handlingDue: typeof data.handlingDue === 'string' ? data.handlingDue : null };
    case 'answer':
      return { ...base, description: report.description, finding: typeof data.finding === 'string' ? data.finding : report.finding, answer: e?.body ?? '' };
    case 'review':
    case 'rereview': {
      const request = last(events.filter((x) => x.type === 'review_requested' && x.at <= source.at));
      // The answer reviewed: the handling unit's (复查), or the first review's unit (复核).
      const earlier = source.kind === 'review' ? null : last(events.filter((x) => x.type === 'review_answer' && Number(dataOf(x).level) === 1 && x.at <= source.at));
      const reviewedUnitId = earlier?.actorId ? (await findUser(deps.db, earlier.actorId))?.unitId : handlingUnitAt(report, events, source.at);
      const reviewedUnitName = reviewedUnitId ? ((await findUnit(deps.db, reviewedUnitId))?.name ?? null) : null;
      return {
        ...base,
        answer: e?.body ?? '',
        outcome: data.outcome === 'reopened' ? 'reopened' : 'upheld',
        reviewRequest: request ? { on: toCstDate(new Date(request.at)), reason: request.body } : null,
        reviewedUnitName,
      };
    }
    case 'referral': {
      const r = source.referral!;
      // The evidence manifest as the referral packet lists it (names by id, never the reporter's file names).
      const files = (await evidenceOf(deps.db, 'report', report.id)).filter((f) => !f.erasedAt);
      return {
        ...base,
        referral: {
          opinion: r.opinion,
          subjectName: report.subjectName,
          subjectPosition: report.subjectPosition,
          acceptDue: r.acceptDue,
          evidence: files.map((f) => ({ name: `evidence-${f.id}.${f.ext}`, mime: f.mime, size: f.size, sha256: f.sha256 })),
        },
      };
    }
  }
}

export interface DocumentLink {
  kind: DocumentKind;
  href: string;
  docxHref: string;
  /** The signed copy (ZIP with the Word file and its SM2-signed manifest). */
  signedHref: string;
  /** Meant for the reporter too (the reporter's page links it). */
  forReporter: boolean;
}

/** The documents of this report the reporter may open from the tracking page ("书面告知"). */
export async function reporterDocumentLinks(deps: Deps, report: Report): Promise<DocumentLink[]> {
  const events = await reports.eventsOf(deps.db, report.id, true);
  const links: DocumentLink[] = [];
  for (const kind of REPORTER_KINDS) {
    if (await reporterMayHave(deps, report, kind, events)) links.push({ kind, href: `/track/documents/${kind}`, docxHref: `/track/documents/${kind}.docx`, signedHref: `/track/documents/${kind}/signed.zip`, forReporter: true });
  }
  return links;
}

/**
 * The context of the staff partial `reports/documents/staff-links` for one report this user sees:
 * the documents the report has and this user may print (the lead includes it in the report page).
 * The page has read the report's timeline already: it passes it, so the timeline is read once.
 */
export async function staffDocumentLinks(deps: Deps, staff: StaffContext, report: Report, timeline?: ReportEvent[]): Promise<{ documents: DocumentLink[] }> {
  const events = timeline ?? (await reports.eventsOf(deps.db, report.id));
  const documents: DocumentLink[] = [];
  for (const kind of DOCUMENT_KINDS) {
    if (!staffMayPrint(staff, kind) || !(await sourceOf(deps, report, kind, events, staff))) continue;
    const href = `/staff/reports/${report.id}/documents/${kind}`;
    documents.push({ kind, href, docxHref: `${href}.docx`, signedHref: `${href}/signed.zip`, forReporter: REPORTER_KINDS.includes(kind) && (await reporterMayHave(deps, report, kind, events.filter((e) => e.visibleToReporter))) });
  }
  return { documents };
}

/** The kind of the latest written answer (处理意见书, 复查意见书 or 复核意见书): the old answer print route shows it. */
export async function latestAnswerKind(deps: Pick<Deps, 'db'>, report: Report): Promise<DocumentKind | null> {
  const e = last((await reports.eventsOf(deps.db, report.id)).filter((x) => x.type === 'answer' || x.type === 'review_answer'));
  if (!e) return null;
  if (e.type === 'answer') return 'answer';
  return Number(dataOf(e).level) === 2 ? 'rereview' : 'review';
}
