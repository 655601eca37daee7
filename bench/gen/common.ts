// Shared pieces of the scale-data generator: a seeded PRNG (the same data on every run), China dates,
// names and the vocabulary that report texts, cases and ledger items are built from.
import crypto from 'node:crypto';
import { addDays, todayInChina } from '../../src/clocks/index.js';

export const DAY = 86_400_000;

export { seededRandom as prng } from '../../src/shared/prng.js';

export type Random = () => number;

export const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** Picks by weight: `weights` are cumulative (built once with cumulative()). */
export function pickWeighted<T>(r: Random, items: readonly T[], cumulativeWeights: Float64Array): T {
  const total = cumulativeWeights[cumulativeWeights.length - 1]!;
  const x = r() * total;
  let lo = 0;
  let hi = cumulativeWeights.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulativeWeights[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return items[lo]!;
}

export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out;
}

export const chinaDate = (ms: number) => todayInChina(new Date(ms));
export { addDays };

// --- people ---------------------------------------------------------------------------------

// Common surnames of the north-east (weights roughly by frequency), a few compound ones, and
// Korean surnames of 延边 (written in Han characters, as lists there are).
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文朴';
const COMPOUND = ['欧阳', '司马', '上官', '诸葛', '东方', '慕容'];
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉华福德贵财海山林春凤云国建志成文秀珍淑琴凤英兴旺宝玲丹凯亮东红梅雪松柏岩永喜庆铁柱';

/** A plausible full name (never a real person: random characters). */
export function personName(r: Random): string {
  const surname = r() < 0.004 ? pick(r, COMPOUND) : SURNAMES[Math.floor(Math.pow(r(), 1.6) * SURNAMES.length)]!;
  const given = r() < 0.3 ? pick(r, [...GIVEN]) : pick(r, [...GIVEN]) + pick(r, [...GIVEN]);
  return surname + given;
}

// --- text -----------------------------------------------------------------------------------

export const CATEGORY_TEXT: Record<string, string[]> = {
  favouritism: ['村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，根本不困难。', '村支书的亲戚家里开着饭店，也在吃低保，评议会上没人敢说话。'],
  connections: ['今年评低保的时候没开村民代表会，名单是村支书和会计两个人定的。', '听说有人给村里干部送了烟酒才评上的，真正困难的人反倒没评上。'],
  wrong_grant: ['我们屯有一户人家儿子在长春买了楼，家里种着四十多亩地，每年还在吃低保。', '有一户人家在县城有门市房，还开着小轿车，一直领着低保金。'],
  left_out: ['我父亲今年七十六岁，一个人生活，去年做了手术，没有收入，申请低保两次都没批。', '我家两个病人，没有劳动力，申请了半年，乡里说材料不全，一直拖着不给办。'],
  bribery: ['村会计让我们办低保先交五百块钱手续费，不交就不给往上报，都没有收据。', '办临时救助的时候，经办人要请吃饭才给签字。'],
  embezzlement: ['我们村五保户的取暖补贴，去年冬天一直没发到手里，问村里说是统一买煤了。', '低保金打到卡上以后，卡一直在村干部手里，每次只给我们一半。'],
  false_claims: ['我娘的低保金一直是村里代领，老人一年多一分钱也没拿到手。', '村里给一户人家多报了两口人，多领了好几年低保。'],
  impersonation: ['我们组有个老人去年三月就去世了，可是他的低保金到现在还有人在领。', '村里有人用已经搬走的人的名字领低保，存折在小组长手里。'],
  bankbook_custody: ['村会计把我们十几户低保户的存折、社保卡都收走了，说是统一保管，卡里有多少钱我们都不知道。'],
  undeclared_relatives: ['村妇女主任的亲姐姐一家享受低保，没有按规定备案，评议的时候她本人也在场没有回避。'],
  blanket_removal: ['镇里说上面要求低保户减少三分之一，村里没入户核查就把我们十几户的低保停了。'],
  posting_irregular: ['村里公示低保名单只贴了两天就撕了，上面还写着身份证号和家里人的病情。'],
  temporary_assistance: ['家里房子失火，去乡里申请临时救助，一个多月了也没消息，一家人住在亲戚家。'],
  extreme_poverty: ['我们村的特困老人分散供养，说好的照料护理补贴没有落实，老人生病了都没人管。'],
  epidemic_poverty: ['我在外地打工的活没了，回家后老婆生病住院，花了好几万，申请救助村里说不符合条件。'],
  work_style: ['到乡政府问低保的事，民政办的人说不归他管，让去县里问，来回跑了四趟，没人给个准话。'],
  organized_crime: ['村里有人仗着家族势力大，把持低保评议，谁提意见就上门威胁，还打过人。'],
  other: ['希望上级部门来我们村看一看，低保评议的事情大家意见很大。'],
};

export const EXTRA_SENTENCES = [
  '这个情况村里很多人都知道。',
  '希望上级认真调查，给老百姓一个说法。',
  '我们反映过好几次，一直没有结果。',
  '去年冬天的时候就已经是这样了。',
  '请不要公开我的身份，我怕被打击报复。',
  '评议会的记录可以查到。',
  '邻居们都可以作证。',
  '乡里的民政助理也知道这件事。',
];

export const STAFF_MESSAGES = [
  '您好，请问您反映的情况大约从什么时候开始？是否还有其他村民知情？',
  '您好，我们已安排工作人员入户核查，请保持电话畅通。',
  '请问您能否提供相关户的具体住址或所在村民小组？',
];

export const REPORTER_MESSAGES = ['是从去年秋天开始的，组里的人都知道。', '他家住在村东头，三组。', '谢谢，我等你们的消息。'];

export const ANSWERS = [
  '经入户调查、查阅评审档案和走访邻居，您反映的问题部分属实：该户家庭收入计算有误，已按规定停发低保金并追回多发部分。感谢您的监督。',
  '经调查核实，您反映的问题属实，已责成乡镇重新组织民主评议，并对相关责任人进行了处理。',
  '经调查核实，该户家庭收入和财产符合低保条件，您反映的问题不属实。如有新的线索，欢迎继续反映。',
];

export const REJECT_REASONS = ['反映的问题已于今年经县民政局核查处理并答复，无新的事实和理由。', '反映事项不属于本平台受理范围，已告知向有关部门反映。'];

// --- secrets --------------------------------------------------------------------------------

/** CSPRNG bytes drawn from a refilled pool: one randomBytes() call per 64 KiB, not per value. */
export class SecretPool {
  private pool = Buffer.alloc(0);
  private at = 0;

  bytes(n: number): Buffer {
    if (this.at + n > this.pool.length) {
      this.pool = crypto.randomBytes(65_536);
      this.at = 0;
    }
    const out = this.pool.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** 16 decimal digits, as newQueryCode() makes them (rejection sampling, no modulo bias). */
  queryCode(): string {
    let code = '';
    while (code.length < 16) for (const b of this.bytes(16)) if (b < 250 && code.length < 16) code += String(b % 10);
    return code;
  }

  /** A form nonce as randomToken(24) makes it. */
  token(): string {
    return Buffer.from(this.bytes(24)).toString('base64url');
  }
}
