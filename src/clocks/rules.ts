// The legal deadlines (DESIGN.md §3, "Legal clocks"), as data: defaults from the texts below,
// amounts configurable. "日" is a calendar-day period, "工作日" a working-day period.
import type { Calendar } from './calendar.js';
import { addDays, toCstDate, yearOf, type DateInput, type IsoDate } from './dates.js';

export type PeriodUnit = 'calendar' | 'working';

export interface ClockRule {
  id: RuleId;
  amount: number;
  unit: PeriodUnit;
  /** The article the rule comes from, shown to staff next to the deadline. */
  basis: string;
  /** The event the period runs from (the start date passed to computeDeadline). */
  startsAt: string;
}

const XF = '信访工作条例（2022）';
const JJ = '纪检监察机关处理检举控告工作规则（2020）';

export const DEFAULT_RULES = {
  // 第二十二条 (信访部门: 15日内 register and route) and 第二十三条第二款、第三款 (any other unit,
  // a civil-affairs bureau included: tell the reporter in writing within 15日 of receipt).
  'xinfang.register': { amount: 15, unit: 'calendar', basis: `${XF}第二十二条、第二十三条`, startsAt: 'receipt' },
  // 第二十三条第三款: an assignee that is not competent objects within 5个工作日 of receipt.
  'xinfang.assignment_objection': { amount: 5, unit: 'working', basis: `${XF}第二十三条第三款`, startsAt: 'assignment received' },
  // 第三十四条, for matters under 第三十一条第六项 (the civil-affairs requests and complaints):
  // finished within 60日 of acceptance.
  'xinfang.handling': { amount: 60, unit: 'calendar', basis: `${XF}第三十四条（第三十一条第六项）`, startsAt: 'acceptance' },
  // 第三十四条: one extension of at most 30日, approved by the unit's head, reason told to the
  // reporter. Counted from the handling period's due date; the amount is the ceiling.
  'xinfang.handling_extension': { amount: 30, unit: 'calendar', basis: `${XF}第三十四条`, startsAt: 'handling due date' },
  // 第三十五条: the reporter asks for a review within 30日 of receiving the written answer (for an
  // anonymous reporter: first opening it with the query code, DESIGN.md §3) …
  'xinfang.review_request': { amount: 30, unit: 'calendar', basis: `${XF}第三十五条`, startsAt: 'answer received' },
  // … and the level above answers within 30日 of receiving the request.
  'xinfang.review_answer': { amount: 30, unit: 'calendar', basis: `${XF}第三十五条`, startsAt: 'review request received' },
  // 第三十六条: likewise for the re-review, one level higher; a hearing's time is not counted (a pause).
  'xinfang.rereview_request': { amount: 30, unit: 'calendar', basis: `${XF}第三十六条`, startsAt: 'review answer received' },
  'xinfang.rereview_answer': { amount: 30, unit: 'calendar', basis: `${XF}第三十六条`, startsAt: 're-review request received' },
  // 第十五条 (to the level above) and 第十六条 (the level below registers and accepts or passes it
  // on): 5个工作日 of receipt. For the misconduct part once referred (信访工作条例 第三十条).
  'discipline.forward': { amount: 5, unit: 'working', basis: `${JJ}第十五条、第十六条`, startsAt: 'referral received' },
  // 第四章 (实名检举控告的处理): a real-name reporter is told of acceptance within 15个工作日 of
  // receipt …
  'discipline.acceptance_notice': { amount: 15, unit: 'working', basis: `${JJ}第四章 实名检举控告的处理`, startsAt: 'referral received' },
  // … and of the result within 15个工作日 of closing.
  'discipline.result_notice': { amount: 15, unit: 'working', basis: `${JJ}第四章 实名检举控告的处理`, startsAt: 'case closed' },
} as const satisfies Record<string, Omit<ClockRule, 'id'>>;

export type RuleId = keyof typeof DEFAULT_RULES;
export type RuleTable = Readonly<Record<RuleId, ClockRule>>;
export const RULE_IDS = Object.keys(DEFAULT_RULES) as RuleId[];

/** Operator changes to the defaults, e.g. from configuration; the basis stays the law's. */
export type RuleOverrides = Partial<Record<RuleId, { amount?: number; unit?: PeriodUnit }>>;

/** The rule table with overrides applied; throws RangeError on an unknown id or a bad amount. */
export function ruleTable(overrides: RuleOverrides = {}): RuleTable {
  for (const id of Object.keys(overrides)) {
    if (!(RULE_IDS as string[]).includes(id)) throw new RangeError(`unknown clock rule "${id}"`);
  }
  const entries = RULE_IDS.map((id): [RuleId, ClockRule] => {
    const change = overrides[id] ?? {};
    const amount = change.amount ?? DEFAULT_RULES[id].amount;
    const unit = change.unit ?? DEFAULT_RULES[id].unit;
    if (!Number.isInteger(amount) || amount < 1 || amount > 366) throw new RangeError(`clock rule ${id}: amount must be a whole number 1–366, got ${amount}`);
    if (unit !== 'calendar' && unit !== 'working') throw new RangeError(`clock rule ${id}: unit must be calendar or working`);
    return [id, { ...DEFAULT_RULES[id], id, amount, unit }];
  });
  return Object.freeze(Object.fromEntries(entries) as Record<RuleId, ClockRule>);
}

