// What the reporter sees: plain-language status, public steps with dates, messages, the written
// answer and the legal dates. Never staff names, internal notes or other parties' details.
import type { Locale } from '../config.js';
import { placeChain, placeLabel } from '../regions/index.js';
import { findUnit } from '../units/index.js';
import type { Deps } from '../shared/deps.js';
import { dueFrom, todayInChina } from '../clocks/index.js';
import { loadCalendar } from '../calendar/index.js';
import * as repo from './repository.js';
import { allowedActions, remainingUpload } from './tracking.js';
import { hotlinesFor } from '../hotlines/index.js';
import { evidenceOf, originalName } from '../evidence/index.js';
import { reporterDocumentLinks } from './documents/index.js';

/** Event types whose body the reporter reads (their own words, staff messages to them, reasons, the answer). */
// discipline_result_notice: the words the discipline body chose to tell a real-name reporter (issue 18 item 6).
const BODY_SHOWN = new Set(['reporter_message', 'staff_message', 'rejected', 'extension', 'answer', 'review_requested', 'review_answer', 'withdrawn', 'returned_reason_public', 'discipline_result_notice']);

export async function trackPageContext(deps: Deps, report: repo.Report, _locale: Locale) {
  const events = await repo.eventsOf(deps.db, report.id, true);
  const calendar = await loadCalendar(deps.db);
  const accepted = events.find((e) => e.type === 'accepted');
  const acceptDue = dueFrom(calendar, 'xinfang.register', report.receivedAt);
  const answer = [...events].reverse().find((e) => e.type === 'answer' || e.type === 'review_answer');
  // The running handling deadline (art. 34: pauses and an approved extension included, kept by
  // every step in report.handlingDue), not acceptance + 60 days; none once the answer is given.
  const answerDue = accepted && !answer ? report.handlingDue : null;
  const answerDueUncovered = answerDue !== null && !calendar.covers(Number(answerDue.slice(0, 4)));
  const actions = await allowedActions(deps, report);
  const unit = await findUnit(deps.db, report.handlingUnitId);
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
    unitName: unit?.name,
    acceptDue: acceptDue.due,
    answerDue,
    /** Referred or transferred: the days away do not count, so the date moves on when it comes back. */
    answerDuePaused: answerDue !== null && (report.status === 'referred' || report.status === 'transferred'),
    calendarWarning: acceptDue.uncoveredYear !== undefined || answerDueUncovered,
    timeline: timelineOf(events, answer?.id ?? null),
    overdue: await overdueNotice(deps, report, unit?.supervisorId ?? null, acceptDue.due, answerDue, !!answer),
    answer: answer ? { at: answer.at, body: answer.body } : null,
    can: Object.fromEntries([...actions].map((a) => [a, true])),
    room: await remainingUpload(deps, report),
    hotlines: await hotlinesFor(deps.db, report.countyCode),
    /** 书面告知: the written notices meant for the reporter (an art. 23 notice only to a known name and address). */
    documents: await reporterDocumentLinks(deps, report),
  };
}

export interface TimelineEntry {
  type: string;
  at: number;
  fromReporter: boolean;
  body: string | null;
  data: Record<string, unknown>;
  /** The written answer shown in full in its own section above: the timeline points there (issue 20 item 9). */
  seeAnswer?: boolean;
  /** Files added in one go (each staged upload is its own event): counted as one step. */
  files?: number;
}

/**
 * The reporter's timeline: public steps in order, with two merges a villager expects (issue 20
 * item 9) — the answer shown above is not repeated here, and files sent one after another (the
 * form sends them one by one) are one step with their number, not one "您补充了材料" per file.
 */
function timelineOf(events: repo.ReportEvent[], shownAnswerId: number | null): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const e of events) {
    const data = e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {};
    const previous = entries[entries.length - 1];
    if (e.type === 'reporter_files') {
      const count = Number(data.files) || 1;
      if (previous?.type === 'reporter_files') {
        previous.files = (previous.files ?? 0) + count;
        continue;
      }
      entries.push({ type: e.type, at: e.at, fromReporter: true, body: null, data, files: count });
      continue;
    }
    const seeAnswer = e.id === shownAnswerId;
    entries.push({ type: e.type, at: e.at, fromReporter: e.actorType === 'reporter', body: BODY_SHOWN.has(e.type) && !seeAnswer ? e.body : null, data, ...(seeAnswer ? { seeAnswer } : {}) });
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
      const files = (await evidenceOf(deps.db, 'report', report.id))
        .filter((f) => f.uploadedBy === 'reporter' && f.createdAt === last.at)
        .map((f) => ({ name: originalName(deps.keys.identity, f), cleaned: f.cleaned }));
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
