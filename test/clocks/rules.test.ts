import { describe, expect, it } from 'vitest';
import { computeDeadline, createCalendar, DEFAULT_RULES, parseRuleOverrides, RULE_IDS, ruleTable } from '../../src/clocks/index.js';
import { addDays } from '../../src/clocks/dates.js';

const cal = createCalendar();
const rules = ruleTable();
const days = (amount: number) => ({ amount, unit: 'calendar' as const });

describe('the rule table', () => {
  it('has the deadlines of DESIGN.md §3 with their articles', () => {
    const summary = Object.fromEntries(RULE_IDS.map((id) => [id, `${rules[id].amount} ${rules[id].unit}`]));
    expect(summary).toEqual({
      'xinfang.register': '15 calendar',
      'xinfang.assignment_objection': '5 working',
      'xinfang.handling': '60 calendar',
      'xinfang.handling_extension': '30 calendar',
      'xinfang.review_request': '30 calendar',
      'xinfang.review_answer': '30 calendar',
      'xinfang.rereview_request': '30 calendar',
      'xinfang.rereview_answer': '30 calendar',
      'discipline.forward': '5 working',
      'discipline.acceptance_notice': '15 working',
      'discipline.result_notice': '15 working',
    });
    for (const id of RULE_IDS) {
      expect(rules[id].id).toBe(id);
      expect(rules[id].basis).toMatch(/^(信访工作条例|纪检监察机关处理检举控告工作规则)（20(22|20)）第/);
    }
    expect(rules['xinfang.assignment_objection'].basis).toContain('第二十三条');
    expect(rules['xinfang.handling'].basis).toContain('第三十四条');
    expect(rules['xinfang.rereview_answer'].basis).toContain('第三十六条');
  });

  it('takes amounts from configuration, keeping the basis', () => {
    const table = ruleTable({ 'xinfang.handling': { amount: 45 }, 'discipline.forward': { amount: 3, unit: 'calendar' } });
    expect(table['xinfang.handling']).toMatchObject({ amount: 45, unit: 'calendar', basis: DEFAULT_RULES['xinfang.handling'].basis });
    expect(table['discipline.forward']).toMatchObject({ amount: 3, unit: 'calendar' });
    expect(table['xinfang.register'].amount).toBe(15);
    expect(rules['xinfang.handling'].amount).toBe(60); // the defaults are untouched
    expect(() => ruleTable({ 'xinfang.handling': { amount: 0 } })).toThrow(RangeError);
    expect(() => ruleTable({ 'xinfang.handling': { amount: 2.5 } })).toThrow(RangeError);
    expect(() => ruleTable({ 'no.such': { amount: 5 } } as never)).toThrow(/unknown clock rule/);
  });

  it('parses the configuration form id=amount[d|wd]', () => {
    expect(parseRuleOverrides('xinfang.handling=45d, discipline.forward=3wd,xinfang.register=10')).toEqual({
      'xinfang.handling': { amount: 45, unit: 'calendar' },
      'discipline.forward': { amount: 3, unit: 'working' },
      'xinfang.register': { amount: 10 },
    });
    expect(parseRuleOverrides('')).toEqual({});
    expect(() => parseRuleOverrides('xinfang.handling=sixty')).toThrow(RangeError);
    expect(() => parseRuleOverrides('xinfang.nothing=5')).toThrow(/unknown clock rule/);
  });
});

