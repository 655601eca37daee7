// What the public pages show of the roster and of postings. Only published fields leave here:
// masked name, household size, amount, type, village, dates. The objection link (对此有异议) carries
// the category, the place codes and the roster entry's id — never a name or any other personal data.
import type { Db } from '../db/connection.js';
import { todayInChina } from '../clocks/index.js';
import { findRegions, placeChain, type PlaceChain, type Region } from '../regions/index.js';
import { ROSTER_PAGE_SIZE, yuan } from './posting-rules.js';
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
  sinceOn: string;
  villageName?: string;
  villageCode: string;
  objectionHref: string;
}

export function rosterLine(r: repo.Recipient, place: PlaceCodes, villageName?: string): RosterLine {
  return {
    id: r.id,
    maskedName: r.maskedName,
    householdSize: r.householdSize,
    amount: yuan(r.monthlyAmountFen),
    type: r.type,
    sinceOn: r.sinceOn,
    villageCode: r.villageCode,
    ...(villageName ? { villageName } : {}),
    objectionHref: objectionHref(place, r.id),
  };
}

export interface PostingView {
  id: number;
  startsOn: string;
  endsOn: string;
  open: boolean;
  counts: { new: number; changed: number; removed: number };
  entries: { change: string; maskedName: string; householdSize: number; amount: string; type: string; objectionHref: string }[];
}

export function postingViews(db: Db, list: readonly repo.Posting[], place: PlaceCodes, today: string): PostingView[] {
  const entries = repo.entriesOf(db, list.map((p) => p.id));
  return list.map((p) => {
    const rows = entries.get(p.id) ?? [];
    const count = (c: string) => rows.filter((e) => e.change === c).length;
    return {
      id: p.id,
      startsOn: p.startsOn,
      endsOn: p.endsOn,
      open: p.startsOn <= today && today <= p.endsOn,
      counts: { new: count('new'), changed: count('changed'), removed: count('removed') },
      entries: rows.map((e) => ({ change: e.change, maskedName: e.maskedName, householdSize: e.householdSize, amount: yuan(e.monthlyAmountFen), type: e.type, objectionHref: objectionHref(place, e.recipientId, e.change === 'removed' ? REMOVAL_OBJECTION_CATEGORY : OBJECTION_CATEGORY) })),
    };
  });
}

/** A positive safe integer from a query parameter, else null (first page). */
export function cursor(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
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
  past: PostingView[];
  morePastHref: string | null;
  total: number;
}

export const PAST_POSTINGS_PER_PAGE = 10;

export async function villagePage(db: Db, village: Region, after: number | null, now = new Date()): Promise<VillagePage | null> {
  const chain = await placeChain(db, village.code);
  const place = placeCodesOf(chain);
  if (!place) return null;
  const today = todayInChina(now);
  const rows = repo.villageRoster(db, village.code, after ?? 0, ROSTER_PAGE_SIZE + 1);
  const page = rows.slice(0, ROSTER_PAGE_SIZE);
  const last = page[page.length - 1];
  const firstPage = after === null;
  const past = firstPage ? repo.pastPostings(db, village.code, today, Number.MAX_SAFE_INTEGER, PAST_POSTINGS_PER_PAGE + 1) : [];
  const pastShown = past.slice(0, PAST_POSTINGS_PER_PAGE);
  return {
    village,
    chain,
    place,
    roster: page.map((r) => rosterLine(r, place)),
    nextHref: rows.length > ROSTER_PAGE_SIZE && last ? `/disclosure/villages/${village.code}?after=${last.id}` : null,
    firstPage,
    open: firstPage ? postingViews(db, repo.openPostings(db, village.code, today), place, today) : [],
    past: postingViews(db, pastShown, place, today),
    morePastHref: past.length > PAST_POSTINGS_PER_PAGE ? `/disclosure/villages/${village.code}/postings?before=${pastShown[pastShown.length - 1]!.id}` : null,
    total: repo.activeCounts(db, [village.code]).get(village.code) ?? 0,
  };
}

/** Names of the villages on a county page (one lookup for the page's distinct villages). */
export async function villageNames(db: Db, codes: readonly string[]): Promise<Map<string, Region>> {
  return new Map((await findRegions(db, [...new Set(codes)])).map((r) => [r.code, r]));
}
