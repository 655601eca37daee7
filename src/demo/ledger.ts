// Demo ledger: fifteen items of the 2020–2021 rural dibao special governance in 长春's counties,
// from 专项治理, 巡视 and 明查暗访, in every state, a few of them overdue. Responsible persons are
// positions, not names.
import type { Deps } from '../shared/deps.js';
import { withTransaction } from '../db/transaction.js';
import { record } from '../audit/index.js';
import { addDays, todayInChina } from '../clocks/index.js';
import { findUnitByKey } from '../units/index.js';
import { findUserByName } from '../users/index.js';
import { countEnteredItems, insertItem, type ItemStatus, type Source } from '../ledger/index.js';

const DAY = 86_400_000;

interface DemoItem {
  source: Exclude<Source, 'report'>;
  unit: string;
  problem: string;
  measures: string;
  person: string;
  /** Days from today (negative: in the past). */
  deadline: number;
  createdDaysAgo: number;
  status: ItemStatus;
  progress?: string;
}

const ITEMS: DemoItem[] = [
  { source: 'special_governance', unit: 'ca:220122', problem: '部分乡镇低保对象动态管理不及时，3名已故人员死亡后仍发放低保金2至5个月。', measures: '与公安、卫健部门死亡数据逐月比对，逐户核实，停发并追回多发资金；建立月度比对和乡镇复核制度。', person: '县民政局社会救助科科长', deadline: -12, createdDaysAgo: 75, status: 'in_progress', progress: '已停发3户低保金，追回资金1.1万元；月度比对制度草案已起草，待局党组会审议。' },
  { source: 'special_governance', unit: 'gov:220122100', problem: '4个村低保评议未召开村民代表会议，评议记录缺失。', measures: '重新组织民主评议，评议过程全程记录并存档，镇民政办逐村核验。', person: '镇民政助理', deadline: -20, createdDaysAgo: 90, status: 'signed_off', progress: '4个村已重新召开村民代表会议评议，评议记录和签到表已归档，镇民政办逐村核验完毕。' },
  { source: 'inspection_tour', unit: 'ca:220182', problem: '低保审核确认入户调查流于形式，部分调查报告仅一人签字。', measures: '对近一年新纳入对象入户调查资料全面复查，不符合要求的重新调查；开展业务培训。', person: '市民政局分管副局长', deadline: 25, createdDaysAgo: 40, status: 'in_progress', progress: '已复查调查资料612份，发现问题资料47份，重新入户调查已完成31户。' },
  { source: 'inspection_tour', unit: 'ca:220183', problem: '特困人员分散供养照料服务协议签订率低，部分照料人未履行照料责任。', measures: '逐人签订照料服务协议，明确照料内容和标准；乡镇每季度走访核查。', person: '市民政局社会救助科科长', deadline: 10, createdDaysAgo: 60, status: 'awaiting_signoff', progress: '全市分散供养特困人员1,086人已全部签订照料协议，季度走访记录已建立。' },
  { source: 'spot_check', unit: 'gov:220182100', problem: '暗访发现镇民政办公示的投诉举报电话工作时间无人接听。', measures: '落实值班制度，更新公示电话和值守时间，县局每月电话抽查。', person: '镇党委副书记', deadline: -5, createdDaysAgo: 50, status: 'signed_off', progress: '已调整值班安排并重新公示电话；县局两次抽查均正常接听。' },
  { source: 'spot_check', unit: 'ca:220113', problem: '临时救助审批超过规定时限，个别急难型救助未执行“先行救助”。', measures: '梳理临时救助办理流程，落实急难型救助先行救助、事后补充说明；建立办理时限台账。', person: '区民政局社会救助科科长', deadline: 30, createdDaysAgo: 8, status: 'not_started' },
  { source: 'special_governance', unit: 'ca:220112', problem: '村干部近亲属享受低保未按规定备案，评议时本人未回避。', measures: '全面排查村干部近亲属享受救助情况，补办备案，不符合条件的依规退出。', person: '区民政局局长', deadline: -3, createdDaysAgo: 45, status: 'in_progress', progress: '已排查8个乡镇（街道）村干部近亲属112人，补办备案96人，其余正在核实。' },
  { source: 'special_governance', unit: 'ca:220184', problem: '部分村低保公示信息包含身份证号码和家庭成员病情等个人隐私。', measures: '立即撤换违规公示内容，统一公示模板，只公示姓名（遮挡）、保障人数和金额。', person: '市民政局社会救助科科长', deadline: -30, createdDaysAgo: 70, status: 'signed_off', progress: '违规公示已全部撤换，统一公示模板已下发各乡镇。' },
  { source: 'inspection_tour', unit: 'ca:220100', problem: '市级对县（市、区）低保专项治理督导检查覆盖不全。', measures: '制定督导计划，对所有县（市、区）开展至少一次实地督导，问题清单化管理。', person: '市民政局社会救助处处长', deadline: 45, createdDaysAgo: 20, status: 'in_progress', progress: '已完成7个县（市、区）实地督导，形成问题清单23条。' },
  { source: 'spot_check', unit: 'gov:220183100', problem: '低保档案资料不完整，缺少家庭经济状况核对报告。', measures: '补齐核对报告，规范“一户一档”管理，县局抽查档案。', person: '镇民政助理', deadline: 5, createdDaysAgo: 35, status: 'awaiting_signoff', progress: '已补齐核对报告58份，档案按“一户一档”整理完毕。' },
  { source: 'special_governance', unit: 'ca:220102', problem: '低保边缘家庭动态监测未覆盖全部街道。', measures: '完善低收入人口动态监测信息，街道每月更新，区局每季度分析预警。', person: '区民政局社会救助科科长', deadline: 60, createdDaysAgo: 3, status: 'not_started' },
  { source: 'spot_check', unit: 'gov:220113102', problem: '村务公开栏低保公示长期未更新，新增和退出对象未公示。', measures: '按月更新公示内容，新增、退出对象公示7日，镇里拍照存档。', person: '镇民政助理', deadline: -8, createdDaysAgo: 40, status: 'in_progress', progress: '已更新12个村的公示栏，其余4个村正在更新。' },
  { source: 'inspection_tour', unit: 'ca:220122', problem: '救助资金社会化发放不及时，个别月份延迟发放超过10天。', measures: '与代发银行建立发放时间表，每月5日前发放到位，延迟的说明原因。', person: '县民政局计划财务科科长', deadline: -40, createdDaysAgo: 100, status: 'signed_off', progress: '已与代发银行签订补充协议，近三个月均按时发放。' },
  { source: 'special_governance', unit: 'gov:220184103', problem: '未入户核实即停发10户低保，存在“一刀切”退保。', measures: '对10户逐户入户核实，符合条件的恢复保障并补发，依规追究责任。', person: '镇分管副镇长', deadline: 15, createdDaysAgo: 25, status: 'in_progress', progress: '已入户核实10户，其中7户恢复保障并补发，其余3户正在核对收入。' },
  { source: 'spot_check', unit: 'ca:220103', problem: '社会救助服务窗口对群众咨询推诿，未执行首问负责制。', measures: '落实首问负责、一次性告知制度，窗口人员培训，设置意见簿。', person: '区民政局办公室主任', deadline: 2, createdDaysAgo: 30, status: 'awaiting_signoff', progress: '已组织窗口人员培训两次，首问负责制度已上墙，意见簿已设置。' },
];

