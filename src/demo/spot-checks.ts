// Demo spot checks: one round by 长春市民政局 over its townships (5 drawn, 2 of them at random),
// planned twelve days ago, with two checks recorded, one of whose findings is on the ledger.
// Run after the demo staff and reports exist, so that the weighting has something to weigh.
import crypto from 'node:crypto';
import { addDays, todayInChina, type IsoDate } from '../clocks/index.js';
import { loadCalendar } from '../calendar/index.js';
import { childrenOf } from '../regions/index.js';
import type { Deps } from '../shared/deps.js';
import { findUnitByKey } from '../units/index.js';
import { findUserByName, firstUserOfUnit } from '../users/index.js';
import { makeLedgerItem, planRound, recordCheck, roundsOf, targetsOf } from '../spot-checks/index.js';

const DAY = 86_400_000;
/** A fixed seed, so the same demo data gives the same plan on every machine. */
const DEMO_SEED = crypto.createHash('sha256').update('sunshine demo: 长春市 spot checks, round 1').digest('hex');

/** Seeds the demo round once (nothing when the city already has a round). Returns the round id, or null. */
export async function seedDemoSpotChecks(deps: Deps, now = Date.now()): Promise<number | null> {
  const unit = await findUnitByKey(deps.db, 'ca:220100');
  if (!unit) throw new Error('demo spot checks: no unit ca:220100');
  if ((await roundsOf(deps.db, unit.id)).length > 0) return null;
  const user = (await findUserByName(deps.db, 'cc.dubanyuan')) ?? (await firstUserOfUnit(deps.db, unit.id));
  if (!user) throw new Error('demo spot checks: no staff user of 长春市民政局 (seed the demo staff first)');

  const plannedAt = now - 12 * DAY;
  const { round } = await planRound(deps, { userId: user.id, unit }, { name: '2026年第一轮农村低保明查暗访（四不两直）', count: 5, randomCount: 2, scopeCode: unit.regionCode }, plannedAt, DEMO_SEED);
  const targets = (await targetsOf(deps.db, round.id)).map((t) => t.target);
  const [first, second] = targets;
  if (!first || !second) return round.id;

  const firstVillage = (await childrenOf(deps.db, first.townshipCode)).find((r) => r.level === 'village');
  // The unanswered call was made in working hours on a working day (the check judges calls against
  // the hotline's listed duty hours, issue 19 item 14): the last working day six days ago or before.
  const calendar = await loadCalendar(deps.db);
  const workdayOnOrBefore = (day: IsoDate): IsoDate => (calendar.isWorkday(day) ? day : workdayOnOrBefore(addDays(day, -1)));
  const checkedOn = todayInChina(new Date(now - 5 * DAY));
  const withFinding = await recordCheck(
    deps,
    user.id,
    round,
    first,
    {
      villageCode: firstVillage?.code ?? null,
      checkedOn,
      postingOk: true,
      rosterOk: false,
      hotlineCalledAt: `${workdayOnOrBefore(todayInChina(new Date(now - 6 * DAY)))}T10:20`,
      hotlineAnswered: false,
      casesChecked: '随机入户走访低保户5户、特困供养人员2人，核对家庭收入和财产情况，查阅村级评议记录。',
      findings: '村务公开栏长期公布名单半年以上未更新，2户已退出对象仍在名单上；县民政局投诉举报电话工作时间两次拨打无人接听。',
    },
    now - 5 * DAY,
  );
  await makeLedgerItem(
    deps,
    user.id,
    round,
    withFinding,
    { measures: '立即更新村务公开栏长期公布名单，退出对象及时撤下；落实投诉举报电话值守和转接制度，县局每月电话抽查并通报。', responsiblePerson: '县民政局社会救助科科长', deadline: addDays(todayInChina(new Date(now)), 30) },
    now - 4 * DAY,
  );
  await recordCheck(
    deps,
    user.id,
    round,
    second,
    {
      villageCode: null,
      checkedOn: todayInChina(new Date(now - 3 * DAY)),
      postingOk: true,
      rosterOk: true,
      hotlineCalledAt: `${workdayOnOrBefore(todayInChina(new Date(now - 3 * DAY)))}T14:05`,
      hotlineAnswered: true,
      casesChecked: '抽查乡镇低保档案10卷，“一户一档”齐全；现场查看2个村公示栏，公示规范。',
      findings: null,
    },
    now - 3 * DAY,
  );
  return round.id;
}
