// Moves some demo reports of 南关区 along their life cycle through the real workflow, so every
// state shows up in the back office and on the tracking page.
import type { Deps } from '../shared/deps.js';
import { findReport, receivedReportsInCounty } from '../reports/index.js';
import { workflow as wf, supervision as sup, referralService, markAnswerOpened, requestReview, rate } from '../reports/index.js';
import { demoStaffContext, type DemoCredential } from './staff.js';
import { addDays, todayInChina } from '../clocks/index.js';

const DAY = 86_400_000;

export async function progressDemoReports(deps: Deps, staff: DemoCredential[]): Promise<void> {
  const ctx = (username: string) => demoStaffContext(deps, staff, username);
  const intake = await ctx('ng.shouli');
  const handler = await ctx('ng.chengban2');
  const lead = await ctx('ng.fuzeren');
  const city = await ctx('cc.dubanyuan');
  const nanguan = await receivedReportsInCounty(deps.db, '220102');
  const fresh = async (id: number) => (await findReport(deps.db, id))!;
  for (const [i, r] of nanguan.entries()) {
    const t0 = r.receivedAt + 2 * DAY;
    if (i === 0) {
      await wf.reject(deps, intake, r, '反映的问题已于今年6月经县民政局核查处理并答复，无新的事实和理由。', t0);
      continue;
    }
    if (i === 1 || i === nanguan.length - 1) continue; // left waiting: one overdue, one new
    await wf.accept(deps, intake, r, t0);
    if (i === 2) continue;
    const due = addDays(todayInChina(new Date(t0)), 30);
    await wf.assign(deps, intake, await fresh(r.id), { unitId: handler.unit.id, assigneeId: handler.user.id, due }, t0 + DAY);
    if (i === 3) continue;
    await wf.start(deps, handler, await fresh(r.id), t0 + 2 * DAY);
    await wf.staffMessage(deps, handler, await fresh(r.id), '您好，请问您反映的情况大约从什么时候开始？是否还有其他村民知情？', false, t0 + 3 * DAY);
    if (i === 4) {
      await wf.requestExtension(deps, handler, await fresh(r.id), 20, '涉及多户家庭收入核对，需要县住建、人社部门协查，申请延期20日。', t0 + 4 * DAY);
      continue;
    }
    if (i === 5) {
      await sup.hasten(deps, city, await fresh(r.id), '请抓紧核查，按期答复群众。', [city.unit.id, handler.unit.id], t0 + 5 * DAY);
      continue;
    }
    if (i === 7) {
      // A village cadre's misconduct goes to the county commission (the demo has its inspector).
      await referralService.refer(deps, handler, await fresh(r.id), '经初步核实，被反映的村干部涉嫌在低保评审中收受财物，属公职人员违纪违法问题，依规移送。', t0 + 4 * DAY);
      continue;
    }
    await wf.draftConclusion(deps, handler, await fresh(r.id), i % 2 === 0 ? 'partly' : 'substantiated', '经入户调查、查阅评审档案和走访邻居，您反映的问题部分属实：该户家庭收入计算有误，已按规定停发低保金并追回多发部分；对村评议小组未按规定回避的问题，已责成街道整改。感谢您的监督。', t0 + 6 * DAY);
    await wf.approveConclusion(deps, lead, await fresh(r.id), t0 + 7 * DAY);
    if (i === 6) {
      await sup.startRectification(deps, lead, await fresh(r.id), [{ problem: '村评议小组成员未按规定回避', measures: '重新组织民主评议，评议成员签署回避承诺', responsiblePerson: '街道民政助理', deadline: addDays(todayInChina(), 20) }], t0 + 8 * DAY);
      continue;
    }
    await wf.close(deps, lead, await fresh(r.id), t0 + 8 * DAY);
    // The reporter read the answer: one asked the city for a review (第三十五条), one rated it.
    if (i === 8) {
      const opened = await markAnswerOpened(deps, await fresh(r.id), t0 + 9 * DAY);
      await requestReview(deps, opened, '我家的情况村里都知道，核查时没有入户，请上级复查。', t0 + 10 * DAY);
    }
    if (i === 9) await rate(deps, await markAnswerOpened(deps, await fresh(r.id), t0 + 9 * DAY), 'basically_satisfied', t0 + 9 * DAY);
  }
}
