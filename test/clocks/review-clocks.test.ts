// The review and re-review answer clocks (信访工作条例第三十五条第一款, 第三十六条): 30日 from the
// request; a re-review hearing's days are not counted (第三十六条第二款 "听证所需时间不计算在前款
// 规定的期限内"), added back in the rule's unit; a review (level 1) has no such pause.
//
// Counting (民法典第二百零一条、第二百零三条): the day of the request is not counted; a pause from F
// to T stops the clock on the days after F up to T; a last day that is a day off moves to the next
// working day (a make-up Saturday such as 2026-10-10 is a working day).
import { describe, expect, it } from 'vitest';
import { clockDue, createCalendar, reviewAnswerClockOf, type ClockEvent } from '../../src/clocks/index.js';

const cal = createCalendar();
const at = (local: string) => new Date(`${local}+08:00`).getTime();
const ev = (type: string, local: string): ClockEvent => ({ type, at: at(local), data: null });

const cases: { name: string; level: 1 | 2; events: ClockEvent[]; now: string; due: string; paused?: boolean }[] = [
  // Thu 10 Sep + 30 = Sat 10 Oct, a make-up working day: it stays.
  { name: 'art. 36: re-review, no hearing, ending on a make-up Saturday', level: 2, events: [ev('review_requested', '2026-09-10T10:00:00')], now: '2026-09-11', due: '2026-10-10' },
  // Hearing 20 → 25 Sep: 5 days not counted; 11–20 Sep (10), 26–30 Sep (15), 1–15 Oct (30) → Thu 15 Oct.
  { name: 'art. 36(2): a hearing of five days moves the due date five days', level: 2, events: [ev('review_requested', '2026-09-10T10:00:00'), ev('hearing_started', '2026-09-20T09:00:00'), ev('hearing_ended', '2026-09-25T17:00:00')], now: '2026-09-26', due: '2026-10-15' },
  // Tue 1 Sep + 30 = 1 Oct, 国庆节 → Thu 8 Oct without a hearing; with one 28 Sep → 9 Oct (11 days):
  // 2–28 Sep (27), 10–12 Oct (30) → Mon 12 Oct.
  { name: 'art. 36(2): a hearing across National Day', level: 2, events: [ev('review_requested', '2026-09-01T10:00:00'), ev('hearing_started', '2026-09-28T09:00:00'), ev('hearing_ended', '2026-10-09T11:00:00')], now: '2026-10-09', due: '2026-10-12' },
  { name: 'art. 36: the same re-review without the hearing', level: 2, events: [ev('review_requested', '2026-09-01T10:00:00')], now: '2026-09-02', due: '2026-10-08' },
  // A hearing still under way: the clock stands still (the date shown assumes it ends today).
  { name: 'art. 36(2): a hearing under way pauses the clock', level: 2, events: [ev('review_requested', '2026-09-10T10:00:00'), ev('hearing_started', '2026-09-20T09:00:00')], now: '2026-09-25', due: '2026-10-15', paused: true },
  // A review (level 1, art. 35) counts every day: a hearing recorded there does not stop it.
  { name: 'art. 35: a review is not paused by a hearing', level: 1, events: [ev('review_requested', '2026-09-10T10:00:00'), ev('hearing_started', '2026-09-20T09:00:00'), ev('hearing_ended', '2026-09-25T17:00:00')], now: '2026-09-26', due: '2026-10-10' },
  // The latest request counts: a re-review asked after the review starts its own 30日.
  { name: 'art. 36: the clock runs from the latest request', level: 2, events: [ev('review_requested', '2026-06-01T10:00:00'), ev('hearing_started', '2026-06-05T09:00:00'), ev('review_requested', '2026-09-10T10:00:00')], now: '2026-09-11', due: '2026-10-10' },
];

describe('信访工作条例第三十五条、第三十六条: the review answer clocks', () => {
  it.each(cases)('$name → $due', ({ level, events, now, due, paused }) => {
    const clock = reviewAnswerClockOf(level, events)!;
    const result = clockDue(clock, cal, new Date(`${now}T12:00:00+08:00`));
    expect(result.due).toBe(due);
    expect(result.paused).toBe(paused ?? false);
  });

  it('has no clock before a request', () => {
    expect(reviewAnswerClockOf(2, [ev('answer', '2026-09-01T10:00:00')])).toBeNull();
  });
});
