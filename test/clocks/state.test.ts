import { describe, expect, it } from 'vitest';
import { clockDue, clockState, clockStatus, createCalendar, ruleTable, type Clock, type Pause } from '../../src/clocks/index.js';

const cal = createCalendar();
const rules = ruleTable();

describe('clockState', () => {
  it('is on time, due soon within soonDays (the due day included), then overdue', () => {
    expect(clockState('2026-10-08', '2026-10-01')).toBe('on_time');
    expect(clockState('2026-10-08', '2026-10-04')).toBe('on_time');
    expect(clockState('2026-10-08', '2026-10-05')).toBe('due_soon');
    expect(clockState('2026-10-08', '2026-10-08')).toBe('due_soon');
    expect(clockState('2026-10-08', '2026-10-09')).toBe('overdue');
    expect(clockState('2026-10-08', '2026-10-07', { soonDays: 0 })).toBe('on_time');
    expect(clockState('2026-10-08', '2026-10-08', { soonDays: 0 })).toBe('due_soon');
    expect(() => clockState('2026-10-08', '2026-10-01', { soonDays: -1 })).toThrow(RangeError);
  });

  it('ends the due day at midnight China time', () => {
    expect(clockState('2026-10-08', new Date('2026-10-08T15:59:59Z'))).toBe('due_soon'); // 23:59:59 in Beijing
    expect(clockState('2026-10-08', new Date('2026-10-08T16:00:00Z'))).toBe('overdue'); // 00:00 on the 9th
  });
});

describe('pauses (DESIGN.md §3: referred or transferred)', () => {
  // Accepted Monday 2 March 2026: 60日 end on 1 May (劳动节 1–5 May), so due Wednesday 6 May.
  const handling = (pauses: Pause[]): Clock => ({ startedOn: '2026-03-02', rule: rules['xinfang.handling'], pauses });
  const now = '2026-04-01';

  it('without pauses is the plain deadline', () => {
    expect(clockDue(handling([]), cal, now)).toEqual({ due: '2026-05-06', pausedDays: 0, paused: false });
  });

  it('shifts the period by the paused calendar days, then applies the holiday rule afresh', () => {
    // Referred 10 March, back 20 March: 10 days. 1 May + 10 = Monday 11 May, a working day; not
    // 6 May + 10 (16 May, a Saturday), which would count the holiday extension twice.
    expect(clockDue(handling([{ from: '2026-03-10', to: '2026-03-20' }]), cal, now)).toEqual({ due: '2026-05-11', pausedDays: 10, paused: false });
  });

  it('costs nothing for a same-day return, and counts overlapping pauses once', () => {
    expect(clockDue(handling([{ from: '2026-03-10', to: '2026-03-10' }]), cal, now)).toMatchObject({ due: '2026-05-06', pausedDays: 0 });
    const overlapping = handling([
      { from: '2026-03-15', to: '2026-03-25' },
      { from: '2026-03-10', to: '2026-03-20' },
    ]);
    // 15 days: 1 May + 15 = Saturday 16 May → Monday 18 May.
    expect(clockDue(overlapping, cal, now)).toEqual({ due: '2026-05-18', pausedDays: 15, paused: false });
    const twice = handling([
      { from: '2026-03-10', to: '2026-03-13' },
      { from: '2026-04-01', to: '2026-04-05' },
    ]);
    expect(clockDue(twice, cal, '2026-04-10')).toEqual({ due: '2026-05-08', pausedDays: 7, paused: false });
  });

  it('keeps moving while a pause is open, and reports the clock as paused', () => {
    const away = handling([{ from: '2026-03-10', to: null }]);
    expect(clockDue(away, cal, '2026-03-17')).toEqual({ due: '2026-05-08', pausedDays: 7, paused: true });
    expect(clockDue(away, cal, '2026-03-20')).toEqual({ due: '2026-05-11', pausedDays: 10, paused: true });
    expect(clockStatus(away, cal, '2026-05-20').state).toBe('paused');
  });

  it('does not revive a clock that had already run out', () => {
    const late = handling([{ from: '2026-05-10', to: '2026-05-20' }]);
    expect(clockDue(late, cal, '2026-05-21')).toEqual({ due: '2026-05-06', pausedDays: 0, paused: false });
    expect(clockStatus(late, cal, '2026-05-21').state).toBe('overdue');
  });

  it('never hands a report back already overdue', () => {
    // Referred on its last day, back on Saturday 16 May: due Monday 18 May.
    expect(clockDue(handling([{ from: '2026-05-06', to: '2026-05-16' }]), cal, '2026-05-16')).toEqual({ due: '2026-05-18', pausedDays: 10, paused: false });
    // Referred during the holiday days that extended the period, back Thursday 7 May.
    expect(clockDue(handling([{ from: '2026-05-03', to: '2026-05-07' }]), cal, '2026-05-07')).toEqual({ due: '2026-05-07', pausedDays: 4, paused: false });
  });

  it('ignores the part of a pause before the clock started, and rejects a pause that ends before it starts', () => {
    expect(clockDue(handling([{ from: '2026-02-25', to: '2026-03-12' }]), cal, now)).toMatchObject({ due: '2026-05-11', pausedDays: 10 });
    expect(() => clockDue(handling([{ from: '2026-03-12', to: '2026-03-10' }]), cal, now)).toThrow(RangeError);
  });

  it('skips paused working days in a working-day period', () => {
    // 5 工作日 from Monday 28 Sep: away from 29 Sep (which still counts) to 9 Oct; then 10 (Sat,
    // worked), 12, 13, 14 October.
    const clock: Clock = { startedOn: '2026-09-28', rule: rules['discipline.forward'], pauses: [{ from: '2026-09-29', to: '2026-10-09' }] };
    expect(clockDue(clock, cal, '2026-10-09')).toEqual({ due: '2026-10-14', pausedDays: 10, paused: false });
  });

  it('carries the warning when a pause pushes the due date into a year without a calendar', () => {
    const clock: Clock = { startedOn: '2026-11-01', rule: rules['xinfang.handling'], pauses: [] };
    expect(clockDue(clock, cal, '2026-11-02')).toEqual({ due: '2026-12-31', pausedDays: 0, paused: false });
    const paused = { ...clock, pauses: [{ from: '2026-11-10', to: '2026-11-20' }] };
    // 31 Dec + 10 = Sunday 10 Jan 2027 → Monday 11 Jan, weekends only.
    expect(clockDue(paused, cal, '2026-11-21')).toEqual({ due: '2027-01-11', pausedDays: 10, paused: false, uncoveredYear: 2027 });
  });

  it('gives the state of a running clock', () => {
    const clock = handling([{ from: '2026-03-10', to: '2026-03-20' }]);
    expect(clockStatus(clock, cal, '2026-05-01')).toMatchObject({ due: '2026-05-11', state: 'on_time' });
    expect(clockStatus(clock, cal, '2026-05-08')).toMatchObject({ state: 'due_soon' });
    expect(clockStatus(clock, cal, new Date('2026-05-11T16:00:00Z'))).toMatchObject({ state: 'overdue' });
  });
});
