// Moves some demo reports of 南关区 along their life cycle through the real workflow, so every
// state shows up in the back office and on the tracking page.
//
// Each report follows a course of steps dated from its receipt, and takes only the steps that fall
// before the moment of seeding: a step dated after "now" would be a closing that has not happened
// yet (counted as 办结 in the current period, refused as "later than now" when the demo's exchange
// export is imported elsewhere). The longest courses go to the oldest reports, so that every stage
// still shows up although some demo reports were received only days before seeding.
import type { Deps } from '../shared/deps.js';
import { findReport, receivedReportsInCounty, type Report } from '../reports/index.js';
import { workflow as wf, supervision as sup, referralService, markAnswerOpened, requestReview, rate } from '../reports/index.js';
import { demoStaffContext, type DemoCredential } from './staff.js';
import { addDays, todayInChina } from '../clocks/index.js';

const DAY = 86_400_000;
/** The first step comes two days after receipt. */
const FIRST_STEP_AFTER = 2 * DAY;

/** One step of a course, `day` days after the first; `at` is its moment. */
interface Step {
  day: number;
  take: (r: Report, at: number) => Promise<unknown>;
}
type Course = Step[];

export async function progressDemoReports(deps: Deps, staff: DemoCredential[], now: number): Promise<void> {
  const courses = await demoCourses(deps, staff, now);
  const nanguan = await receivedReportsInCounty(deps.db, '220102'); // oldest first
  for (const [r, course] of assignCourses(nanguan, courses)) {
    const first = r.receivedAt + FIRST_STEP_AFTER;
    for (const step of course) {
      const at = first + step.day * DAY;
      if (at > now) break; // a recent report stays at an earlier stage
      await step.take((await findReport(deps.db, r.id))!, at);
    }
  }
}

/**
 * Pairs the reports (oldest first) with courses: the second oldest is left waiting (overdue for
 * acceptance) and the newest is left new; the others take the courses, longest course to the
 * oldest report, which fits every course whenever any pairing does.
 */
function assignCourses(reports: Report[], courses: Course[]): [Report, Course][] {
  if (reports.length < 3) return [];
  const rest = reports.filter((_, i) => i !== 1 && i !== reports.length - 1);
  const length = (c: Course) => c.at(-1)?.day ?? 0;
  const taken = courses.slice(0, rest.length).sort((a, b) => length(b) - length(a));
  return taken.map((course, i) => [rest[i]!, course]);
}

/** The courses in order of priority; when there are more reports than courses, the rest are closed. */
async function demoCourses(deps: Deps, staff: DemoCredential[], now: number): Promise<Course[]> {
  const ctx = (username: string) => demoStaffContext(deps, staff, username);
  const intake = await ctx('ng.shouli');
  const handler = await ctx('ng.chengban2');
  const lead = await ctx('ng.fuzeren');
  const city = await ctx('cc.dubanyuan');
  const step = (day: number, take: Step['take']): Step => ({ day, take });

  const accept = step(0, (r, at) => wf.accept(deps, intake, r, at));
  // Due 30 days after acceptance, the day before.
  const assign = step(1, (r, at) => wf.assign(deps, intake, r, { unitId: handler.unit.id, assigneeId: handler.user.id, due: addDays(todayInChina(new Date(at - DAY)), 30) }, at));
  const start = step(2, (r, at) => wf.start(deps, handler, r, at));
  const ask = step(3, (r, at) => wf.staffMessage(deps, handler, r, '您好，请问您反映的情况大约从什么时候开始？是否还有其他村民知情？', false, at));
  const investigating = [accept, assign, start, ask];
  const answered = (verdict: 'partly' | 'substantiated') => [
    ...investigating,
    step(6, (r, at) => wf.draftConclusion(deps, handler, r, verdict, '经入户调查、查阅评审档案和走访邻居，您反映的问题部分属实：该户家庭收入计算有误，已按规定停发低保金并追回多发部分；对村评议小组未按规定回避的问题，已责成街道整改。感谢您的监督。', at)),
    step(7, (r, at) => wf.approveConclusion(deps, lead, r, at)),
  ];
  const close = step(8, (r, at) => wf.close(deps, lead, r, at));

  const courses: Course[] = [
    [step(0, (r, at) => wf.reject(deps, intake, r, '反映的问题已于今年6月经县民政局核查处理并答复，无新的事实和理由。', at))],
    [accept],
    [accept, assign],
    [...investigating, step(4, (r, at) => wf.requestExtension(deps, handler, r, 20, '涉及多户家庭收入核对，需要县住建、人社部门协查，申请延期20日。', at))],
    [...investigating, step(5, (r, at) => sup.hasten(deps, city, r, '请抓紧核查，按期答复群众。', [city.unit.id, handler.unit.id], at))],
    [
      ...answered('partly'),
      step(8, (r, at) => sup.startRectification(deps, lead, r, [{ problem: '村评议小组成员未按规定回避', measures: '重新组织民主评议，评议成员签署回避承诺', responsiblePerson: '街道民政助理', deadline: addDays(todayInChina(new Date(now)), 20) }], at)),
    ],
    // A village cadre's misconduct goes to the county commission (the demo has its inspector).
    [...investigating, step(4, (r, at) => referralService.refer(deps, handler, r, '经初步核实，被反映的村干部涉嫌在低保评审中收受财物，属公职人员违纪违法问题，依规移送。', at))],
    // The reporter read the answer: one asked the city for a review (第三十五条), one rated it.
    [...answered('partly'), close, step(9, (r, at) => markAnswerOpened(deps, r, at)), step(10, (r, at) => requestReview(deps, r, '我家的情况村里都知道，核查时没有入户，请上级复查。', at))],
    [...answered('substantiated'), close, step(9, async (r, at) => rate(deps, await markAnswerOpened(deps, r, at), 'basically_satisfied', at))],
  ];
  for (let i = 0; i < 12; i++) courses.push([...answered(i % 2 === 0 ? 'partly' : 'substantiated'), close]);
  return courses;
}
