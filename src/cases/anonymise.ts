// Anonymising typical cases (DESIGN.md §5: surname + position, place to township) and the guard
// that keeps personal data out of a published case (社会救助暂行办法 art. 61; DESIGN.md §5 "never
// publish ID numbers, phones, addresses"). The case text is published in Chinese whatever the UI
// language, so the phrases here are Chinese content, not UI strings.
import { COMPOUND_SURNAMES, HANGUL_COMPOUND_SURNAMES, normalizeName, villageKey } from '../disclosure/index.js';
import type { Category } from '../reports/index.js';
import type { Position } from '../declarations/index.js';
import type { PlaceChain } from '../regions/index.js';

/**
 * The surname alone: 王德福 → 王, 欧阳明华 → 欧阳, 欧阳明 → 欧阳 (a compound surname is recognised
 * when the name has three or more characters, as in maskName). A name with a middle dot has no
 * surname; its first character stands in (阿依古丽·买买提 → 阿). Latin names give their first
 * letter. Blank gives "".
 */
export function surnameOnly(raw: string): string {
  const name = normalizeName(raw).replace(/ /g, '');
  const chars = Array.from(name.split('·').find((p) => p !== '') ?? '');
  if (chars.length === 0) return '';
  if (chars.length >= 3 && !name.includes('·')) {
    const head = chars[0]! + chars[1]!;
    if (COMPOUND_SURNAMES.has(head) || HANGUL_COMPOUND_SURNAMES.has(head)) return head;
  }
  return /\p{L}/u.test(chars[0]!) && !/[\p{Script=Han}\p{Script=Hangul}]/u.test(chars[0]!) ? chars[0]!.toUpperCase() : chars[0]!;
}

/** 王德福 → 王某; no name → "" (the position alone then names the subject). */
export function subjectAlias(name: string | null | undefined): string {
  const surname = name ? surnameOnly(name) : '';
  return surname ? `${surname}某` : '';
}

/** How each position reads in a case, and how much of the place goes before it. */
const POSITION_PHRASES: Record<Position, { phrase: string; place: 'township' | 'county' | 'prefecture' | 'province' }> = {
  village_cadre: { phrase: '某村村干部', place: 'township' },
  group_leader: { phrase: '某村村民小组长', place: 'township' },
  township_assistant: { phrase: '民政助理', place: 'township' },
  township_official: { phrase: '干部', place: 'township' },
  county_bureau_staff: { phrase: '民政局工作人员', place: 'county' },
  county_bureau_head: { phrase: '民政局负责人', place: 'county' },
  county_leader: { phrase: '县级领导干部', place: 'county' },
  city_bureau_staff: { phrase: '民政局工作人员', place: 'prefecture' },
  province_staff: { phrase: '吉林省民政厅工作人员', place: 'province' },
  other_official: { phrase: '公职人员', place: 'township' },
  other: { phrase: '有关人员', place: 'township' },
};

/** Short Chinese names of the problems, as a 通报 titles them (…问题). */
export const CATEGORY_PHRASES: Record<Category, string> = {
  favouritism: '优亲厚友',
  connections: '违规办理人情保、关系保',
  wrong_grant: '违规认定低保对象',
  left_out: '应保未保',
  bribery: '吃拿卡要',
  embezzlement: '截留挪用救助资金',
  false_claims: '虚报套取救助资金',
  impersonation: '冒领救助资金',
  bankbook_custody: '违规代管群众存折（社保卡）',
  undeclared_relatives: '近亲属享受低保未备案',
  blanket_removal: '“一刀切”退保',
  posting_irregular: '低保公示不规范',
  temporary_assistance: '临时救助违规',
  extreme_poverty: '特困供养违规',
  epidemic_poverty: '因疫致贫返贫人员未及时纳入',
  work_style: '推诿敷衍等作风',
  organized_crime: '涉黑涉恶',
  other: '违规',
};

/** The place down to the level a position needs, never below the township: 长春市南关区永吉街道. */
export function placePhrase(chain: PlaceChain, level: 'township' | 'county' | 'prefecture' | 'province' = 'township'): string {
  if (level === 'province') return '';
  const parts = [chain.prefecture, level === 'prefecture' ? undefined : chain.county, level === 'township' ? chain.township : undefined];
  return parts.filter(Boolean).map((r) => r!.name).join('');
}

/** 长春市南关区永吉街道某村村干部王某 — who, where, without the village or the given name. */
export function subjectPhrase(chain: PlaceChain, position: string | null | undefined, name: string | null | undefined): string {
  const p = position && position in POSITION_PHRASES ? POSITION_PHRASES[position as Position] : { phrase: '有关人员', place: 'township' as const };
  return `${placePhrase(chain, p.place)}${p.phrase}${subjectAlias(name)}`;
}

