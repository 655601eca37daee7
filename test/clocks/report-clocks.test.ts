// The clocks of a report, read from its timeline (src/clocks/report.ts), walked by hand through
// weekends, the 2025 and 2026 Spring Festival, 2026 National Day with its make-up workdays, and
// 2027 — which chinese-days does not cover yet: there the operator's override table (the fixture
// below) or, without it, the weekends-only fallback with its warning.
//
// How the dates below are counted (民法典第二百零一条、第二百零三条): the day of the event is not
// counted, the period runs to 24:00 China time on its last day, and a last day that is a day off
// moves to the next working day. Paused days are added back in the rule's own unit.
import { describe, expect, it } from 'vitest';
import {
  answerReceivedOn,
  createCalendar,
  handlingDueOf,
  reviewWindowOf,
  ruleFor,
  type ClockEvent,
  type HolidayOverride,
} from '../../src/clocks/index.js';

const cal = createCalendar();
/** An operator's entry for 2027 (the State Council had not published it): 元旦, 春节 6–14 Feb, make-up Saturday 20 Feb. */
const fixture2027: HolidayOverride[] = [
  { date: '2027-01-01', kind: 'holiday', note: '元旦' },
  ...['06', '07', '08', '09', '10', '11', '12', '13', '14'].map((d): HolidayOverride => ({ date: `2027-02-${d}`, kind: 'holiday', note: '春节' })),
  { date: '2027-02-20', kind: 'workday', note: '春节调休' },
];
const cal2027 = createCalendar(fixture2027, [2027]);

/** An instant in China time. */
const at = (local: string) => new Date(`${local}+08:00`).getTime();
const ev = (type: string, local: string, data?: Record<string, unknown>): ClockEvent => ({ type, at: at(local), data: data ? JSON.stringify(data) : null });

describe('art. 34: the handling clock, pauses and extension', () => {
  const cases: { name: string; accepted: string; events: ClockEvent[]; calendar?: ReturnType<typeof createCalendar>; now: string; due: string; uncoveredYear?: number }[] = [
    // 1 Aug + 60 = Wed 30 Sep, a working day.
    { name: 'no pause', accepted: '2026-08-01T10:00:00', events: [], now: '2026-08-02', due: '2026-09-30' },
    // Away 25 Sep → 2 Oct: 7 days; 30 Sep + 7 = 7 Oct, 国庆节 → Thu 8 Oct.
    {
      name: 'a pause across National Day 2026',
      accepted: '2026-08-01T10:00:00',
      events: [ev('transferred', '2026-09-25T09:00:00'), ev('transfer_outcome', '2026-10-02T15:00:00')],
      now: '2026-10-02',
      due: '2026-10-08',
    },
    // … and an extension of 30 days from that running due date: 8 Oct + 30 = Sat 7 Nov → Mon 9 Nov.
    {
      name: 'an extension after a pause across National Day',
      accepted: '2026-08-01T10:00:00',
      events: [ev('transferred', '2026-09-25T09:00:00'), ev('transfer_outcome', '2026-10-02T15:00:00'), ev('extension', '2026-10-05T10:00:00', { days: 30 })],
      now: '2026-10-05',
      due: '2026-11-09',
    },
    // 1 Dec 2026 + 60 = 30 Jan 2027; away 10 → 17 Dec (7 days): 6 Feb, 春节 in the fixture → Mon 15 Feb.
    {
      name: 'a pause pushing the last day into Spring Festival 2027 (override table)',
      accepted: '2026-12-01T10:00:00',
      events: [ev('referred', '2026-12-10T10:00:00'), ev('referral_returned', '2026-12-17T10:00:00')],
      calendar: cal2027,
      now: '2026-12-17',
      due: '2027-02-15',
    },
    // Same without the override table: Sat 6 Feb → Mon 8 Feb, weekends only, flagged.
    {
      name: 'the same in the weekends-only fallback',
      accepted: '2026-12-01T10:00:00',
      events: [ev('referred', '2026-12-10T10:00:00'), ev('referral_returned', '2026-12-17T10:00:00')],
      now: '2026-12-17',
      due: '2027-02-08',
      uncoveredYear: 2027,
    },
    // The case: away 10 → 30 Dec (20 days): 30 Jan + 20 = Fri 19 Feb; + 30 = Sun 21 Mar → Mon 22 Mar
    // (not 1 Mar, which counted from acceptance and lost the 20 days).
    {
      name: 'an extension after a 20-day pause runs from the running due date',
      accepted: '2026-12-01T10:00:00',
      events: [ev('transferred', '2026-12-10T10:00:00'), ev('transfer_outcome', '2026-12-30T10:00:00'), ev('extension', '2027-01-05T10:00:00', { days: 30 })],
      calendar: cal2027,
      now: '2027-01-05',
      due: '2027-03-22',
    },
    // A pause still open moves the due date with today: 10 → 20 Dec so far, 30 Jan + 10 = 9 Feb (春节) → 15 Feb.
    {
      name: 'an open pause',
      accepted: '2026-12-01T10:00:00',
      events: [ev('referred', '2026-12-10T10:00:00')],
      calendar: cal2027,
      now: '2026-12-20',
      due: '2027-02-15',
    },
    // Reopened by a review on 1 Aug 2026: a new 60日 from the decision; the old extension does not carry over.
    {
      name: 'a case reopened by a review starts a new handling period',
      accepted: '2026-03-02T10:00:00',
      events: [ev('extension', '2026-04-01T10:00:00', { days: 30 }), ev('reopened', '2026-08-01T16:00:00')],
      now: '2026-08-02',
      due: '2026-09-30',
    },
  ];
  it.each(cases)('art. 34: $name → $due', ({ accepted, events, calendar, now, due, uncoveredYear }) => {
    const result = handlingDueOf(at(accepted), events, calendar ?? cal, now);
    expect(result).toEqual(uncoveredYear === undefined ? { due } : { due, uncoveredYear });
  });

  it('art. 34: no handling clock before acceptance', () => {
    expect(handlingDueOf(null, [], cal, '2026-08-01')).toBeNull();
  });
});

