import { describe, expect, it } from 'vitest';
import { caseQuartersOf, periodOf, submitterLevel, tasksForYear } from '../../src/reporting/catalog.js';
import { stateOf } from '../../src/reporting/service.js';
import type { Submission, Task } from '../../src/reporting/repository.js';

describe('reporting tasks and their deadlines (notice 三(二))', () => {
  it("creates the year's seven tasks with the notice's dates, in due order", () => {
    const tasks = tasksForYear(2026);
    const due = Object.fromEntries(tasks.map((t) => [`${t.kind}${t.quarter ?? ''}`, t.dueOn]));
    expect(due).toEqual({
      plan: '2026-04-20', // 各地要在4月20日前，上报……实施方案
      county_summary: '2026-11-30', // 11月底前，各县（市、区）……上报所属市（州）
      city_summary: '2026-12-10', // 各市（州）……于12月10日前报省厅
      // Quarterly collection: 10 days after each quarter ends (our rule; the notice sets no day).
      quarterly_cases1: '2026-04-10',
      quarterly_cases2: '2026-07-10',
      quarterly_cases3: '2026-10-10',
      quarterly_cases4: '2027-01-10',
    });
    expect(tasks.map((t) => t.dueOn)).toEqual([...tasks.map((t) => t.dueOn)].sort());
    expect(tasks.find((t) => t.kind === 'county_summary')!.title).toContain('2026年');
    expect(tasks.find((t) => t.quarter === 3)!.title).toContain('第三季度');
  });

  it('knows the end of November and of a leap February', () => {
    expect(tasksForYear(2028).find((t) => t.kind === 'county_summary')!.dueOn).toBe('2028-11-30');
    expect(periodOf({ year: 2028, quarter: 1 })).toEqual({ from: '2028-01-01', to: '2028-03-31' });
    expect(periodOf({ year: 2026, quarter: 2 })).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(periodOf({ year: 2026, quarter: null })).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(caseQuartersOf({ year: 2026, quarter: null })).toEqual(['2026Q1', '2026Q2', '2026Q3', '2026Q4']);
    expect(caseQuartersOf({ year: 2026, quarter: 4 })).toEqual(['2026Q4']);
  });

  it('has counties submit plans, annual summaries and quarterly cases, and cities their summary', () => {
    expect(submitterLevel('plan')).toBe('county');
    expect(submitterLevel('county_summary')).toBe('county');
    expect(submitterLevel('quarterly_cases')).toBe('county');
    expect(submitterLevel('city_summary')).toBe('prefecture');
  });

  it('shows a task as overdue once its due date has passed unsubmitted, and a late submission as late', () => {
    const task = { id: 1, kind: 'plan', year: 2026, quarter: null, dueOn: '2026-04-20', title: 'x', createdBy: null, createdAt: 0 } satisfies Task;
    const draft = { id: 1, taskId: 1, unitId: 1, status: 'draft', basic: '写了一点', practices: '', problems: '', suggestions: '', statistics: null, submittedAt: null, remindedAt: null, updatedBy: 1, updatedAt: 0 } satisfies Submission;
    expect(stateOf(task, undefined, '2026-04-20').status).toBe('not_started');
    expect(stateOf(task, draft, '2026-04-20').status).toBe('draft');
    expect(stateOf(task, undefined, '2026-04-21').status).toBe('overdue');
    expect(stateOf(task, draft, '2026-04-21')).toMatchObject({ status: 'overdue', started: true });
    const onTime = { ...draft, status: 'submitted', submittedAt: Date.parse('2026-04-20T23:30:00+08:00') };
    expect(stateOf(task, onTime, '2026-05-01')).toEqual({ status: 'submitted', late: false, started: true });
    const late = { ...draft, status: 'submitted', submittedAt: Date.parse('2026-04-21T00:10:00+08:00') };
    expect(stateOf(task, late, '2026-05-01')).toEqual({ status: 'submitted', late: true, started: true });
  });
});
