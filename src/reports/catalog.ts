// The fixed vocabularies of a report (DESIGN.md §2). Labels live in src/reports/locales.
import { POSITION_CODES, isPosition, type Position } from '../declarations/index.js';

// The positions of staff and cadres are declarations' words (the near-relative declarations name
// them too); reports adds the management level each one is routed by.
export { POSITION_CODES, isPosition, type Position };

export const CATEGORIES = [
  'favouritism', // 优亲厚友
  'connections', // 人情保/关系保
  'wrong_grant', // 错保
  'left_out', // 漏保/应保未保
  'bribery', // 吃拿卡要
  'embezzlement', // 截留挪用/贪污侵占
  'false_claims', // 代领/虚报 — and 冒领 until issue 18 item 10 gave it a category: older reports here may be 冒领
  'impersonation', // 冒领 (in another's name, also after the recipient's death), seed 二(二) 补助金代领 risk
  'bankbook_custody', // 证折发放: 存折、社保卡 held or kept back by cadres, seed 二(二)
  'undeclared_relatives', // 近亲属未备案
  'blanket_removal', // 一刀切退保
  'posting_irregular', // 公示不规范
  'temporary_assistance', // 临时救助问题
  'extreme_poverty', // 特困供养问题
  'epidemic_poverty', // 因疫致贫返贫未纳入
  'work_style', // 形式主义/作风问题
  'organized_crime', // 涉黑涉恶
  'other', // 其他
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Categories that involve officials: candidates for referral to discipline inspection (信访工作条例
 * 第三十条; seed 三(三) 涉嫌违法违纪的公职人员依法移送纪检监察部门查处). The staff report page offers
 * the referral first for these (casework/report-view.ts).
 * - bankbook_custody: a cadre holding villagers' 存折/社保卡 is an official's misconduct in itself,
 *   whether or not money is gone.
 * - impersonation (冒领): listed here, not with the police. When a cadre collects in another's name it
 *   is misconduct; when a relative goes on collecting after a death, the civil-affairs unit itself
 *   stops the payment and recovers the money (社会救助暂行办法 第六十八条), and only where that amounts
 *   to a public-order or criminal matter does it go on to the police — the handler's judgement, with
 *   the transfer form beside the prompt. DESIGN.md §2 names 冒领 among the referral candidates.
 */
export const REFERRAL_CATEGORIES: readonly Category[] = ['favouritism', 'connections', 'bribery', 'embezzlement', 'false_claims', 'impersonation', 'bankbook_custody', 'undeclared_relatives'];
/** 涉黑涉恶 goes to the police (transfer; seed 三(三) 涉黑涉恶问题线索，及时移送有关部门和机构). */
export const POLICE_CATEGORIES: readonly Category[] = ['organized_crime'];

/** Management level of a subject's position: routes the report and, later, a referral. */
export type SubjectLevel = 'village' | 'township' | 'county_bureau' | 'county_leadership' | 'city_bureau' | 'province' | 'other';

export const POSITIONS = {
  village_cadre: 'village', // 村干部
  group_leader: 'village', // 村民小组长
  township_assistant: 'township', // 乡镇民政助理
  township_official: 'township', // 乡镇干部
  county_bureau_staff: 'county_bureau', // 县民政局工作人员
  county_bureau_head: 'county_bureau', // 县民政局负责人
  county_leader: 'county_leadership', // 县级领导
  city_bureau_staff: 'city_bureau', // 市民政局工作人员
  province_staff: 'province', // 民政厅工作人员
  other_official: 'other', // 其他公职人员
  other: 'other', // 其他
} as const satisfies Record<Position, SubjectLevel>;

export const CHANNELS = ['online', 'phone', 'visit', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

/** States of DESIGN.md §3. */
export const STATUSES = [
  'received',
  'accepted',
  'assigned',
  'investigating',
  'referred',
  'transferred',
  'concluded',
  'rectifying',
  'closed',
  'rejected',
  'merged',
  'withdrawn',
  'under_review',
] as const;
export type Status = (typeof STATUSES)[number];
export const END_STATES: readonly Status[] = ['closed', 'rejected', 'merged', 'withdrawn'];
/**
 * States in which a written answer stands and may be challenged (信访工作条例第三十五条): from the
 * conclusion on, rectification included — not while a new answer is being worked on or reviewed.
 */
export const ANSWER_STANDS: readonly Status[] = ['concluded', 'rectifying', ...END_STATES];

export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Rating = (typeof RATINGS)[number];

export function isCategory(v: unknown): v is Category {
  return typeof v === 'string' && (CATEGORIES as readonly string[]).includes(v);
}
export function isRating(v: unknown): v is Rating {
  return typeof v === 'string' && (RATINGS as readonly string[]).includes(v);
}
