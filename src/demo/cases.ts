// Demo typical cases: eight published, anonymised cases across the quarters of 2026, in the style
// of a county's quarterly 通报 (surname + position, place to township, sanction in general words).
import { record } from '../audit/index.js';
import { findRegion } from '../regions/index.js';
import type { Category } from '../reports/index.js';
import { indexDocument } from '../search/index.js';
import { withTransaction } from '../db/transaction.js';
import type { Deps } from '../shared/deps.js';
import { findUnitByKey } from '../units/index.js';
import { firstUser, firstUserOfUnit } from '../users/index.js';
import { insertCase } from '../cases/index.js';

interface DemoCase {
  township: string;
  quarter: string;
  /** Publication date (China time); capped at the seeding time. */
  on: string;
  category: Category;
  title: string;
  body: string;
}

const CASES: DemoCase[] = [
  {
    township: '220112102', quarter: '2026Q1', on: '2026-03-20', category: 'favouritism',
    title: '长春市双阳区鹿乡镇某村村干部王某优亲厚友问题',
    body: '2025年3月至2026年1月，王某在村级低保民主评议中，为其弟弟一家违规办理农村低保。该户拥有农用机械两台，家庭人均收入超过当地低保标准，违规领取低保金1.08万元。\n\n王某受到党内警告处分。违规资金已全部追回，该户低保已停发，鹿乡镇对全镇低保对象开展了一次入户复核。',
  },
  {
    township: '220182101', quarter: '2026Q1', on: '2026-03-27', category: 'bribery',
    title: '长春市榆树市弓棚镇民政助理李某吃拿卡要问题',
    body: '2025年下半年，李某在受理低保申请时，以“帮忙跑手续”为由，先后收受3户申请人所送烟酒等财物，价值共计2400元。\n\n李某受到政务记过处分，所收财物已退还。弓棚镇在便民服务大厅公开低保申请条件、流程和投诉举报电话。',
  },
  {
    township: '220281101', quarter: '2026Q2', on: '2026-05-15', category: 'impersonation',
    title: '吉林市蛟河市天岗镇某村村民小组长赵某冒领低保金问题',
    body: '2023年1月至2025年12月，赵某利用为村民代管存折之便，冒领已去世低保对象的低保金共计2.16万元。\n\n赵某受到开除党籍处分，其涉嫌犯罪问题已移送司法机关依法处理。冒领资金已全部追回。蛟河市对全市低保对象死亡未及时停保问题开展了数据比对。',
  },
  {
    township: '220322101', quarter: '2026Q2', on: '2026-06-12', category: 'undeclared_relatives',
    title: '四平市梨树县郭家店镇某村村干部刘某近亲属享受低保未备案问题',
    body: '刘某的岳母自2024年起享受农村低保，刘某未按规定进行近亲属备案，也未在评议时主动回避。\n\n刘某受到组织处理（诫勉谈话）。经重新入户审核，其岳母符合低保条件，已补办备案手续。',
  },
  {
    township: '220421101', quarter: '2026Q2', on: '2026-06-25', category: 'work_style',
    title: '辽源市东丰县大阳镇干部孙某推诿敷衍等作风问题',
    body: '2026年3月，群众因家中突发火灾申请临时救助，孙某多次以“材料不全”为由不予受理，且未一次性告知所需材料，致使救助拖延近两个月才发放。\n\n孙某受到政务警告处分。大阳镇已对临时救助申请实行一次性告知、限时办结，急难情形先行救助。',
  },
  {
    township: '220523101', quarter: '2026Q3', on: '2026-08-18', category: 'wrong_grant',
    title: '通化市辉南县民政局工作人员周某违规认定低保对象问题',
    body: '2025年，周某在低保审核确认工作中把关不严，对5户明显不符合条件的申请家庭未组织入户核查即予审批，致使违规发放低保金3.6万元。\n\n周某受到政务警告处分。违规资金已全部追回，5户已停保。辉南县民政局建立了审核确认抽查复核制度。',
  },
  {
    township: '220621101', quarter: '2026Q3', on: '2026-09-10', category: 'embezzlement',
    title: '白山市抚松县松江河镇某村村干部郑某截留挪用救助资金问题',
    body: '2025年1月至10月，郑某截留4名特困供养人员的护理补贴共计1.2万元，用于村里招待等开支。\n\n郑某受到党内严重警告处分，截留资金已全部退还本人。松江河镇对各村代发救助资金情况开展了专项检查。',
  },
  {
    township: '220821101', quarter: '2026Q4', on: '2026-10-22', category: 'connections',
    title: '白城市镇赉县坦途镇某村村干部吴某违规办理人情保问题',
    body: '2024年至2025年，吴某为其亲属和朋友共4户不符合条件的家庭违规办理农村低保，违规领取低保金共计2.7万元。\n\n吴某受到撤销党内职务处分。违规资金已全部追回，4户已停保，坦途镇重新组织了低保民主评议。',
  },
];

function chinaNoon(date: string): number {
  return Date.parse(`${date}T12:00:00+08:00`);
}

/** Seeds the demo cases (idempotence is the caller's: call on an empty database). Returns how many. */
export async function seedDemoCases(deps: Deps, now = Date.now()): Promise<number> {
  const { db } = deps;
  const anyUser = await firstUser(db);
  let count = 0;
  for (const demo of CASES) {
    const township = await findRegion(db, demo.township);
    const unit = township?.parentCode ? await findUnitByKey(db, `ca:${township.parentCode}`) : undefined;
    if (!township || !unit) continue;
    const author = (await firstUserOfUnit(db, unit.id)) ?? anyUser;
    const at = Math.min(chinaNoon(demo.on), now);
    await withTransaction(db, async (tx) => {
      const row = await insertCase(tx, {
        reportId: null,
        referralId: null,
        unitId: unit.id,
        regionCode: township.code,
        category: demo.category,
        quarter: demo.quarter,
        title: demo.title,
        body: demo.body,
        status: 'published',
        approvedBy: author?.id ?? null,
        publishedAt: at,
        createdBy: author?.id ?? 0,
        createdAt: at - 3 * 86_400_000,
        updatedAt: at,
      });
      await indexDocument(tx, { type: 'case', id: row.id, text: [row.title, row.body] });
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'case.seeded', object: { type: 'typical_case', id: row.id }, detail: { to: 'published' } }, now);
    });
    count++;
  }
  deps.publicCache.invalidate();
  return count;
}
