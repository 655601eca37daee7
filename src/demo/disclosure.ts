// Demo rosters: every village and community of four townships (南岭街道 and 自强街道 in 南关区,
// 靠山镇 in 农安县, 育民乡 in 榆树市; 32 villages), imported through the real importer twice — a list 60 days
// ago (its posting is history now) and an updated list 2 days ago (a posting open now). Names are
// made up; ID numbers are generated with valid GB 11643 check characters and exist only in the
// generated CSV in memory, as with a real upload.
import { seededRandom } from '../shared/prng.js';
import { stringify } from 'csv-stringify/sync';
import { addDays, todayInChina } from '../clocks/index.js';
import { childrenOf } from '../regions/index.js';
import type { Deps } from '../shared/deps.js';
import { countRecipients, idCheckChar, importRecipientList, RECIPIENT_TYPE_LABELS, TEMPLATE_HEADERS, type RecipientType } from '../disclosure/index.js';

/** 南岭街道, 自强街道 (南关区 220102), 靠山镇 (农安县 220122), 育民乡 (榆树市 220182). */
export const DEMO_TOWNSHIPS = ['220102001', '220102002', '220122103', '220182200'] as const;

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const COMPOUND = ['欧阳', '司马', '上官', '诸葛', '皇甫', '东方'];
const GIVEN = '淑桂秀玉凤兰英华春梅丽艳红霞云芳敏静国建志明文军永德海立振庆宝福贵富成山林树忠义广玉长来金银喜顺平安俊伟强磊洪波涛刚亮雪娟晶丹宇鹏飞';

const random = seededRandom;

interface Person {
  name: string;
  id: string;
  size: number;
  amount: string;
  type: RecipientType;
  village: string;
}

function makePeople(rand: () => number, village: string, county: string, count: number, serial: { n: number }): Person[] {
  const pick = (s: string | readonly string[]) => s[Math.floor(rand() * s.length)]!;
  const out: Person[] = [];
  for (let i = 0; i < count; i++) {
    const surname = rand() < 0.04 ? pick(COMPOUND) : pick(SURNAMES);
    const given = rand() < 0.3 ? pick(GIVEN) : pick(GIVEN) + pick(GIVEN);
    const year = 1936 + Math.floor(rand() * 56);
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    serial.n += 1;
    const first17 = `${county}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(serial.n % 1000).padStart(3, '0')}`;
    const r = rand();
    const type: RecipientType = r < 0.8 ? 'low' : r < 0.95 ? 'extreme' : 'temporary';
    const yuan = 300 + Math.floor(rand() * 61) * 10 + (rand() < 0.2 ? 0.5 : 0);
    out.push({ name: surname + given, id: first17 + idCheckChar(first17), size: type === 'extreme' ? 1 : 1 + Math.floor(rand() * 5), amount: yuan.toFixed(2), type, village });
  }
  return out;
}

function csvOf(people: readonly Person[]): Buffer {
  const header = [TEMPLATE_HEADERS.name, TEMPLATE_HEADERS.idNumber, TEMPLATE_HEADERS.householdSize, TEMPLATE_HEADERS.monthlyAmount, TEMPLATE_HEADERS.type, TEMPLATE_HEADERS.village];
  const rows = people.map((p) => [p.name, p.id, String(p.size), p.amount, RECIPIENT_TYPE_LABELS[p.type], p.village]);
  return Buffer.from('\uFEFF' + stringify([header, ...rows], { record_delimiter: '\r\n' }), 'utf8');
}

export interface DemoDisclosureSummary {
  villages: number;
  recipients: number;
  postings: number;
}

/** Seeds the demo rosters once; null when the roster already has data. */
export async function seedDemoDisclosure(deps: Deps, now = new Date()): Promise<DemoDisclosureSummary | null> {
  if ((await countRecipients(deps.db)) > 0) return null;
  const rand = random(20260301);
  const serial = { n: 100 };
  const today = todayInChina(now);
  const summary: DemoDisclosureSummary = { villages: 0, recipients: 0, postings: 0 };
  for (const township of DEMO_TOWNSHIPS) {
    const villages = await childrenOf(deps.db, township);
    const county = township.slice(0, 6);
    const first: Person[] = [];
    const second: Person[] = [];
    villages.forEach((v, i) => {
      const people = makePeople(rand, v.name, county, 6 + Math.floor(rand() * 10), serial);
      first.push(...people);
      // Two villages in three have changes in the later list: new people, one changed, one removed.
      if (i % 3 === 2) {
        second.push(...people);
        return;
      }
      const kept = people.slice(0, people.length - (i % 2 === 0 ? 1 : 0));
      const changed = kept.map((p, j) => (j === 1 ? { ...p, amount: (Number(p.amount) + 60).toFixed(2), size: Math.min(p.size + 1, 8) } : p));
      second.push(...changed, ...makePeople(rand, v.name, county, 1 + Math.floor(rand() * 2), serial));
    });
    summary.villages += villages.length;
    const past = await importRecipientList(deps, { type: 'system' }, township, csvOf(first), { today: addDays(today, -60), now });
    const open = await importRecipientList(deps, { type: 'system' }, township, csvOf(second), { today: addDays(today, -2), now });
    for (const outcome of [past, open]) {
      if (outcome.kind === 'problems') throw new Error(`demo disclosure list for ${township} invalid: ${JSON.stringify(outcome.problems.slice(0, 3))}`);
      if (outcome.kind === 'imported') summary.postings += outcome.villages.length;
    }
    summary.recipients += second.length;
  }
  return summary;
}