describe('counting a period (民法典第二百零一条、第二百零三条)', () => {
  it('does not count the start day', () => {
    // 15日 from Monday 2 March 2026: 3 March is day 1, 17 March (a Tuesday) day 15.
    expect(computeDeadline(rules['xinfang.register'], '2026-03-02', cal)).toEqual({ due: '2026-03-17' });
    expect(computeDeadline(rules['xinfang.review_request'], '2026-01-05', cal)).toEqual({ due: '2026-02-04' });
    // 5 工作日 from Monday 2 March: Tue 3 … Mon 9.
    expect(computeDeadline(rules['xinfang.assignment_objection'], '2026-03-02', cal)).toEqual({ due: '2026-03-09' });
  });

  it('moves a calendar-day period that ends on a day off to the next working day', () => {
    // Ends on Saturday 21 March → Monday 23 March.
    expect(computeDeadline(days(15), '2026-03-06', cal)).toEqual({ due: '2026-03-23' });
    // Ends on 1 October (国庆) → Thursday 8 October, the first working day after the holiday.
    expect(computeDeadline(rules['xinfang.register'], '2026-09-16', cal)).toEqual({ due: '2026-10-08' });
    // 60日 from acceptance on 2 August also ends on 1 October.
    expect(computeDeadline(rules['xinfang.handling'], '2026-08-02', cal)).toEqual({ due: '2026-10-08' });
    // Ends on 16 February (春节) → Tuesday 24 February.
    expect(computeDeadline(days(15), '2026-02-01', cal)).toEqual({ due: '2026-02-24' });
    // Ends on 1 May (劳动节 1–5 May) → Wednesday 6 May.
    expect(computeDeadline(rules['xinfang.handling'], '2026-03-02', cal)).toEqual({ due: '2026-05-06' });
  });

  it('does not move a period that ends on a make-up workday (调休上班)', () => {
    expect(computeDeadline(days(15), '2026-02-13', cal)).toEqual({ due: '2026-02-28' }); // Saturday, worked
    expect(computeDeadline(days(15), '2026-09-05', cal)).toEqual({ due: '2026-09-20' }); // Sunday, worked
  });

  it('counts working-day periods in working days, make-up days included', () => {
    expect(computeDeadline(rules['discipline.forward'], '2026-09-28', cal)).toEqual({ due: '2026-10-10' });
    // Fri 25 Sep: 28, 29, 30, 8, 9, 10 (Sat, worked), 12–16, 19–22.
    expect(computeDeadline(rules['discipline.acceptance_notice'], '2026-09-25', cal)).toEqual({ due: '2026-10-22' });
    // Starting on a holiday: 24–28 February (the 28th worked), 2–6 March, 9–13 March.
    expect(computeDeadline(rules['discipline.result_notice'], '2026-02-16', cal)).toEqual({ due: '2026-03-13' });
    expect(computeDeadline({ amount: 5, unit: 'working' }, '2026-02-16', cal)).toEqual({ due: '2026-02-28' });
  });

  it('agrees with the calendar for every start date of 2026', () => {
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      expect(computeDeadline({ amount: 5, unit: 'working' }, d, cal).due).toBe(cal.addWorkingDays(d, 5).date);
      expect(computeDeadline(days(15), d, cal).due).toBe(cal.nextWorkdayFrom(cal.addCalendarDays(d, 15)).date);
    }
  });

  it('flags a due date that depended on a year without a calendar', () => {
    expect(computeDeadline(rules['xinfang.handling'], '2026-11-20', cal)).toEqual({ due: '2027-01-19', uncoveredYear: 2027 });
    // Ends on Saturday 2 January 2027 → Monday 4 January, weekends only.
    expect(computeDeadline(days(15), '2026-12-18', cal)).toEqual({ due: '2027-01-04', uncoveredYear: 2027 });
    expect(computeDeadline(rules['discipline.forward'], '2026-12-28', cal)).toEqual({ due: '2027-01-04', uncoveredYear: 2027 });
    // Inside 2026 there is nothing to warn about.
    expect(computeDeadline(days(15), '2026-12-01', cal)).toEqual({ due: '2026-12-16' });
  });

  it('uses the operator table for such a year', () => {
    const withNewYear = createCalendar([
      { date: '2027-01-01', kind: 'holiday', note: '元旦' },
      { date: '2027-01-04', kind: 'holiday', note: 'test' },
    ]);
    // 15日 from 17 Dec ends on 1 Jan 2027: a holiday by the table → Tuesday 5 January.
    expect(computeDeadline(days(15), '2026-12-17', withNewYear)).toEqual({ due: '2027-01-05', uncoveredYear: 2027 });
    expect(computeDeadline(days(15), '2026-12-17', cal)).toEqual({ due: '2027-01-01', uncoveredYear: 2027 });
    const declared = createCalendar([{ date: '2027-01-01', kind: 'holiday' }], [2027]);
    expect(computeDeadline(days(15), '2026-12-17', declared)).toEqual({ due: '2027-01-04' });
  });
});

describe('the province’s stricter periods (SUNSHINE_CLOCK_RULES, issue 18)', () => {
  it('shortens an office’s period for every deadline computed after start, and the defaults come back', async () => {
    const { loadConfig } = await import('../../src/config.js');
    const { useRules, activeRules, dueFrom, createCalendar } = await import('../../src/clocks/index.js');
    const config = loadConfig({ SUNSHINE_CLOCK_RULES: 'xinfang.register=10d, discipline.forward=3wd' });
    expect(config.clockRules).toEqual({ 'xinfang.register': { amount: 10, unit: 'calendar' }, 'discipline.forward': { amount: 3, unit: 'working' } });
    try {
      useRules(config.clockRules);
      // 10日 from Monday 2026-03-02: 2026-03-12 (a Thursday); 3 working days: Thursday 2026-03-05.
      expect(dueFrom(createCalendar(), 'xinfang.register', '2026-03-02').due).toBe('2026-03-12');
      expect(dueFrom(createCalendar(), 'discipline.forward', '2026-03-02').due).toBe('2026-03-05');
      expect(activeRules()['xinfang.handling'].amount).toBe(60);
    } finally {
      useRules();
    }
    expect(dueFrom(createCalendar(), 'xinfang.register', '2026-03-02').due).toBe('2026-03-17');
  });

  it('refuses at start a longer period, another unit, or a change to the reporter’s own review window, saying why', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({ SUNSHINE_CLOCK_RULES: 'xinfang.handling=90d' })).toThrow(/xinfang.handling may be shortened, not lengthened: .*第三十四条.* at most 60/);
    expect(() => loadConfig({ SUNSHINE_CLOCK_RULES: 'discipline.forward=5d' })).toThrow(/discipline.forward is counted in working days \(wd\)/);
    expect(() => loadConfig({ SUNSHINE_CLOCK_RULES: 'xinfang.review_request=15d' })).toThrow(/reporter's own window .*第三十五条.* cannot be changed/);
    expect(() => loadConfig({ SUNSHINE_CLOCK_RULES: 'xinfang.handling=sixty' })).toThrow(/SUNSHINE_CLOCK_RULES .*not id=amount\[d\|wd\]/);
    expect(loadConfig({}).clockRules).toEqual({});
  });
});
