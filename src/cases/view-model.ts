// Shared pieces of the case pages: place labels, quarter labels, the text as paragraphs.
import type { Db } from '../db/connection.js';
import type { Locale } from '../config.js';
import { translate } from '../i18n/translate.js';
import { placeChain, placeLabel } from '../regions/index.js';
import { isQuarter } from './quarter.js';

/** "长春市 南关区 永吉街道" for each region code (township level at most), looked up once per code. */
export async function placeLabels(db: Db, codes: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const code of new Set(codes)) out.set(code, placeLabel(await placeChain(db, code)));
  return out;
}

/** 2026Q3 in the reader's language: 2026年第三季度, Q3 2026, 2026년 3분기. */
export function quarterLabel(locale: Locale, quarter: string): string {
  if (!isQuarter(quarter)) return quarter;
  const q = Number(quarter.slice(5));
  return translate(locale, 'cases.quarter_label', { year: quarter.slice(0, 4), q, qzh: '一二三四'[q - 1] });
}

/** Paragraphs of a case's text (blank lines and line breaks both separate them). */
export function paragraphs(text: string): string[] {
  return text
    .split(/\n+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** The first characters of a text, for a list. */
export function excerpt(text: string, chars = 90): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const list = Array.from(flat);
  return list.length > chars ? `${list.slice(0, chars).join('')}…` : flat;
}
