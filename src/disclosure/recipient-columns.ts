// What the columns of a township's recipient list are called and how each cell is read. Lists come
// out of many local spreadsheets, so headers and values are matched by their common variants; a
// value that is not clearly one of them is reported, never guessed.
import { normalizeName } from './masking.js';
import type { Cell } from './recipient-file.js';
import { validateIdNumber, type IdNumberReason } from './id-number.js';

export const RECIPIENT_TYPES = ['low', 'extreme', 'temporary'] as const;
export type RecipientType = (typeof RECIPIENT_TYPES)[number];
export const RECIPIENT_TYPE_LABELS: Record<RecipientType, string> = { low: '低保', extreme: '特困', temporary: '临时救助' };

export const FIELDS = ['name', 'idNumber', 'householdSize', 'monthlyAmount', 'type', 'village'] as const;
export type Field = (typeof FIELDS)[number];

/** The headers of the downloadable template; each is also one of the recognised variants. */
export const TEMPLATE_HEADERS: Record<Field, string> = {
  name: '姓名',
  idNumber: '身份证号码',
  householdSize: '家庭人口',
  monthlyAmount: '月保障金（元）',
  type: '救助类型',
  village: '村（社区）',
};

/** Variants after headerKey() (so without spaces, units in brackets or "*" marks). */
const HEADER_VARIANTS: Record<Field, readonly string[]> = {
  name: ['姓名', '户主姓名', '户主', '保障对象姓名', '救助对象姓名', '对象姓名', '申请人姓名', '名字'],
  idNumber: ['身份证号', '身份证号码', '公民身份号码', '公民身份证号码', '身份证', '户主身份证号', '户主身份证号码', '身份证件号码', '证件号码'],
  householdSize: ['家庭人口', '家庭人口数', '户籍人口', '保障人口', '保障人口数', '保障人数', '共同生活人口', '共同生活家庭成员人数', '家庭成员人数', '人口数', '享受人数'],
  monthlyAmount: ['月保障金', '月保障金额', '月救助金额', '月救助金', '保障金额', '保障金', '救助金额', '月发放金额', '发放金额', '月补助金额', '补助金额', '月享受金额'],
  type: ['救助类型', '保障类型', '救助类别', '保障类别', '对象类别', '对象类型', '类型', '类别'],
  village: ['村', '所在村', '村名', '村别', '所属村', '行政村', '村委会', '村居', '村社区', '社区', '所在村社区'],
};

/** Header text reduced for matching: 月保障金（元） → 月保障金, 村（社区） → 村, *姓名 → 姓名. */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\([^)]*\)|\[[^\]]*\]|【[^】]*】/gu, '')
    .replace(/[\s*※:：/、]/gu, '')
    .toLowerCase();
}

const HEADER_LOOKUP = new Map<string, Field>(
  FIELDS.flatMap((f) => HEADER_VARIANTS[f].map((v) => [headerKey(v), f] as const)),
);

export function matchHeader(cell: Cell): Field | null {
  return typeof cell === 'string' ? (HEADER_LOOKUP.get(headerKey(cell)) ?? null) : null;
}

/**
 * Assistance types. 城市低保 is accepted as 低保: the township's list includes its communities
 * (社区) and Jilin runs one 城乡低保 scheme. 五保 is the pre-2014 name of 特困供养. 低保边缘 (families
 * just above the line) is a different status and is deliberately not in the list.
 */
const TYPE_VARIANTS: Record<RecipientType, readonly string[]> = {
  low: ['低保', '农村低保', '城市低保', '城乡低保', '低保户', '低保对象', '农村低保户', '农村低保对象', '最低生活保障', '农村最低生活保障', '城市最低生活保障', '城乡最低生活保障', 'low'],
  extreme: ['特困', '特困供养', '特困人员', '特困供养人员', '特困人员供养', '农村特困', '城市特困', '农村特困供养', '分散供养特困人员', '集中供养特困人员', '五保', '五保户', '农村五保', '五保供养', '农村五保供养', 'extreme'],
  temporary: ['临时救助', '临时救助对象', '临时', 'temporary'],
};
const TYPE_LOOKUP = new Map<string, RecipientType>(
  RECIPIENT_TYPES.flatMap((t) => TYPE_VARIANTS[t].map((v) => [v, t] as const)),
);

export function parseType(cell: Cell): RecipientType | null {
  if (typeof cell !== 'string') return null;
  return TYPE_LOOKUP.get(cell.normalize('NFKC').replace(/\s/gu, '').toLowerCase()) ?? null;
}

/** Whole persons 1–20; "3人" and "3口" as typed in many lists are read as 3. */
export function parseHouseholdSize(cell: Cell): number | null {
  const text = typeof cell === 'number' ? String(cell) : (cell ?? '').normalize('NFKC').replace(/\s|人|口/gu, '');
  if (!/^\d+(\.0+)?$/.test(text)) return null;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 20 ? n : null;
}

