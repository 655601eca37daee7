// The clocks of one report (DESIGN.md §3 "Legal clocks"): which duty runs in each state, and the
// due dates read from the report's timeline. Pure like the rest of src/clocks: the caller passes
// the events, the calendar and `now`.
import type { Calendar } from './calendar.js';
import { toCstDate, todayInChina, type DateInput, type IsoDate } from './dates.js';
import { activeRules, computeDeadline, type Deadline, type RuleId } from './rules.js';
import { clockDue, clockState, type Clock, type ClockState, type Pause } from './state.js';


/** A timeline entry as the clocks read it (report_events: type, instant, JSON data). */
export interface ClockEvent {
  type: string;
  at: number;
  data?: string | null;
}

/**
 * The duty that runs in `status`, or null when none does. A clock stops when its duty is done and
 * the next one starts with the next duty (issue 18):
 * - received: register and tell the reporter (信访工作条例第二十二条、第二十三条);
 * - accepted … investigating: handle within 60日 (第三十四条);
 * - concluded: the written answer is sent, so the handling duty is done — rectification runs on
 *   the ledger's own deadlines, and the reporter's review window (第三十五条) is the reporter's
 *   clock, not the unit's;
 * - under_review: the level above answers within 30日 (第三十五条; 第三十六条 for a re-review);
 * - referred/transferred: the civil-affairs clock pauses while the other body's runs.
 */
export function ruleFor(status: string, reviewLevel: number): RuleId | null {
  switch (status) {
    case 'received':
      return 'xinfang.register';
    case 'accepted':
    case 'assigned':
    case 'investigating':
      return 'xinfang.handling';
    case 'under_review':
      return reviewLevel >= 2 ? 'xinfang.rereview_answer' : 'xinfang.review_answer';
    default:
      return null;
  }
}

/** The due date of `rule` for a period that starts at `start` (an instant or a China date). */
export function dueFrom(calendar: Calendar, rule: RuleId, start: number | DateInput): Deadline {
  return computeDeadline(activeRules()[rule], typeof start === 'number' ? new Date(start) : start, calendar);
}

/** 第二十三条第三款: an assignee that is not competent objects within 5个工作日. */
export function assignmentObjectionDue(calendar: Calendar, assignedAt: number): string {
  return dueFrom(calendar, 'xinfang.assignment_objection', assignedAt).due;
}

/** 第三十四条: the longest extension a lead may approve. */
export function maxExtensionDays(): number {
  return activeRules()['xinfang.handling_extension'].amount;
}

export type ClockView = { state: ClockState; due: string; rule: RuleId } | null;

export function clockOf(report: { dueOn: string | null; clockRule: string | null }, now = new Date()): ClockView {
  if (!report.dueOn || !report.clockRule) return null;
  return { state: clockState(report.dueOn, todayInChina(now)), due: report.dueOn, rule: report.clockRule as RuleId };
}

/** Events that send a report away (移送, 转办) and that bring it back (DESIGN.md §3). */
const PAUSE_STARTS = new Set(['referred', 'transferred']);
const PAUSE_ENDS = new Set(['referral_returned', 'referral_recalled', 'referral_outcome', 'transfer_outcome', 'transfer_returned']);

const byTime = (events: readonly ClockEvent[]) => [...events].sort((a, b) => a.at - b.at);
const dateOf = (at: number) => toCstDate(new Date(at));
const dataOf = (e: ClockEvent): Record<string, unknown> => (e.data ? (JSON.parse(e.data) as Record<string, unknown>) : {});

/** The stretches the report was away, as China dates; the last is open while it still is. */
export function pausesOf(events: readonly ClockEvent[]): Pause[] {
  return stretchesOf(events, PAUSE_STARTS, PAUSE_ENDS);
}

/**
 * The handling clock (第三十四条): 60日 from acceptance — or from a review's decision to reopen
 * the case, which begins a new handling duty — with the days away added back and the approved
 * extension counted from the running due date. Null before acceptance.
 */
export function handlingClockOf(acceptedAt: number | null, events: readonly ClockEvent[]): Clock | null {
  if (acceptedAt === null) return null;
  const sorted = byTime(events);
  const reopened = sorted.filter((e) => e.type === 'reopened').pop();
  const start = reopened ? reopened.at : acceptedAt;
  const since = sorted.filter((e) => e.at >= start);
  const extensions = since.filter((e) => e.type === 'extension').map((e) => Number(dataOf(e).days)).filter((d) => Number.isInteger(d) && d > 0);
  return { startedOn: dateOf(start), rule: activeRules()['xinfang.handling'], pauses: pausesOf(since), extensions };
}

