// What the reporter sees: plain-language status, public steps with dates, messages, the written
// answer and the legal dates. Never staff names, internal notes or other parties' details.
import type { Locale } from '../config.js';
import { placeChain, placeLabel } from '../regions/index.js';
import { findUnit } from '../units/index.js';
import type { Deps } from '../shared/deps.js';
import { dueFrom, todayInChina } from '../clocks/index.js';
import { loadCalendar } from '../calendar/index.js';
import * as repo from './repository.js';
import { allowedActions, masterOf, remainingUpload } from './tracking.js';
import { hotlinesFor } from '../hotlines/index.js';
import { evidenceOf, originalName } from '../evidence/index.js';
import { reporterDocumentLinks } from './documents/index.js';

/** Event types whose body the reporter reads (their own words, staff messages to them, reasons, the answer). */
// discipline_result_notice: the words the discipline body chose to tell a real-name reporter (issue 18 item 6).
const BODY_SHOWN = new Set(['reporter_message', 'staff_message', 'rejected', 'extension', 'answer', 'review_requested', 'review_answer', 'withdrawn', 'returned_reason_public', 'discipline_result_notice']);

/**
 * The events of a master (合并办理, issue 19 item 7) that a merged reporter reads: the public steps
 * staff took, never anything the master's reporter wrote (their messages, files, identity, rating,
 * review reason), nor what staff wrote to that reporter alone (their messages, the discipline
 * body's notice to a real-name reporter).
 */
const NOT_FOR_MERGED = new Set(['staff_message', 'discipline_result_notice']);

function masterStepsOf(events: repo.ReportEvent[]): repo.ReportEvent[] {
  return events.filter((e) => e.visibleToReporter && e.actorType !== 'reporter' && !NOT_FOR_MERGED.has(e.type));
}

/** The latest written answer of these events, unless a later reopening means a new one is coming. */
function latestAnswer(events: repo.ReportEvent[]) {
  const answer = [...events].reverse().find((e) => e.type === 'answer' || e.type === 'review_answer');
  const reopened = [...events].reverse().find((e) => e.type === 'reopened');
  // A review that reopens the case (issue 19 item 10) is itself a written answer, shown; but the case
  // is handled anew, so the new handling deadline is shown with it.
  return { answer, answered: !!answer && !(reopened && reopened.id > answer.id) };
}

/** What the tracking page says of the master's handling: status, legal dates, public steps. */
async function progressOf(deps: Deps, report: repo.Report, events: repo.ReportEvent[]) {
  const calendar = await loadCalendar(deps.db);
  const accepted = events.find((e) => e.type === 'accepted');
  const acceptDue = dueFrom(calendar, 'xinfang.register', report.receivedAt);
  const { answer, answered } = latestAnswer(events);
  // The running handling deadline (art. 34: pauses and an approved extension included, kept by
  // every step in report.handlingDue), not acceptance + 60 days; none once the answer is given.
  const answerDue = accepted && !answered ? report.handlingDue : null;
  const answerDueUncovered = answerDue !== null && !calendar.covers(Number(answerDue.slice(0, 4)));
  const unit = await findUnit(deps.db, report.handlingUnitId);
  return { acceptDue, answer, answered, answerDue, answerDueUncovered, unit };
}

