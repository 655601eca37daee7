// What the public pages show of the roster and of postings. Only published fields leave here:
// masked name, household size, amount, type, village, dates. The objection link (对此有异议) carries
// the category, the place codes and the roster entry's id — never a name or any other personal data.
import type { Db } from '../db/connection.js';
import { MAX_ROW_ID } from '../db/dialect.js';
import { todayInChina } from '../clocks/index.js';
import { findRegions, placeChain, type PlaceChain, type Region } from '../regions/index.js';
import { assistanceTypeKey } from './assistance-labels.js';
import { isOpen, ROSTER_PAGE_SIZE, yuan } from './posting-rules.js';
import * as repo from './repository.js';

/** The report category of an objection to a listed recipient (错保). */
export const OBJECTION_CATEGORY = 'wrong_grant';
/** An objection to a posted removal is about the removal (一刀切退保), not about a wrong grant. */
export const REMOVAL_OBJECTION_CATEGORY = 'blanket_removal';

export interface PlaceCodes {
  prefecture: string;
  county: string;
  township: string;
  village: string;
}

/** The report form, prefilled with the place and the entry (src/reports/routes/filing.ts reads these). */
export function objectionHref(place: PlaceCodes, recipientId: number, category: string = OBJECTION_CATEGORY): string {
  const q = new URLSearchParams({ category, ...place, objection: String(recipientId) });
  return `/report?${q.toString()}`;
}

export function placeCodesOf(chain: PlaceChain): PlaceCodes | null {
  const { prefecture, county, township, village } = chain;
  if (!prefecture || !county || !township || !village) return null;
  return { prefecture: prefecture.code, county: county.code, township: township.code, village: village.code };
}

export interface RosterLine {
  id: number;
  maskedName: string;
  householdSize: number;
  amount: string;
  type: string;
  /** The label's message key: 农村低保 in a village, 城市低保 in a community (assistance-labels.ts). */
  typeKey: string;
  sinceOn: string;
  villageName?: string;
  villageCode: string;
  objectionHref: string;
}

/** `villageKind` is the regions' kind of the recipient's village (village | community), for the type's label. */
export function rosterLine(r: repo.Recipient, place: PlaceCodes, villageKind: string | undefined, villageName?: string): RosterLine {
  return {
    id: r.id,
    maskedName: r.maskedName,
    householdSize: r.householdSize,
    amount: yuan(r.monthlyAmountFen),
    type: r.type,
    typeKey: assistanceTypeKey(r.type, villageKind),
    sinceOn: r.sinceOn,
    villageCode: r.villageCode,
    ...(villageName ? { villageName } : {}),
    objectionHref: objectionHref(place, r.id),
  };
}

/** Past postings on the village page; older ones are on the history page. */
export const PAST_POSTINGS_PER_PAGE = 10;
/** Past postings per page of a village's history (one line each). */
export const HISTORY_PAGE_SIZE = 50;
/**
 * An open posting with more entries than this is not listed on the village page but linked to its
 * own page: a village's first posting lists its whole roster (700 people in the largest village,
 * a 366 KB page, bench/findings.md).
 */
export const INLINE_ENTRIES_MAX = 50;
/** Entries per page of a posting's own page (as a roster page: ≈ 25 KB). */
export const POSTING_PAGE_SIZE = ROSTER_PAGE_SIZE;

export function postingHref(villageCode: string, postingId: number): string {
  return `/disclosure/villages/${villageCode}/postings/${postingId}`;
}

/** One line of a posting: its period, counts and the link to its own page. */
export interface PostingSummary {
  id: number;
  startsOn: string;
  endsOn: string;
  open: boolean;
  counts: repo.EntryCounts;
  total: number;
  href: string;
}

export interface EntryLine {
  id: number;
  change: string;
  maskedName: string;
  householdSize: number;
  amount: string;
  type: string;
  typeKey: string;
  objectionHref: string;
}

/** A posting on the village page: its entries when there are few enough to list there, else null (linked). */
export interface PostingView extends PostingSummary {
  entries: EntryLine[] | null;
}

/** An objection to a posted removal is filed as 一刀切退保, to a new or changed entry as 错保. */
function entryLine(e: repo.PostingEntry, place: PlaceCodes, villageKind: string | undefined): EntryLine {
  const category = e.change === 'removed' ? REMOVAL_OBJECTION_CATEGORY : OBJECTION_CATEGORY;
  return { id: e.id, change: e.change, maskedName: e.maskedName, householdSize: e.householdSize, amount: yuan(e.monthlyAmountFen), type: e.type, typeKey: assistanceTypeKey(e.type, villageKind), objectionHref: objectionHref(place, e.recipientId, category) };
}

export async function postingSummaries(db: Db, list: readonly repo.Posting[], villageCode: string, today: string): Promise<PostingSummary[]> {
  const counts = await repo.entryCounts(db, list.map((p) => p.id));
  return list.map((p) => {
    const c = counts.get(p.id) ?? { new: 0, changed: 0, removed: 0 };
    return { id: p.id, startsOn: p.startsOn, endsOn: p.endsOn, open: isOpen(p, today), counts: c, total: c.new + c.changed + c.removed, href: postingHref(villageCode, p.id) };
  });
}

/** Postings with their entries, except those with more than INLINE_ENTRIES_MAX (only counted and linked). */
export async function postingViews(db: Db, list: readonly repo.Posting[], place: PlaceCodes, today: string, villageKind?: string): Promise<PostingView[]> {
  const summaries = await postingSummaries(db, list, place.village, today);
  const entries = await repo.entriesOf(db, summaries.filter((s) => s.total <= INLINE_ENTRIES_MAX).map((s) => s.id));
  return summaries.map((s) => {
    const rows = entries.get(s.id);
    return { ...s, entries: rows ? rows.map((e) => entryLine(e, place, villageKind)) : null };
  });
}

