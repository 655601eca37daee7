// The prefilled, anonymised draft of a typical case from a concluded report and, when there is
// one, its concluded referral (issue 6 "Typical cases"; issue 5 "The reporter", last paragraph).
import type { Db } from '../db/connection.js';
import { findRegion, placeChain } from '../regions/index.js';
import { isCategory, type Category, type Report } from '../reports/index.js';
import { CATEGORY_PHRASES, PLACEHOLDER_OPEN, sanctionSentence, subjectAlias, subjectPhrase, type GuardContext } from './anonymise.js';
import { currentQuarter } from './quarter.js';
import type { Referral } from './repository.js';

export interface CaseDraft {
  regionCode: string;
  category: Category;
  quarter: string;
  title: string;
  body: string;
}

const FINDING_WORDS: Record<string, string> = { substantiated: '属实', partly: '部分属实' };

export const FACTS_PLACEHOLDER = `${PLACEHOLDER_OPEN}在此概述查实的违规事实：时间、做法、涉及户数和金额；不写全名、村名、身份证号码和电话号码】`;

/** Township of the report's place (or its county when no township is known): never the village. */
export function caseRegionOf(report: Report): string {
  return report.townshipCode ?? report.countyCode;
}

export async function prefillFromReport(db: Db, report: Report, referral: Referral | undefined, now = Date.now()): Promise<CaseDraft> {
  const regionCode = caseRegionOf(report);
  const chain = await placeChain(db, regionCode);
  const category: Category = isCategory(report.category) ? report.category : 'other';
  const who = subjectPhrase(chain, report.subjectPosition, report.subjectName);
  const alias = subjectAlias(report.subjectName);
  const title = `${who}${CATEGORY_PHRASES[category]}问题`;
  const finding = FINDING_WORDS[report.finding ?? ''];
  // The title names the subject and the problem; the text gives the facts, then the outcome.
  const outcome = `${finding ? `群众反映的问题经核查${finding}。` : ''}${sanctionSentence(referral, alias)}`;
  const paragraphs = [`经查，${FACTS_PLACEHOLDER}。`, outcome].filter((l) => l !== '');
  return { regionCode, category, quarter: currentQuarter(now), title, body: paragraphs.join('\n\n') };
}

/** What the guard checks a case against: the subject's name and the village as reported. */
export async function guardContextOf(db: Db, report: Report | undefined): Promise<GuardContext> {
  if (!report) return {};
  const villages: string[] = [];
  const place = await findRegion(db, report.placeCode);
  if (place?.level === 'village') villages.push(place.name);
  if (report.placeOther) villages.push(report.placeOther);
  return { names: report.subjectName ? [report.subjectName] : [], villages };
}