/** The handling due date (see handlingClockOf), or null before acceptance. */
export function handlingDueOf(acceptedAt: number | null, events: readonly ClockEvent[], calendar: Calendar, now: DateInput): Deadline | null {
  const clock = handlingClockOf(acceptedAt, events);
  if (!clock) return null;
  const { due, uncoveredYear } = clockDue(clock, calendar, now);
  return uncoveredYear === undefined ? { due } : { due, uncoveredYear };
}

/** 第三十六条第二款: a re-review hearing (听证); its days are not counted in the re-review's 30日. */
const HEARING_STARTS = new Set(['hearing_started']);
const HEARING_ENDS = new Set(['hearing_ended']);

function stretchesOf(events: readonly ClockEvent[], starts: ReadonlySet<string>, ends: ReadonlySet<string>): Pause[] {
  const pauses: Pause[] = [];
  let open: IsoDate | null = null;
  for (const e of byTime(events)) {
    if (starts.has(e.type) && open === null) open = dateOf(e.at);
    else if (ends.has(e.type) && open !== null) {
      pauses.push({ from: open, to: dateOf(e.at) });
      open = null;
    }
  }
  if (open !== null) pauses.push({ from: open, to: null });
  return pauses;
}

/**
 * The review answer's clock (第三十五条第一款: 30日 from receiving the request; 第三十六条: the same
 * for the re-review one level up), from the latest request. A re-review hearing stops it (第三十六条
 * 第二款, "听证所需时间不计算在前款规定的期限内"), counted back in the rule's own unit like any pause.
 * Null without a request.
 */
export function reviewAnswerClockOf(level: 1 | 2, events: readonly ClockEvent[]): Clock | null {
  const request = byTime(events).filter((e) => e.type === 'review_requested').pop();
  if (!request) return null;
  const since = byTime(events).filter((e) => e.at >= request.at);
  return {
    startedOn: dateOf(request.at),
    rule: activeRules()[level === 1 ? 'xinfang.review_answer' : 'xinfang.rereview_answer'],
    pauses: level === 2 ? stretchesOf(since, HEARING_STARTS, HEARING_ENDS) : [],
  };
}

/** Whether a re-review hearing is under way (started and not ended since the latest request). */
export function hearingOpen(events: readonly ClockEvent[]): boolean {
  const clock = reviewAnswerClockOf(2, events);
  return !!clock && clock.pauses.some((p) => p.to === null);
}

/**
 * The day the latest written answer (处理意见书, or 复查意见书 after a review) reached the reporter
 * (第三十五条、第三十六条 "自收到书面答复之日起"): the earlier of its first opening on the tracking
 * page (DESIGN.md §3; answerFirstOpenedAt is cleared when a new answer is issued) and a delivery
 * date staff recorded for a paper answer (event answer_delivered, data.on). Null until it arrives.
 */
export function answerReceivedOn(answerFirstOpenedAt: number | null, events: readonly ClockEvent[]): IsoDate | null {
  const sorted = byTime(events);
  const answer = sorted.filter((e) => e.type === 'answer' || e.type === 'review_answer').pop();
  if (!answer) return null;
  const dates: IsoDate[] = [];
  if (answerFirstOpenedAt !== null && answerFirstOpenedAt >= answer.at) dates.push(dateOf(answerFirstOpenedAt));
  for (const e of sorted.filter((x) => x.type === 'answer_delivered' && x.at >= answer.at)) {
    const on = dataOf(e).on;
    if (typeof on === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(on)) dates.push(toCstDate(on));
  }
  return dates.sort()[0] ?? null;
}

export type ReviewWindow =
  /** 第三十六条第三款: the re-review was decided; the same facts are not accepted again. */
  | { kind: 'final' }
  /** No written answer has reached the reporter yet. */
  | { kind: 'not_received' }
  /** A review (level 1, 第三十五条) or re-review (level 2, 第三十六条) may be asked until `due`, or no longer. */
  | { kind: 'open' | 'closed'; level: 1 | 2; receivedOn: IsoDate; due: IsoDate; uncoveredYear?: number };

/**
 * The reporter's window to ask for a review: 30日 from receiving the written answer, the day of
 * receipt not counted (民法典第二百零一条), to the end of the last day in China time, a last day
 * off moving to the next working day (第二百零三条). Enforced by date, whatever the status.
 */
export function reviewWindowOf(reviewLevel: number, receivedOn: IsoDate | null, calendar: Calendar, now: DateInput): ReviewWindow {
  if (reviewLevel >= 2) return { kind: 'final' };
  if (receivedOn === null) return { kind: 'not_received' };
  const level = reviewLevel === 0 ? 1 : 2;
  const { due, uncoveredYear } = computeDeadline(activeRules()[level === 1 ? 'xinfang.review_request' : 'xinfang.rereview_request'], receivedOn, calendar);
  const kind = toCstDate(now) <= due ? 'open' : 'closed';
  return { kind, level, receivedOn, due, ...(uncoveredYear === undefined ? {} : { uncoveredYear }) };
}