// Sanctions (纪检监察: 党纪处分 of the 中国共产党纪律处分条例 art. 8; 政务处分 of the 公职人员政务处分法
// art. 7), said in general words. Details that are not a short Chinese phrase are left out: the
// published sentence must never carry the inspector's free text.
// The codes the referral workflow records (src/reports/referrals/service.ts RESULT_KINDS), by kind.
const DETAIL_CODES: Record<string, Record<string, string>> = {
  party: { warning: '警告', serious_warning: '严重警告', removal_from_post: '撤销党内职务', probation: '留党察看', expulsion: '开除党籍' },
  administrative: { warning: '警告', demerit: '记过', major_demerit: '记大过', demotion: '降级', dismissal_from_post: '撤职', dismissal: '开除' },
};

function cleanDetail(kind: string | null, detail: string | null | undefined): string | null {
  if (!detail) return null;
  const d = DETAIL_CODES[kind ?? '']?.[detail.trim()] ?? detail.trim();
  return /^[\p{Script=Han}]{2,8}$/u.test(d) ? d : null;
}

export interface Sanction {
  resultKind: string | null;
  resultDetail: string | null;
}

export function hasSanction(s: Sanction | null | undefined): boolean {
  return !!s && ['party', 'administrative', 'organisational', 'judicial'].includes(s.resultKind ?? '');
}

/** 王某受到党内警告处分。 — or "" when there was no sanction. */
export function sanctionSentence(s: Sanction | null | undefined, who: string): string {
  if (!s || !hasSanction(s)) return '';
  const subject = who || '相关责任人';
  const detail = cleanDetail(s.resultKind, s.resultDetail);
  switch (s.resultKind) {
    case 'party':
      return `${subject}受到${detail ? (detail === '警告' || detail === '严重警告' ? `党内${detail}` : detail) : '党纪'}处分。`;
    case 'administrative':
      return `${subject}受到${detail ? `政务${detail}` : '政务'}处分。`;
    case 'organisational':
      return `${subject}受到组织处理${detail ? `（${detail}）` : ''}。`;
    case 'judicial':
      return `${subject}涉嫌犯罪问题已移送司法机关依法处理。`;
    default:
      return '';
  }
}

// ---------------------------------------------------------------------------------------------
// The personal-data guard.

/** Where a drafter must still write: publication is refused while one is left in the text. */
export const PLACEHOLDER_OPEN = '【请';

export type PersonalDataProblem = 'id_number' | 'mobile' | 'full_name' | 'village' | 'placeholder';

export interface GuardContext {
  /** Full names that must not appear (the subject's name as reported). */
  names?: readonly string[];
  /** Village names that must not appear (the report's place). */
  villages?: readonly string[];
}

/**
 * How a village is written in a text: the registered name (丁家村委会), the name people use (丁家村,
 * the roster importer's villageKey: committee suffix and bracketed notes dropped), and the bare name
 * when it is long enough not to be an ordinary word (一号山村委会 → 一号山).
 */
export function villageVariants(raw: string): string[] {
  const name = raw.normalize('NFKC').replace(/\s/gu, '');
  const short = villageKey(name);
  const bare = short.replace(/(?:村|社区|屯|嘎查)$/u, '');
  const out = new Set([name, short]);
  if (Array.from(bare).length >= 3) out.add(bare);
  return [...out].filter((v) => Array.from(v).length >= 2);
}

/** Digits as people type them: full-width digits folded, spaces and dashes inside a number removed. */
function digitsJoined(text: string): string {
  return text.normalize('NFKC').replace(/(?<=\d)[\s\-‐‑‒–—―－.·・]+(?=\d)/gu, '');
}

/**
 * What personal data a text still holds: an ID-like number (15 to 19 digits: a resident ID number
 * of 18 or 15 characters, a bank card), a mainland mobile number (1[3-9] + 9 digits, with or
 * without +86, spaces or dashes), the subject's full name, the village's name, or a placeholder
 * the drafter did not fill in. Empty when the text is clean.
 */
export function personalDataIn(text: string, context: GuardContext = {}): PersonalDataProblem[] {
  const problems = new Set<PersonalDataProblem>();
  const digits = digitsJoined(text);
  if (/(?<!\d)\d{14,18}[\dXx](?![\dA-Za-z])/.test(digits)) problems.add('id_number');
  if (/(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/.test(digits)) problems.add('mobile');
  const compact = text.normalize('NFKC').replace(/[\s·]/gu, '');
  for (const name of context.names ?? []) {
    const n = normalizeName(name).replace(/[\s·]/gu, '');
    // A name typed already masked (王某, 王*) is no full name.
    if (Array.from(n).length >= 2 && !/[某*＊]/u.test(n) && compact.includes(n)) problems.add('full_name');
  }
  for (const village of context.villages ?? []) {
    if (villageVariants(village).some((v) => compact.includes(v))) problems.add('village');
  }
  if (text.includes(PLACEHOLDER_OPEN)) problems.add('placeholder');
  return [...problems];
}
