// Reporting tasks and their deadlines, from the provincial notice (吉林省民政厅 2020-04-01,
// reference/jilin-2020-rural-dibao-governance-notice.txt, section 三(二) 强化项目推进):
//   "各地要在4月20日前，上报当地农村低保专项治理实施方案"                → plan, due 20 April;
//   "11月底前，各县（市、区）要将……全年总体实施情况（包括基本情况、典型做法、存在问题、
//    意见建议等）上报所属市（州）"                                          → county_summary, due 30 November;
//   "各市（州）整理汇总后，于12月10日前报省厅社会救助处"                   → city_summary, due 10 December;
//   "省厅将按季度收集……典型案例……按季度进行公开通报"                       → quarterly_cases.
// The notice names no date for the quarterly collection; we set it 10 days after the quarter ends
// (10 April, 10 July, 10 October, 10 January of the next year) so that the province can compile the
// quarter's 通报 in its first month. Change QUARTERLY_GRACE_DAYS to move all four.
import { addDays } from '../clocks/index.js';

export const TASK_KINDS = ['plan', 'county_summary', 'city_summary', 'quarterly_cases'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const SECTIONS = ['basic', 'practices', 'problems', 'suggestions'] as const;
export type Section = (typeof SECTIONS)[number];

/** The Chinese headings of the four parts the notice lists (基本情况、典型做法、存在问题、意见建议). */
export const SECTION_TITLES_ZH: Record<Section, string> = { basic: '基本情况', practices: '典型做法', problems: '存在问题', suggestions: '意见建议' };

export const QUARTERLY_GRACE_DAYS = 10;

/** Who submits a task: county-level civil-affairs units, or prefecture-level ones (incl. 长白山 229900) for the city summary. */
export function submitterLevel(kind: TaskKind): 'county' | 'prefecture' {
  return kind === 'city_summary' ? 'prefecture' : 'county';
}

/** Whether the submission carries the statistics filled in automatically (a plan is written before the year's work). */
export function hasStatistics(kind: TaskKind): boolean {
  return kind !== 'plan';
}

export interface TaskSpec {
  kind: TaskKind;
  year: number;
  quarter: number | null;
  dueOn: string;
  title: string;
}

const QUARTER_ZH = ['一', '二', '三', '四'];

function lastDayOfQuarter(year: number, quarter: number): string {
  const month = quarter * 3; // 3, 6, 9, 12
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The seven tasks of a year with the notice's deadlines, in due order. */
export function tasksForYear(year: number): TaskSpec[] {
  if (!Number.isInteger(year) || year < 2000 || year > 2999) throw new RangeError(`not a year: ${year}`);
  const specs: TaskSpec[] = [
    { kind: 'plan', year, quarter: null, dueOn: `${year}-04-20`, title: `${year}年农村低保专项治理实施方案` },
    { kind: 'county_summary', year, quarter: null, dueOn: `${year}-11-30`, title: `${year}年农村低保专项治理全年总体实施情况（县级）` },
    { kind: 'city_summary', year, quarter: null, dueOn: `${year}-12-10`, title: `${year}年农村低保专项治理工作情况汇总（市州）` },
  ];
  for (let q = 1; q <= 4; q++) {
    specs.push({ kind: 'quarterly_cases', year, quarter: q, dueOn: addDays(lastDayOfQuarter(year, q), QUARTERLY_GRACE_DAYS), title: `${year}年第${QUARTER_ZH[q - 1]}季度农村低保专项治理工作情况和典型案例` });
  }
  return specs.sort((a, b) => a.dueOn.localeCompare(b.dueOn));
}

/** The calendar dates (China time) a task's statistics cover: [from, to], both inclusive. */
export function periodOf(task: { year: number; quarter: number | null }): { from: string; to: string } {
  if (task.quarter) {
    const from = `${task.year}-${String((task.quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
    return { from, to: lastDayOfQuarter(task.year, task.quarter) };
  }
  return { from: `${task.year}-01-01`, to: `${task.year}-12-31` };
}

/** The quarter labels typical cases carry (`2026Q3`) that fall in a task's period. */
export function caseQuartersOf(task: { year: number; quarter: number | null }): string[] {
  return task.quarter ? [`${task.year}Q${task.quarter}`] : [1, 2, 3, 4].map((q) => `${task.year}Q${q}`);
}

/** Section texts: at most this many characters each. */
export const SECTION_MAX = 20_000;