describe('art. 35–36: the reporter’s review window', () => {
  const cases: { name: string; received: string; level?: number; calendar?: ReturnType<typeof createCalendar>; lastOpen: string; due: string; uncoveredYear?: number }[] = [
    // Received 1 Dec 2026: 30 days end Thu 31 Dec; all of that day is in time (the old rule of
    // 30×24 h from the opening shut the window at 09:00 that morning).
    { name: 'day 30 is in time until midnight, day 31 is not', received: '2026-12-01', lastOpen: '2026-12-31T23:59:59', due: '2026-12-31' },
    // 1 Sep + 30 = 1 Oct, 国庆节 (1–7 Oct) → Thu 8 Oct.
    { name: 'a last day in National Day 2026', received: '2026-09-01', lastOpen: '2026-10-08T23:59:59', due: '2026-10-08' },
    // 17 Jan + 30 = 16 Feb, 春节 (15–23 Feb 2026) → Tue 24 Feb.
    { name: 'a last day in Spring Festival 2026', received: '2026-01-17', lastOpen: '2026-02-24T23:59:59', due: '2026-02-24' },
    // 5 Jan + 30 = 4 Feb, 春节 (28 Jan – 4 Feb 2025) → Wed 5 Feb.
    { name: 'a last day in Spring Festival 2025', received: '2025-01-05', lastOpen: '2025-02-05T23:59:59', due: '2025-02-05' },
    // 10 Jan 2027 + 30 = 9 Feb, 春节 in the fixture → Mon 15 Feb.
    { name: 'a last day in Spring Festival 2027 (override table)', received: '2027-01-10', calendar: cal2027, lastOpen: '2027-02-15T23:59:59', due: '2027-02-15' },
    // Without it: Tue 9 Feb is taken as a working day, and the result says so.
    { name: '2027 without the table: weekends only, flagged', received: '2027-01-10', lastOpen: '2027-02-09T23:59:59', due: '2027-02-09', uncoveredYear: 2027 },
    // The re-review (art. 36) counts the same way from receiving the review answer: 3 Sep + 30 = Sat 3 Oct → 8 Oct.
    { name: 're-review window across National Day', received: '2026-09-03', level: 1, lastOpen: '2026-10-08T23:59:59', due: '2026-10-08' },
  ];
  it.each(cases)('art. 35: $name', ({ received, level, calendar, lastOpen, due, uncoveredYear }) => {
    const c = calendar ?? cal;
    const open = reviewWindowOf(level ?? 0, received, c, new Date(at(lastOpen)));
    expect(open).toEqual({ kind: 'open', level: (level ?? 0) + 1, receivedOn: received, due, ...(uncoveredYear === undefined ? {} : { uncoveredYear }) });
    const nextDay = new Date(at(lastOpen) + 1000); // 00:00 the day after, China time
    expect(reviewWindowOf(level ?? 0, received, c, nextDay).kind).toBe('closed');
  });

  it('art. 36: after a re-review the matter is final', () => {
    expect(reviewWindowOf(2, '2026-09-03', cal, '2026-09-04')).toEqual({ kind: 'final' });
    expect(reviewWindowOf(0, null, cal, '2026-09-04')).toEqual({ kind: 'not_received' });
  });

  it('art. 35: the answer is received on its first opening or its recorded paper delivery, whichever came first', () => {
    const answer = ev('answer', '2026-11-20T10:00:00');
    expect(answerReceivedOn(null, [answer])).toBeNull();
    expect(answerReceivedOn(at('2026-12-01T09:00:00'), [answer])).toBe('2026-12-01');
    // A late-evening opening is the China date, not the UTC one.
    expect(answerReceivedOn(at('2026-12-01T23:30:00'), [answer])).toBe('2026-12-01');
    const delivered = ev('answer_delivered', '2026-11-30T16:00:00', { on: '2026-11-25' });
    expect(answerReceivedOn(null, [answer, delivered])).toBe('2026-11-25');
    expect(answerReceivedOn(at('2026-11-23T09:00:00'), [answer, delivered])).toBe('2026-11-23');
    // A delivery recorded for an earlier answer does not start the window of a later one.
    expect(answerReceivedOn(null, [ev('answer_delivered', '2026-10-01T10:00:00', { on: '2026-10-01' }), answer])).toBeNull();
  });
});

describe('art. 34–36: a clock stops when its duty is done', () => {
  it.each([
    ['received', 0, 'xinfang.register'],
    ['investigating', 0, 'xinfang.handling'],
    ['concluded', 0, null], // the written answer is sent: the 60日 duty is done
    ['rectifying', 0, null],
    ['closed', 1, null], // a review decided and upheld
    ['under_review', 1, 'xinfang.review_answer'],
    ['under_review', 2, 'xinfang.rereview_answer'],
    ['referred', 0, null],
  ] as const)('art. 34: %s (review level %s) runs %s', (status, level, rule) => {
    expect(ruleFor(status, level)).toBe(rule);
  });
});