export async function trackPageContext(deps: Deps, report: repo.Report, _locale: Locale) {
  const events = await repo.eventsOf(deps.db, report.id, true);
  // 合并办理 (issue 19 item 7): a merged reporter follows the master's progress and gets its answer;
  // their own case number, facts, steps, messages and files stay on their own report.
  const master = await masterOf(deps, report);
  const masterEvents = master ? masterStepsOf(await repo.eventsOf(deps.db, master.id, true)) : [];
  const own = await progressOf(deps, report, events);
  const handled = master ? await progressOf(deps, master, masterEvents) : own;
  const { acceptDue, answer, answerDue, answerDueUncovered, unit } = handled;
  const actions = await allowedActions(deps, report);
  const files = await reporterFilesOf(deps, report);
  return {
    report: {
      caseNo: report.caseNo,
      status: report.status,
      category: report.category,
      receivedAt: report.receivedAt,
      place: placeLabel(await placeChain(deps.db, report.placeCode)) + (report.placeOther ? ` ${report.placeOther}` : ''),
      realName: report.realName,
      rating: report.rating,
    },
    /**
     * What she sent, shown back to her (the privacy notice on this page promises 查看、补充和更正):
     * her own report's words and files, never the master's of a merged report. A report logged by
     * staff (call, visit, letter) is said to be the clerk's record of what she told them.
     */
    own: { description: linesOf(report.description), happenedAt: report.happenedAt, loggedByStaff: report.channel !== 'online', files },
    unitName: unit?.name,
    // The reporter's own registration date (a merged report was registered when it was merged).
    acceptDue: own.acceptDue.due,
    answerDue,
    /** Referred or transferred: the days away do not count, so the date moves on when it comes back. */
    answerDuePaused: answerDue !== null && ['referred', 'transferred'].includes((master ?? report).status),
    calendarWarning: own.acceptDue.uncoveredYear !== undefined || acceptDue.uncoveredYear !== undefined || answerDueUncovered,
    question: actions.has('message') ? openQuestion(events) : null,
    timeline: timelineOf(events, master ? null : (answer?.id ?? null), files),
    // The master's steps carry no file names: its reporter's files are theirs alone (masterStepsOf).
    merged: master ? { caseNo: master.caseNo, status: master.status, timeline: timelineOf(masterEvents, answer?.id ?? null, []), review: await mergedReviewUnit(deps, master) } : null,
    overdue: await overdueNotice(deps, master ?? report, unit?.supervisorId ?? null, acceptDue.due, answerDue, handled.answered),
    answer: answer ? { at: answer.at, body: linesOf(answer.body) } : null,
    can: Object.fromEntries([...actions].map((a) => [a, true])),
    room: await remainingUpload(deps, report),
    hotlines: await hotlinesFor(deps.db, report.countyCode),
    /**
     * 书面告知: the written notices meant for the reporter (an art. 23 notice only to a known name and
     * address), of their own report. A merged reporter is not linked the master's: the /track/documents
     * routes print the session's own report, and the master's 处理意见书 and 复查意见书 quote the
     * master's reporter's request; the answer itself is shown in full above.
     */
    documents: await reporterDocumentLinks(deps, report),
  };
}

/**
 * Where a merged reporter asks for a review (第三十五条: the unit above the one that answered;
 * 第三十六条: above the reviewing unit for a re-review), as the master's review would go: the page
 * names it, since the review is not taken online for a merged report (tracking.allowedActions).
 */
async function mergedReviewUnit(deps: Deps, master: repo.Report): Promise<{ unitName: string | null } | null> {
  if (master.reviewLevel >= 2) return null;
  const base = master.reviewLevel === 0 ? master.handlingUnitId : (master.reviewUnitId ?? master.handlingUnitId);
  const answering = await findUnit(deps.db, base);
  const above = answering?.supervisorId ? await findUnit(deps.db, answering.supervisorId) : undefined;
  // At the top (no unit above), the review goes to the answering unit itself, as openReview sends it.
  return { unitName: above?.name ?? answering?.name ?? null };
}

/**
 * A text as its lines, so the page keeps the writer's line breaks: the public style sheet has no
 * pre-wrap and the pages carry no inline style (CSP), so the template puts a <br> between lines,
 * each escaped as any text.
 */
function linesOf(text: string | null): string[] | null {
  return text ? text.replace(/\r\n?/g, '\n').split('\n') : null;
}

/**
 * A question from staff she has not answered yet — their latest message to her is newer than her
 * latest message — shown at the top of the page with a link to the reply box: in the timeline alone
 * it sat under a status line that only said 正在核查. Her own report's messages only (a merged
 * reporter's page shows none of the master's, and she cannot reply there anyway).
 */
function openQuestion(events: repo.ReportEvent[]): { at: number; body: string[] | null } | null {
  const last = [...events].reverse().find((e) => e.type === 'staff_message' || e.type === 'reporter_message');
  return last?.type === 'staff_message' ? { at: last.at, body: linesOf(last.body) } : null;
}

/** A file the reporter sent: its name as she chose it, when, whether its metadata was removed, and whether the retention schedule has since deleted it. */
export interface ReporterFile {
  name: string;
  at: number;
  cleaned: boolean;
  erased: boolean;
}

/**
 * The files the reporter sent, with the names she gave them (sealed like an identity: a name can
 * identify her). Only the report's own files uploaded by the reporter: staff material is owned by
 * `report_staff`, and files a clerk attached to a call, visit or letter they logged are the clerk's.
 */
async function reporterFilesOf(deps: Pick<Deps, 'db' | 'keys'>, report: repo.Report): Promise<ReporterFile[]> {
  return (await evidenceOf(deps.db, 'report', report.id))
    .filter((f) => f.uploadedBy === 'reporter')
    .map((f) => ({ name: originalName(deps.keys.identity, f), at: f.createdAt, cleaned: f.cleaned, erased: f.erasedAt !== null }));
}