export const MAX_MONTHLY_AMOUNT_FEN = 20_000_00;

/**
 * Monthly amount 0–20000 yuan with at most two decimals, returned in fen (integer) so that sums
 * and comparisons are exact. "¥1,234.50" and "560元" are read; a float from XLSX such as
 * 560.1000000001 (binary rounding) counts as 560.10.
 */
export function parseAmountFen(cell: Cell): number | null {
  let fen: number;
  if (typeof cell === 'number') {
    fen = Math.round(cell * 100);
    if (Math.abs(cell * 100 - fen) > 1e-6) return null;
  } else {
    const text = (cell ?? '').normalize('NFKC').replace(/\s/gu, '').replace(/^[¥]/u, '').replace(/元$/u, '');
    const plain = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? text.replace(/,/g, '') : text;
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(plain);
    if (!m) return null;
    fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  }
  return Number.isSafeInteger(fen) && fen >= 0 && fen <= MAX_MONTHLY_AMOUNT_FEN ? fen : null;
}

/** A person's name: letters, combining marks, dots, spaces, hyphen, apostrophe; 1–50 characters. */
export function parseName(cell: Cell): string | null {
  if (typeof cell !== 'string') return null;
  const name = normalizeName(cell);
  const length = Array.from(name).length;
  if (length < 1 || length > 50 || !/^[\p{L}\p{M}· '-]+$/u.test(name)) return null;
  // Han names are stored without the spaces typed for alignment (张  伟 → 张伟).
  return /^[\p{Script=Han} ]+$/u.test(name) ? name.replace(/ /g, '') : name;
}

export interface Village {
  code: string;
  name: string;
}
export type VillageMatch = Village | 'unknown' | 'ambiguous';

/**
 * Canonical form of a village name: NFKC, no spaces, no bracketed notes (新月村委会（新月工业小区）),
 * and the committee suffix reduced to the place word: 东安村委会 / 东安村民委员会 → 东安村,
 * 兰家大街居委会 / 兰家大街社区居民委员会 → 兰家大街社区. The official list itself (NBS) mixes
 * 村委会 and 村 forms, so both sides are reduced the same way.
 */
export function villageKey(name: string): string {
  const s = name.normalize('NFKC').replace(/\s/gu, '').replace(/\([^)]*\)/gu, '');
  const village = /^(.+?)(?:村民委员会|村委会|村委)$/u.exec(s);
  if (village) return `${village[1]}村`;
  const community = /^(.+?)(?:社区居民委员会|社区居委会|居民委员会|居委会)$/u.exec(s);
  if (community) return `${community[1]}社区`;
  return s;
}

/** Exact name first; then the canonical form; then a bare name (东安) if only one place fits. */
export function makeVillageMatcher(villages: readonly Village[]): (cell: Cell) => VillageMatch {
  const exact = new Map<string, Village[]>();
  const loose = new Map<string, Village[]>();
  const add = (map: Map<string, Village[]>, key: string, v: Village) => map.set(key, [...(map.get(key) ?? []), v]);
  for (const v of villages) {
    add(exact, v.name.normalize('NFKC').replace(/\s/gu, ''), v);
    add(loose, villageKey(v.name), v);
  }
  const pick = (found: Village[] | undefined): VillageMatch | null =>
    !found || found.length === 0 ? null : found.length === 1 ? found[0]! : 'ambiguous';
  return (cell) => {
    if (cell === null) return 'unknown';
    const text = String(cell).normalize('NFKC').replace(/\s/gu, '');
    const key = villageKey(text);
    const direct = pick(exact.get(text)) ?? pick(loose.get(key));
    if (direct) return direct;
    const bare = [...(loose.get(`${key}村`) ?? []), ...(loose.get(`${key}社区`) ?? [])];
    return pick(bare) ?? 'unknown';
  };
}

const ID_MESSAGES: Record<IdNumberReason, string> = {
  length: 'disclosure.import.bad_id_length',
  format: 'disclosure.import.bad_id_format',
  region: 'disclosure.import.bad_id_region',
  birthdate: 'disclosure.import.bad_id_birthdate',
  checksum: 'disclosure.import.bad_id_checksum',
};

/**
 * An ID cell of an imported list, validated (GB 11643). An 18-digit number that Excel stored as a
 * float has lost its last digits and gets its own message; an exact 15-digit number is fine.
 */
export function readIdCell(value: Cell, options: { now?: Date; allowLegacy15?: boolean } = {}): { normalized: string } | { reason: string } {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || String(value).length !== 15) return { reason: 'disclosure.import.id_as_number' };
    text = String(value);
  } else text = value ?? '';
  if (/^\s*\d(\.\d+)?e\+?\d+\s*$/iu.test(text)) return { reason: 'disclosure.import.id_as_number' };
  const result = validateIdNumber(text, options);
  return result.ok ? { normalized: result.normalized } : { reason: ID_MESSAGES[result.reason] };
}
