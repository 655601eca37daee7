// The discipline family of clocks (纪检监察机关处理检举控告工作规则), all in working days, walked by
// hand through weekends, the 2025 and 2026 Spring Festival and 2026 National Day with their make-up
// workdays (调休上班 counts as a working day), and 2027 — which chinese-days does not cover: there
// the operator's override table (the fixture below) or, without it, weekends only, flagged.
//
// How the dates are counted (民法典第二百零一条): the day of the event is not counted; n 工作日 is
// the n-th working day after it, and the act is in time until 24:00 China time on that day.
import { describe, expect, it } from 'vitest';
import { createCalendar, dueFrom, type HolidayOverride, type RuleId } from '../../src/clocks/index.js';

const cal = createCalendar();
/** An operator's entry for 2027: 春节 6–14 Feb, make-up Saturday 20 Feb. */
const fixture2027: HolidayOverride[] = [
  ...['06', '07', '08', '09', '10', '11', '12', '13', '14'].map((d): HolidayOverride => ({ date: `2027-02-${d}`, kind: 'holiday', note: '春节' })),
  { date: '2027-02-20', kind: 'workday', note: '春节调休' },
];
const cal2027 = createCalendar(fixture2027, [2027]);

const cases: { name: string; rule: RuleId; start: string; calendar?: ReturnType<typeof createCalendar>; due: string; uncoveredYear?: number }[] = [
  // Fri 6 Mar 2026: Mon 9 … Fri 13 Mar.
  { name: 'arts. 15–16: forward within 5 working days, across a weekend', rule: 'discipline.forward', start: '2026-03-06T15:00:00+08:00', due: '2026-03-13' },
  // Thu 12 Feb 2026: Fri 13 (1), Sat 14 make-up (2), 15–23 Feb 春节, Tue 24 (3), Wed 25 (4), Thu 26 (5).
  { name: 'arts. 15–16: forward across Spring Festival 2026 and its make-up Saturday', rule: 'discipline.forward', start: '2026-02-12T09:00:00+08:00', due: '2026-02-26' },
  // Mon 28 Sep 2026: Tue 29 (1), Wed 30 (2), 1–7 Oct 国庆节, Thu 8 (3), Fri 9 (4), Sat 10 make-up (5).
  { name: 'arts. 15–16: forward across National Day 2026, ending on a make-up Saturday', rule: 'discipline.forward', start: '2026-09-28T11:00:00+08:00', due: '2026-10-10' },
  // Received late in the evening counts by the China date: Fri 6 Mar 23:30 is still 6 Mar.
  { name: 'arts. 15–16: received at 23:30 China time counts from that day', rule: 'discipline.forward', start: '2026-03-06T23:30:00+08:00', due: '2026-03-13' },
  // Fri 24 Jan 2025: Sun 26 make-up (1), Mon 27 (2), 28 Jan–4 Feb 春节, 5–7 Feb (3–5), Sat 8 make-up (6),
  // 10–14 Feb (7–11), 17–20 Feb (12–15).
  { name: 'chapter 4: acceptance notice within 15 working days, across Spring Festival 2025', rule: 'discipline.acceptance_notice', start: '2025-01-24T10:00:00+08:00', due: '2025-02-20' },
  // Fri 18 Sep 2026: Sun 20 make-up (1), 21–24 (2–5), Fri 25 is 中秋节, 28–30 (6–8), 1–7 Oct 国庆节,
  // 8–9 Oct (9–10), Sat 10 make-up (11), 12–15 Oct (12–15).
  { name: 'chapter 4: result notice within 15 working days, across Mid-Autumn, National Day 2026 and both make-up days', rule: 'discipline.result_notice', start: '2026-09-18T16:00:00+08:00', due: '2026-10-15' },
  // Mon 25 Jan 2027 with the override table: 26–29 Jan (1–4), 1–5 Feb (5–9), 6–14 Feb 春节,
  // 15–19 Feb (10–14), Sat 20 make-up (15).
  { name: 'chapter 4: acceptance notice into Spring Festival 2027 (override table)', rule: 'discipline.acceptance_notice', start: '2027-01-25T10:00:00+08:00', calendar: cal2027, due: '2027-02-20' },
  // The same without it: weekends only — 26–29 Jan, 1–5, 8–12 Feb (14), Mon 15 Feb (15) — and flagged.
  { name: 'chapter 4: the same in the weekends-only fallback, flagged for the administrators', rule: 'discipline.acceptance_notice', start: '2027-01-25T10:00:00+08:00', due: '2027-02-15', uncoveredYear: 2027 },
];

describe('纪检监察机关处理检举控告工作规则: the discipline body’s working-day clocks', () => {
  it.each(cases)('$name → $due', ({ rule, start, calendar, due, uncoveredYear }) => {
    const deadline = dueFrom(calendar ?? cal, rule, new Date(start));
    expect(deadline.due).toBe(due);
    expect(deadline.uncoveredYear).toBe(uncoveredYear);
  });
});