/**
 * A positive integer from a query parameter or path, else null (first page). A larger number than
 * any id is read as the largest id (src/db/dialect.ts): it finds the same rows — none after it, all
 * before it, no such posting — on both engines, where PostgreSQL would refuse it in a query.
 */
export function cursor(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) return null;
  return Math.min(Number(value), MAX_ROW_ID);
}

export interface Breadcrumb {
  name: string;
  href: string | null;
}

/** 全省 › 长春市 › 南关区 › 南岭街道 › 华阳社区, each linking to its browse page (the last one not). */
export function breadcrumbs(chain: PlaceChain): Breadcrumb[] {
  const levels = [chain.prefecture, chain.county, chain.township, chain.village].filter((r): r is Region => r !== undefined);
  return levels.map((r, i) => ({ name: r.name, href: i === levels.length - 1 ? null : r.level === 'village' ? `/disclosure/villages/${r.code}` : `/disclosure/regions/${r.code}` }));
}

export interface VillagePage {
  village: Region;
  chain: PlaceChain;
  place: PlaceCodes;
  roster: RosterLine[];
  nextHref: string | null;
  firstPage: boolean;
  open: PostingView[];
  past: PostingSummary[];
  morePastHref: string | null;
  total: number;
}

/** Open postings in full (or linked when large), the roster page, past postings as one line each. */
export async function villagePage(db: Db, village: Region, after: number | null, now = new Date()): Promise<VillagePage | null> {
  const chain = await placeChain(db, village.code);
  const place = placeCodesOf(chain);
  if (!place) return null;
  const today = todayInChina(now);
  const rows = await repo.villageRoster(db, village.code, after ?? 0, ROSTER_PAGE_SIZE + 1);
  const page = rows.slice(0, ROSTER_PAGE_SIZE);
  const last = page[page.length - 1];
  const firstPage = after === null;
  const past = firstPage ? await repo.pastPostings(db, village.code, today, null, PAST_POSTINGS_PER_PAGE + 1) : [];
  const pastShown = past.slice(0, PAST_POSTINGS_PER_PAGE);
  return {
    village,
    chain,
    place,
    roster: page.map((r) => rosterLine(r, place, village.kind)),
    nextHref: rows.length > ROSTER_PAGE_SIZE && last ? `/disclosure/villages/${village.code}?after=${last.id}` : null,
    firstPage,
    open: firstPage ? await postingViews(db, await repo.openPostings(db, village.code, today), place, today, village.kind) : [],
    past: await postingSummaries(db, pastShown, village.code, today),
    morePastHref: past.length > PAST_POSTINGS_PER_PAGE ? `/disclosure/villages/${village.code}/postings?before=${pastShown[pastShown.length - 1]!.id}` : null,
    total: (await repo.activeCounts(db, [village.code])).get(village.code) ?? 0,
  };
}

export interface HistoryPage {
  chain: PlaceChain;
  past: PostingSummary[];
  moreHref: string | null;
}

/** A village's past postings before the posting `before`, newest first, one line each. */
export async function historyPage(db: Db, village: Region, before: number | null, now = new Date()): Promise<HistoryPage | null> {
  const chain = await placeChain(db, village.code);
  if (!placeCodesOf(chain)) return null;
  const today = todayInChina(now);
  const list = await repo.pastPostings(db, village.code, today, before, HISTORY_PAGE_SIZE + 1);
  const shown = list.slice(0, HISTORY_PAGE_SIZE);
  return {
    chain,
    past: await postingSummaries(db, shown, village.code, today),
    moreHref: list.length > HISTORY_PAGE_SIZE ? `/disclosure/villages/${village.code}/postings?before=${shown[shown.length - 1]!.id}` : null,
  };
}

export interface PostingPage {
  chain: PlaceChain;
  posting: PostingSummary;
  entries: EntryLine[];
  /** Place of the first and last entry shown, counting from 1. */
  from: number;
  to: number;
  nextHref: string | null;
  firstHref: string | null;
}

/**
 * One posting of this village with a page of its entries after the entry `after` (keyset). Null —
 * a 404 — for an unknown posting, another village's, or one not begun yet.
 */
export async function postingPage(db: Db, village: Region, postingId: number, after: number | null, now = new Date()): Promise<PostingPage | null> {
  const today = todayInChina(now);
  const posting = await repo.postingById(db, postingId);
  if (!posting || posting.villageCode !== village.code || posting.startsOn > today) return null;
  const chain = await placeChain(db, village.code);
  const place = placeCodesOf(chain);
  if (!place) return null;
  const summary = (await postingSummaries(db, [posting], village.code, today))[0]!;
  const rows = await repo.postingEntriesPage(db, posting.id, after ?? 0, POSTING_PAGE_SIZE + 1);
  const page = rows.slice(0, POSTING_PAGE_SIZE);
  const first = page[0];
  const last = page[page.length - 1];
  const from = !first ? 0 : after === null ? 1 : await repo.entryPosition(db, posting.id, first.id);
  return {
    chain,
    posting: summary,
    entries: page.map((e) => entryLine(e, place, village.kind)),
    from,
    to: first ? from + page.length - 1 : 0,
    nextHref: rows.length > POSTING_PAGE_SIZE && last ? `${summary.href}?after=${last.id}` : null,
    firstHref: after === null ? null : summary.href,
  };
}

/** Names of the villages on a county page (one lookup for the page's distinct villages). */
export async function villageNames(db: Db, codes: readonly string[]): Promise<Map<string, Region>> {
  return new Map((await findRegions(db, [...new Set(codes)])).map((r) => [r.code, r]));
}