export interface TimelineEntry {
  type: string;
  at: number;
  fromReporter: boolean;
  /** The text shown, as lines (linesOf), or null. */
  body: string[] | null;
  data: Record<string, unknown>;
  /** The written answer shown in full in its own section above: the timeline points there (issue 20 item 9). */
  seeAnswer?: boolean;
  /** Files added in one go (each staged upload is its own event): counted as one step. */
  files?: number;
  /** Their names, as she chose them: "您补充了材料（2个文件）" alone did not say which. */
  names?: string[];
}

/**
 * The reporter's timeline: public steps in order, with two merges a villager expects (issue 20
 * item 9) — the answer shown above is not repeated here, and files sent one after another (the
 * form sends them one by one) are one step with their number, not one "您补充了材料" per file.
 */
function timelineOf(events: repo.ReportEvent[], shownAnswerId: number | null, files: ReporterFile[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  // A reporter_files event and its files are written in one transaction with one time
  // (linkReporterUploads); each file is named once, should two uploads share a millisecond.
  const unnamed = [...files];
  const namesAt = (at: number) => {
    const sent = unnamed.filter((f) => f.at === at);
    for (const f of sent) unnamed.splice(unnamed.indexOf(f), 1);
    return sent.map((f) => f.name);
  };
  for (const e of events) {
    const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {};
    const previous = entries[entries.length - 1];
    if (e.type === 'reporter_files') {
      const count = Number(data.files) || 1;
      if (previous?.type === 'reporter_files') {
        previous.files = (previous.files ?? 0) + count;
        previous.names = [...(previous.names ?? []), ...namesAt(e.at)];
        continue;
      }
      entries.push({ type: e.type, at: e.at, fromReporter: true, body: null, data, files: count, names: namesAt(e.at) });
      continue;
    }
    const seeAnswer = e.id === shownAnswerId;
    entries.push({ type: e.type, at: e.at, fromReporter: e.actorType === 'reporter', body: BODY_SHOWN.has(e.type) && !seeAnswer ? linesOf(e.body) : null, data, ...(seeAnswer ? { seeAnswer } : {}) });
  }
  return entries;
}

/**
 * A legal date that passed with nothing done (issue 20 item 10): the page says so and where the
 * reporter can turn — the unit above the handling unit, the 信访部门 (which 督办 under 信访工作条例
 * 第四十条 a unit that delays), the hotlines listed on the page, and 12345. Null while in time or
 * once answered.
 */
async function overdueNotice(deps: Deps, report: repo.Report, supervisorId: number | null, acceptDue: string, answerDue: string | null, answered: boolean) {
  const today = todayInChina();
  const paused = report.status === 'referred' || report.status === 'transferred';
  let kind: 'accept' | 'answer' | null = null;
  let due: string | null = null;
  if (report.status === 'received' && acceptDue < today) [kind, due] = ['accept', acceptDue];
  else if (!answered && !paused && answerDue !== null && answerDue < today) [kind, due] = ['answer', answerDue];
  if (!kind) return null;
  const above = supervisorId === null ? undefined : await findUnit(deps.db, supervisorId);
  return { kind, due, supervisorName: above?.name ?? null };
}

/** The actions whose outcome the tracking page tells after the redirect (`?done=`). */
const DONE = ['message', 'files', 'rating', 'identity', 'review', 'withdraw'] as const;
export type DoneAction = (typeof DONE)[number];

export function isDoneAction(value: unknown): value is DoneAction {
  return typeof value === 'string' && (DONE as readonly string[]).includes(value);
}

/**
 * What the notice at the top of the tracking page says after an action (POST-redirect-GET, so it
 * works without script): read back from the report, not from the address, so a stale or made-up
 * `?done=` shows nothing that did not happen. Files are named from their sealed names, never
 * carried in the address or the session.
 */
export async function doneNotice(deps: Pick<Deps, 'db' | 'keys'>, report: repo.Report, done: unknown): Promise<Record<string, unknown> | null> {
  if (!isDoneAction(done)) return null;
  const events = await repo.eventsOf(deps.db, report.id, true);
  switch (done) {
    case 'message':
      return events.some((e) => e.type === 'reporter_message') ? { kind: done } : null;
    case 'files': {
      const last = [...events].reverse().find((e) => e.type === 'reporter_files');
      if (!last) return null;
      const files = (await reporterFilesOf(deps, report)).filter((f) => f.at === last.at).map(({ name, cleaned }) => ({ name, cleaned }));
      return files.length > 0 ? { kind: done, files } : null;
    }
    case 'rating':
      return report.rating ? { kind: done, rating: report.rating } : null;
    case 'identity':
      return report.realName ? { kind: done } : null;
    case 'review':
      return report.status === 'under_review' ? { kind: done, level: report.reviewLevel, due: report.dueOn } : null;
    case 'withdraw':
      return report.status === 'withdrawn' ? { kind: done } : null;
  }
}