/** Seeds the demo items once (does nothing when items other than a report's exist). Returns how many were added. */
export async function seedDemoLedger(deps: Deps, now = Date.now()): Promise<number> {
  if ((await countEnteredItems(deps.db)) > 0) return 0;
  const today = todayInChina(new Date(now));
  const city = await findUserByName(deps.db, 'cc.dubanyuan');
  const province = await findUserByName(deps.db, 'sheng.dubanyuan');
  const rows: { item: DemoItem; unitId: number; regionCode: string; supervisorUnitId: number | null }[] = [];
  for (const item of ITEMS) {
    const unit = await findUnitByKey(deps.db, item.unit);
    if (!unit) throw new Error(`demo ledger: no unit ${item.unit}`);
    rows.push({ item, unitId: unit.id, regionCode: unit.regionCode, supervisorUnitId: unit.supervisorId });
  }
  await withTransaction(deps.db, async (tx) => {
    for (const { item, unitId, regionCode } of rows) {
      const createdAt = now - item.createdDaysAgo * DAY;
      const signedOffAt = item.status === 'signed_off' ? now - Math.max(1, Math.floor(item.createdDaysAgo / 4)) * DAY : null;
      // The city signs off county and township items; the province signs off the city's own.
      const signer = item.unit === 'ca:220100' ? province : city;
      const row = await insertItem(tx, {
        reportId: null,
        source: item.source,
        regionCode,
        problem: item.problem,
        measures: item.measures,
        unitId,
        responsiblePerson: item.person,
        deadline: addDays(today, item.deadline),
        status: item.status,
        progress: item.progress ?? null,
        signedOffBy: signedOffAt ? (signer?.id ?? null) : null,
        signedOffAt,
        createdBy: null,
        createdAt,
        updatedAt: signedOffAt ?? (item.progress ? createdAt + 5 * DAY : createdAt),
      });
      await record(tx, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'ledger.created', object: { type: 'ledger_item', id: row.id }, detail: { source: item.source, unit: unitId, demo: true } }, createdAt);
      if (item.progress) {
        await record(tx, deps.keys['audit-mac'], { actor: { type: 'system' }, action: 'ledger.progress', object: { type: 'ledger_item', id: row.id }, detail: { from: 'not_started', to: item.status === 'signed_off' ? 'awaiting_signoff' : item.status, progress: item.progress, demo: true } }, createdAt + 5 * DAY);
      }
      if (signedOffAt) {
        await record(tx, deps.keys['audit-mac'], { actor: signer ? { type: 'staff', id: signer.id } : { type: 'system' }, action: 'ledger.signed_off', object: { type: 'ledger_item', id: row.id }, detail: { from: 'awaiting_signoff', to: 'signed_off', demo: true } }, signedOffAt);
      }
    }
  });
  deps.publicCache.invalidate();
  return rows.length;
}