/**
 * Parses the configuration form "id=amount[d|wd], …", e.g. "xinfang.handling=45d,discipline.forward=3wd"
 * ('d' calendar days, 'wd' working days, no suffix keeps the unit).
 */
export function parseRuleOverrides(spec: string): RuleOverrides {
  const overrides: RuleOverrides = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z_.]+)\s*=\s*(\d+)\s*(d|wd)?$/.exec(part);
    if (!m) throw new RangeError(`clock rule override "${part}" is not id=amount[d|wd]`);
    const id = m[1] as RuleId;
    if (!RULE_IDS.includes(id)) throw new RangeError(`unknown clock rule "${m[1]}"`);
    overrides[id] = { amount: Number(m[2]), ...(m[3] ? { unit: m[3] === 'wd' ? 'working' : 'calendar' } : {}) };
  }
  return overrides;
}

/**
 * The periods that are the public's own windows (the reporter asks for a review or re-review
 * within 30日): a deployment may not change them, because a shorter window would take away a right
 * the law gives. Every other period binds an office, which a province may hold to a stricter
 * (shorter) period, never a longer one, and in the law's unit.
 */
export const PUBLIC_WINDOWS: readonly RuleId[] = ['xinfang.review_request', 'xinfang.rereview_request'];

/** What is wrong with a deployment's overrides (SUNSHINE_CLOCK_RULES), in words for its operator; empty when none. */
export function overrideProblems(overrides: RuleOverrides): string[] {
  const problems: string[] = [];
  for (const [id, change] of Object.entries(overrides) as [RuleId, { amount?: number; unit?: PeriodUnit }][]) {
    const law = DEFAULT_RULES[id];
    if (PUBLIC_WINDOWS.includes(id)) {
      problems.push(`${id} is the reporter's own window (${law.basis}) and cannot be changed`);
      continue;
    }
    if (change.unit !== undefined && change.unit !== law.unit) problems.push(`${id} is counted in ${law.unit === 'working' ? 'working days (wd)' : 'calendar days (d)'} by ${law.basis}; keep its unit`);
    if (change.amount !== undefined && change.amount > law.amount) problems.push(`${id} may be shortened, not lengthened: ${law.basis} allows at most ${law.amount}`);
  }
  return problems;
}

let active: RuleTable = ruleTable();

/**
 * Sets the deployment's rule table (SUNSHINE_CLOCK_RULES, checked by overrideProblems at start).
 * Process-wide on purpose: the periods are one province's policy, the same for every request.
 */
export function useRules(overrides: RuleOverrides = {}): RuleTable {
  active = ruleTable(overrides);
  return active;
}

/** The rule table in force: the defaults, or the deployment's stricter periods. */
export function activeRules(): RuleTable {
  return active;
}

export interface Deadline {
  /** The last day on which the act is in time (until 24:00 China time, 民法典第二百零三条第二款). */
  due: IsoDate;
  /** Set when the due date depended on a year without a holiday calendar (weekends only). */
  uncoveredYear?: number;
}

/** Days a clock stood still: from (exclusive) to `to` (inclusive), see state.ts. */
export interface Stretch {
  from: IsoDate;
  to: IsoDate;
}

/**
 * The due date of a period that starts on `start`.
 *
 * Counting follows the general rule of Chinese law for periods (民法典第二百零一条; 民事诉讼法
 * 期间条款, 2021年修正本第八十五条), which the 信访工作条例 does not displace:
 * - the start day is not counted: the period runs from the next day (期间开始的日不计算在内), so
 *   15日 from 2026-03-02 ends on 2026-03-17; n 工作日 is the n-th working day after the start day;
 * - if the last day of a calendar-day period is a 法定休假日, the period ends on the first working
 *   day after it (民法典第二百零三条第一款). 法定休假日 is read, as the courts read it, as every
 *   day off — weekends and public holidays — and a make-up workday (调休上班) is not one.
 * Days inside `paused` stretches are not counted at all (the clock stood still).
 */
export function computeDeadline(
  rule: Pick<ClockRule, 'amount' | 'unit'>,
  start: DateInput,
  calendar: Calendar,
  paused: readonly Stretch[] = [],
): Deadline {
  if (!Number.isInteger(rule.amount) || rule.amount < 0) throw new RangeError(`period must be a whole number of days ≥ 0, got ${rule.amount}`);
  let uncoveredYear: number | undefined;
  const isWorkday = (date: IsoDate) => {
    const year = yearOf(date);
    if (uncoveredYear === undefined && !calendar.covers(year)) uncoveredYear = year;
    return calendar.isWorkday(date);
  };
  const isPaused = (date: IsoDate) => paused.some((p) => p.from < date && date <= p.to);

  let day = toCstDate(start);
  for (let left = rule.amount; left > 0; ) {
    day = addDays(day, 1);
    if (isPaused(day) || (rule.unit === 'working' && !isWorkday(day))) continue;
    left -= 1;
  }
  if (rule.unit === 'calendar') while (!isWorkday(day)) day = addDays(day, 1);
  return uncoveredYear === undefined ? { due: day } : { due: day, uncoveredYear };
}
