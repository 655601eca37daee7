// Demo reporting: the current year's tasks, and submissions of some of 长春's counties —
// implementation plans (南关区 on time, 宽城区 late, 朝阳区 none: overdue) and annual summaries
// (南关区 and 宽城区 submitted, 朝阳区 a draft) with realistic text. Statistics are frozen from the
// demo data as it stands when seeding.
import type { Deps } from '../shared/deps.js';
import { record } from '../audit/index.js';
import { todayInChina } from '../clocks/index.js';
import { findUnitByKey } from '../units/index.js';
import { findUserByName } from '../users/index.js';
import { createTasksForYear, figuresFor, findTaskByKey, hasStatistics, insertSubmission, submissionOf, type Section } from '../reporting/index.js';

const DAY = 86_400_000;

type DemoTexts = Record<Section, string>;

interface DemoSubmission {
  unit: string;
  kind: 'plan' | 'county_summary';
  /** Days after the due date it was submitted (negative: before); null for a draft. */
  submittedDaysAfterDue: number | null;
  texts: DemoTexts;
}

const PLAN_TEXT = (county: string): DemoTexts => ({
  basic: `${county}农村低保专项治理工作由区政府分管副区长牵头，民政、财政、公安、住建、卫健、医保等部门和各街道（乡镇）参与，成立专项治理工作领导小组，办公室设在区民政局社会救助科。`,
  practices: `一是4月底前完成全部低保、特困对象家庭经济状况复核，逐户建立台账；\n二是5月至9月开展“回头看”，对群众反映问题逐件核查、限时办结；\n三是每季度开展一次明查暗访，抽查投诉举报电话值守和公示情况。`,
  problems: '部分街道低保经办人员调整频繁，业务不熟；信息比对依赖人工，数据共享不充分。',
  suggestions: '建议市局统一组织经办人员培训，推动与公安、卫健部门的死亡、住院信息定期比对。',
});

const SUMMARIES: Record<string, DemoTexts> = {
  'ca:220102': {
    basic: '全年共复核低保家庭1,286户、特困人员214人，清退不符合条件的低保对象37户，新纳入符合条件的困难群众52户。畅通投诉举报渠道，公布区、街道两级举报电话，工作时间专人值守。全年收到群众举报线索均按期受理，办结的问题线索全部向举报人书面答复。',
    practices: '一是建立“网格员+低保专干”入户核查机制，对重病、重残等特殊困难家庭每季度走访一次；\n二是对村（社区）干部近亲属享受低保情况全面排查，全部补办备案，评议时本人回避；\n三是公示栏统一模板，只公示遮挡后的姓名、保障人数和金额，杜绝泄露个人隐私。',
    problems: '一是个别社区民主评议流于形式，评议记录不完整；\n二是低收入人口动态监测信息更新不及时；\n三是部分整改事项完成时限偏紧，对账销号滞后。',
    suggestions: '建议市局加强对街道（乡镇）经办人员的业务培训；推动建立全市统一的救助对象信息比对平台，实现民政、公安、卫健、医保数据按月共享。',
  },
  'ca:220103': {
    basic: '按照省、市部署，区民政局对全区低保、特困供养和临时救助对象开展全面排查，排查家庭2,043户，发现并纠正问题128个。对群众反映的问题线索逐件建立台账，实行销号管理。',
    practices: '推行临时救助“先行救助”，街道急难型救助审批时限压缩至3个工作日；设立街道临时救助备用金，全年救助因病、因灾、因疫陷入困境群众436人次。',
    problems: '经办力量不足，部分街道一人承担多项民政业务；群众对政策知晓率仍需提高。',
    suggestions: '建议增加街道社会救助经办人员编制或通过政府购买服务补充力量，加强政策宣传。',
  },
  'ca:220104': {
    basic: '区民政局已完成全区低保对象年度复核工作，正在汇总各街道排查整改情况。',
    practices: '',
    problems: '',
    suggestions: '',
  },
};

const PLANS: DemoSubmission[] = [
  { unit: 'ca:220102', kind: 'plan', submittedDaysAfterDue: -5, texts: PLAN_TEXT('南关区') },
  { unit: 'ca:220103', kind: 'plan', submittedDaysAfterDue: 6, texts: PLAN_TEXT('宽城区') },
  // 朝阳区 has not submitted its plan: overdue once 20 April has passed.
];

const SUMMARY_SUBMISSIONS: DemoSubmission[] = [
  { unit: 'ca:220102', kind: 'county_summary', submittedDaysAfterDue: -3, texts: SUMMARIES['ca:220102']! },
  { unit: 'ca:220103', kind: 'county_summary', submittedDaysAfterDue: -2, texts: SUMMARIES['ca:220103']! },
  { unit: 'ca:220104', kind: 'county_summary', submittedDaysAfterDue: null, texts: SUMMARIES['ca:220104']! },
];

/** Creates the current year's tasks and the demo submissions (once); returns how many submissions were added. */
export async function seedDemoReporting(deps: Deps, now = Date.now()): Promise<number> {
  const { db } = deps;
  const year = Number(todayInChina(new Date(now)).slice(0, 4));
  await createTasksForYear(deps, year, null, now);
  const lead = await findUserByName(db, 'ng.fuzeren');
  let added = 0;
  for (const demo of [...PLANS, ...SUMMARY_SUBMISSIONS]) {
    const task = await findTaskByKey(db, demo.kind, year, null);
    const unit = await findUnitByKey(db, demo.unit);
    if (!task || !unit || (await submissionOf(db, task.id, unit.id))) continue;
    const dueAt = Date.parse(`${task.dueOn}T10:00:00+08:00`);
    // Nothing in the future: a submission "after the due date" that has not come yet is submitted now.
    let submittedAt = demo.submittedDaysAfterDue === null ? null : Math.min(now, dueAt + demo.submittedDaysAfterDue * DAY);
    // An annual summary cannot have been submitted before the year's work: before the due date, a draft.
    if (demo.kind === 'county_summary' && submittedAt !== null && now < dueAt - 10 * DAY) submittedAt = null;
    const by = demo.unit === 'ca:220102' ? (lead?.id ?? null) : null;
    const stats = submittedAt !== null && hasStatistics(demo.kind) ? (await figuresFor(db, task, [unit]))?.get(unit.id) : undefined;
    const updatedAt = submittedAt ?? now - 2 * DAY;
    const row = await insertSubmission(db, {
      taskId: task.id,
      unitId: unit.id,
      status: submittedAt !== null ? 'submitted' : 'draft',
      ...demo.texts,
      statistics: stats ? JSON.stringify(stats) : null,
      submittedAt,
      remindedAt: null,
      updatedBy: by,
      updatedAt,
    });
    if (!row) continue;
    added++;
    await record(db, deps.keys['audit-mac'], { actor: by ? { type: 'staff', id: by } : { type: 'system' }, action: submittedAt !== null ? 'reporting.submitted' : 'reporting.saved', object: { type: 'reporting_submission', id: row.id }, detail: { task: task.id, unit: unit.id, demo: true } }, updatedAt);
  }
  return added;
}
