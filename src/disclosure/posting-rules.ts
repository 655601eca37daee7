// The rules of a posting (公示) and of what the roster stores, in one place.
import { addDays, todayInChina, type IsoDate } from '../clocks/index.js';
import { COMPOUND_SURNAMES, HANGUL_COMPOUND_SURNAMES, normalizeName } from './masking.js';
import type { RecipientType } from './recipient-columns.js';

/**
 * 公示期: how many days a posting of new, changed or removed recipients stays open to objections.
 * 社会救助暂行办法 art. 11 requires the posting in the village but sets no period; the 7 days come
 * from the 2021 national rule 最低生活保障审核确认办法 as applied by local governments (DESIGN.md §5).
 * The default of SUNSHINE_POSTING_DAYS (config.postingDays), for a province that differs.
 */
export const POSTING_DAYS = 7;

/** Roster page size (public pages and county lists). */
export const ROSTER_PAGE_SIZE = 50;

/** The stored assistance types: the roster and declarations (src/declarations/vocab.ts) share them. */
export const STORED_TYPES = ['dibao', 'extreme', 'temporary'] as const;
export type StoredType = (typeof STORED_TYPES)[number];

/** The importer says `low` for 低保; the tables and declarations say `dibao`. */
export function storedType(type: RecipientType): StoredType {
  return type === 'low' ? 'dibao' : type;
}

export interface PostingPeriod {
  startsOn: IsoDate;
  endsOn: IsoDate;
}

/**
 * A posting put up on `startsOn` for `days` days, as a 公示 notice reads "公示期7天": the day it is
 * put up is the first of them, so it ends on the 7th day, not the 8th (issue 19 item 15). Both dates
 * are shown to the public; objections are taken through the end of `endsOn`, China time.
 */
export function postingPeriod(startsOn: IsoDate = todayInChina(), days = POSTING_DAYS): PostingPeriod {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`a posting lasts a whole number of days ≥ 1, got ${days}`);
  return { startsOn, endsOn: addDays(startsOn, days - 1) };
}

/** Open (公示中) on `today` when today is within [startsOn, endsOn]. */
export function isOpen(posting: PostingPeriod, today: IsoDate): boolean {
  return posting.startsOn <= today && today <= posting.endsOn;
}

/**
 * The surname alone, for cross-checks with declared relatives (never published: the masked name
 * shows it anyway). Compound surnames as in maskName(): only for names of three or more
 * characters. Names with a middle dot have no surname; their first part stands in.
 */
export function surnameOf(raw: string): string {
  const name = normalizeName(raw).replace(/ /g, '');
  if (name.includes('·')) return name.split('·')[0] ?? '';
  const chars = Array.from(name);
  if (chars.length >= 3) {
    const head = chars[0]! + chars[1]!;
    if (COMPOUND_SURNAMES.has(head) || HANGUL_COMPOUND_SURNAMES.has(head)) return head;
  }
  return chars[0] ?? '';
}

/** Fen (1/100 yuan) as a yuan amount with two decimals: 56050 → "560.50". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
