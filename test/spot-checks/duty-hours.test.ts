import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../src/clocks/index.js';
import { judgeCall, parseDutyHours, withinDutyHours } from '../../src/spot-checks/duty-hours.js';

const calendar = createCalendar();
const isWorkday = (d: string) => calendar.isWorkday(d);
const judge = (at: string, answered: boolean, hours: string | null) => judgeCall(at, answered, hours, isWorkday);

// 2026-03-10 is a Tuesday, 2026-03-14 a Saturday (no make-up working day), 2026-10-01 National Day.
describe('judging a test call against the listed duty hours', () => {
  it('counts an unanswered call at 01:55 against "8:30-17:30" as outside duty hours, not a failure', () => {
    expect(judge('2026-03-10T01:55', false, '8:30-17:30')).toBe('off_duty');
  });

  it('counts an unanswered call at 10:00 against "8:30-17:30" as a failure', () => {
    expect(judge('2026-03-10T10:00', false, '8:30-17:30')).toBe('unanswered');
    expect(judge('2026-03-10T10:00', true, '8:30-17:30')).toBe('answered');
  });

  it('reads 工作日 as the working-day calendar: a Saturday or a holiday is outside, a make-up Saturday inside', () => {
    const hours = '工作日 8:30-11:30, 13:00-17:00';
    expect(judge('2026-03-14T10:00', false, hours)).toBe('off_duty');
    expect(judge('2026-10-01T10:00', false, hours)).toBe('off_duty');
    expect(judge('2026-03-10T10:00', false, hours)).toBe('unanswered');
    expect(judge('2026-03-10T12:15', false, hours)).toBe('off_duty'); // lunch break
    expect(judge('2026-03-10T17:00', false, hours)).toBe('off_duty'); // closed at 17:00
    // 2026-02-28, a Saturday, is a make-up working day (调休) of the Spring Festival.
    expect(isWorkday('2026-02-28')).toBe(true);
    expect(judge('2026-02-28T10:00', false, hours)).toBe('unanswered');
    // "周一至周五" means the days of the week, as written.
    expect(judge('2026-02-28T10:00', false, '周一至周五 8:30-17:00')).toBe('off_duty');
  });

  it('takes "24小时" as always on duty', () => {
    for (const at of ['2026-03-14T01:55', '2026-10-01T23:59', '2026-03-10T00:00']) expect(judge(at, false, '24小时')).toBe('unanswered');
    expect(judge('2026-03-14T03:00', false, '7×24小时值守')).toBe('unanswered');
  });

  it('says "unknown" for hours it cannot read or that were not recorded, instead of guessing', () => {
    expect(judge('2026-03-10T10:00', false, '请咨询办公室')).toBe('hours_unknown');
    expect(judge('2026-03-10T10:00', false, '工作日')).toBe('hours_unknown');
    expect(judge('2026-03-10T10:00', false, null)).toBe('hours_unknown');
    expect(judge('2026-03-10T10:00', true, '请咨询办公室')).toBe('answered');
  });
});

describe('parseDutyHours', () => {
  it('reads the common forms', () => {
    expect(parseDutyHours('工作日 8:30–11:30，13:00–16:30')).toEqual([
      { days: 'workdays', from: 510, to: 690 },
      { days: 'workdays', from: 780, to: 990 },
    ]);
    expect(parseDutyHours('工作日 8:30—11:30，13:00—17:00')).toHaveLength(2);
    expect(parseDutyHours('周一至周五 上午8:30-11:30 下午1:30-5:00')).toEqual([
      { days: [1, 2, 3, 4, 5], from: 510, to: 690 },
      { days: [1, 2, 3, 4, 5], from: 810, to: 1020 },
    ]);
    expect(parseDutyHours('每天 8点-20点')).toEqual([{ days: 'every', from: 480, to: 1200 }]);
    expect(parseDutyHours('８：３０～１７：３０')).toEqual([{ days: 'every', from: 510, to: 1050 }]);
    expect(parseDutyHours('24小时')).toEqual([{ days: 'every', from: 0, to: 1440 }]);
    expect(parseDutyHours('工作日 8:30-17:00（节假日除外）')).toEqual([{ days: 'workdays', from: 510, to: 1020 }]);
    expect(parseDutyHours('工作日 8:30-17:00；周六 9:00-12:00')).toEqual([
      { days: 'workdays', from: 510, to: 1020 },
      { days: [6], from: 540, to: 720 },
    ]);
  });

  it('gives up on anything else', () => {
    for (const text of ['', '工作时间', '8:30', '8:30-17:30 周六 9:00-12:00', '25:00-26:00', '9:00-9:00', '节假日 9:00-12:00', '周五至周一 9:00-17:00']) {
      expect(parseDutyHours(text), text).toBeNull();
    }
  });

  it('handles a night shift past midnight', () => {
    const night = parseDutyHours('每天 17:00-8:30')!;
    expect(withinDutyHours(night, '2026-03-10T01:55', isWorkday)).toBe(true);
    expect(withinDutyHours(night, '2026-03-10T12:00', isWorkday)).toBe(false);
    expect(withinDutyHours(night, '2026-03-10T22:00', isWorkday)).toBe(true);
  });
});
