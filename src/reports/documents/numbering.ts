// 文号 of the written notices (README.md "Numbers"): `<unit short form><unit letter><kind>〔<year>〕<N>号`,
// e.g. 南关民信受〔2026〕1号. Counted per issuing unit, per year, per kind; a number is issued once, on
// the document's first print or download, and read back on every later one.
import type { Db } from '../../db/connection.js';
import { withTransaction } from '../../db/transaction.js';
import * as repo from './repository.js';
import { isUniqueViolation } from '../../db/dialect.js';

export const DOCUMENT_KINDS = ['acceptance', 'redirect', 'extension', 'answer', 'review', 'rereview', 'referral'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export function isDocumentKind(value: unknown): value is DocumentKind {
  return typeof value === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(value);
}

/** The kind's part of the prefix: 信 for the 信访 notices and answers, then one character for the kind. */
export const KIND_CODES: Record<DocumentKind, string> = {
  acceptance: '信受', // 受理告知书
  redirect: '信告', // 第二十三条 告知书 (向有权处理的机关、单位提出)
  extension: '信延', // 延期告知书
  answer: '信处', // 处理意见书
  review: '信复', // 复查意见书
  rereview: '信核', // 复核意见书
  referral: '移', // 移送函
};

/**
 * The short form of a civil-affairs unit's name, as offices write it before their 文号: 南关区民政局 →
 * 南关, 长春市民政局 → 长春, 延边朝鲜族自治州民政局 → 延边, 长白朝鲜族自治县民政局 → 长白, 吉林省民政厅
 * → 吉, 吉林前郭经济技术开发区社会事务局 → 前郭经开. A county (县) keeps its 县 so 通化县 and 通化市
 * differ. Two units that still shorten alike keep separate counters (the unit id is the key).
 */
export function unitShortName(name: string): string {
  let s = name.replace(/（[^）]*）|\([^)]*\)/g, '').replace(/(民政厅|民政局|社会事务局)$/, '');
  if (s === '吉林省') return '吉';
  const zone = /开发区$/.test(s);
  s = s
    .replace(/高新技术(产业)?开发区$/, '高新')
    .replace(/经济(技术)?开发区$/, '经开')
    .replace(/管委会$/, '')
    .replace(/(朝鲜族|满族|蒙古族|回族|锡伯族)+自治[州县]$/, '');
  if (zone && s.startsWith('吉林') && s.length > 4) s = s.slice(2);
  if (!zone && s.length > 2) s = s.replace(/[市区]$/, '');
  return s || name;
}

/** The prefix of the unit's numbers for this kind: 民 for a 民政 unit, 社 for a zone's 社会事务局. */
export function numberPrefix(unitName: string, kind: DocumentKind): string {
  const letter = unitName.endsWith('社会事务局') ? '社' : '民';
  return `${unitShortName(unitName)}${letter}${KIND_CODES[kind]}`;
}

export function formatNumber(prefix: string, year: number, seq: number): string {
  return `${prefix}〔${year}〕${seq}号`;
}

export interface NumberRequest {
  kind: DocumentKind;
  /** What the document writes down: `event:<id>` or `referral:<id>`; one number per source. */
  source: string;
  reportId: number;
  unitId: number;
  unitName: string;
  /** The year of the document's date in China. */
  year: number;
}

export interface IssuedNumber {
  text: string;
  unitId: number;
  year: number;
  seq: number;
  /** Issued by this call (false: read back from an earlier print). */
  fresh: boolean;
  /** When the number was first issued (the signed copy's manifest states it). */
  issuedAt: number;
}

/**
 * The document's number: the one issued before for this source, else the next of (unit, year, kind),
 * in one transaction, so two prints at once cannot take the same N (the unique indexes hold it too:
 * a node that loses the race on another engine reads again and takes the next one).
 */
export async function issueNumber(db: Db, req: NumberRequest, now = Date.now()): Promise<IssuedNumber> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTransaction(db, async (tx) => {
        const existing = await repo.numberForSource(tx, req.source);
        if (existing) return { text: formatNumber(existing.prefix, existing.year, existing.seq), unitId: existing.unitId, year: existing.year, seq: existing.seq, fresh: false, issuedAt: Number(existing.issuedAt) };
        const seq = (await repo.lastSeq(tx, req.unitId, req.year, req.kind)) + 1;
        const prefix = numberPrefix(req.unitName, req.kind);
        await repo.insertNumber(tx, { unitId: req.unitId, year: req.year, kind: req.kind, seq, reportId: req.reportId, source: req.source, prefix, issuedAt: now });
        return { text: formatNumber(prefix, req.year, seq), unitId: req.unitId, year: req.year, seq, fresh: true, issuedAt: now };
      });
    } catch (err) {
      if (attempt < 3 && isUniqueViolation(err, 'document_numbers')) continue;
      throw err;
    }
  }
}

/** The number issued for this source, without issuing one. */
export async function issuedNumber(db: Db, source: string): Promise<string | null> {
  const row = await repo.numberForSource(db, source);
  return row ? formatNumber(row.prefix, row.year, row.seq) : null;
}
