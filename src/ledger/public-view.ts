// The public ledger (整改台账公开): by prefecture, then county, with progress and overdue items
// marked. No personal names: the responsible unit is shown, never the responsible person (that
// field is free text and often holds a name), and no place below the county.
import type { Db } from '../db/connection.js';
import { findRegion, regionsAtLevel, type Region } from '../regions/index.js';
import { todayInChina } from '../clocks/index.js';
import { ITEM_STATUSES, isItemStatus, isOverdue, type ItemStatus } from './catalog.js';
import { publicItems, type PublicRow } from './repository.js';

export const PUBLIC_LIMIT = 1000;

export interface PublicFilter {
  region?: string;
  status?: ItemStatus;
  overdue?: boolean;
}

/** Reads the query string; anything unknown is ignored rather than refused (cache keys stay few). */
export async function parsePublicFilter(db: Db, q: Record<string, string | undefined>): Promise<{ filter: PublicFilter; region?: Region }> {
  const filter: PublicFilter = {};
  let region: Region | undefined;
  if (q.region && /^\d{6}$/.test(q.region)) {
    region = await findRegion(db, q.region);
    if (region && (region.level === 'prefecture' || region.level === 'county')) filter.region = region.code;
    else region = undefined;
  }
  if (isItemStatus(q.status)) filter.status = q.status;
  if (q.overdue === '1') filter.overdue = true;
  return { filter, region };
}

export function filterQuery(filter: PublicFilter): string {
  const p = new URLSearchParams();
  if (filter.region) p.set('region', filter.region);
  if (filter.status) p.set('status', filter.status);
  if (filter.overdue) p.set('overdue', '1');
  return p.toString();
}

export interface PublicItem extends PublicRow {
  overdue: boolean;
  prefectureName: string;
  countyName: string;
}

export interface Tally {
  total: number;
  not_started: number;
  in_progress: number;
  awaiting_signoff: number;
  signed_off: number;
  overdue: number;
}

const emptyTally = (): Tally => ({ total: 0, not_started: 0, in_progress: 0, awaiting_signoff: 0, signed_off: 0, overdue: 0 });

function tally(t: Tally, item: PublicItem): void {
  t.total++;
  if (isItemStatus(item.status)) t[item.status]++;
  if (item.overdue) t.overdue++;
}

/** Every item of the filter, with its prefecture and county names (for the page and the exports). */
export async function loadPublicItems(db: Db, filter: PublicFilter, today = todayInChina()): Promise<PublicItem[]> {
  const names = new Map<string, string>();
  for (const r of [...(await regionsAtLevel(db, 'prefecture')), ...(await regionsAtLevel(db, 'county'))]) names.set(r.code, r.name);
  return (await publicItems(db, { ...filter, today })).map((row) => ({
    ...row,
    overdue: isOverdue(row, today),
    prefectureName: row.prefectureCode ? (names.get(row.prefectureCode) ?? '') : '',
    countyName: row.countyCode ? (names.get(row.countyCode) ?? '') : '',
  }));
}

export async function publicLedgerContext(db: Db, filter: PublicFilter, region: Region | undefined, today = todayInChina()) {
  const items = await loadPublicItems(db, filter, today);
  const prefectures = await regionsAtLevel(db, 'prefecture');
  const counties = await regionsAtLevel(db, 'county');
  const focusPrefecture = region?.level === 'prefecture' ? region.code : region?.level === 'county' ? region.parentCode : null;

  // The summary: one row per prefecture (province view) or per county (prefecture view).
  const summaryRegions = region?.level === 'prefecture' ? counties.filter((c) => c.parentCode === region.code) : region ? [] : prefectures;
  const summaryKey = region?.level === 'prefecture' ? 'countyCode' : 'prefectureCode';
  const summary = summaryRegions.map((r) => {
    const t = emptyTally();
    for (const i of items) if (i[summaryKey] === r.code) tally(t, i);
    return { code: r.code, name: r.name, ...t };
  });
  const total = emptyTally();
  for (const i of items) tally(total, i);

  // The items, nested prefecture → county; the province's and prefectures' own items first.
  const shown = items.slice(0, PUBLIC_LIMIT);
  const provinceItems = shown.filter((i) => !i.prefectureCode);
  const groups: { code: string; name: string; own: PublicItem[]; counties: { code: string; name: string; items: PublicItem[] }[] }[] = [];
  for (const i of shown) {
    if (!i.prefectureCode) continue;
    let g = groups.find((x) => x.code === i.prefectureCode);
    if (!g) groups.push((g = { code: i.prefectureCode, name: i.prefectureName, own: [], counties: [] }));
    if (!i.countyCode) {
      g.own.push(i);
      continue;
    }
    let c = g.counties.find((x) => x.code === i.countyCode);
    if (!c) g.counties.push((c = { code: i.countyCode, name: i.countyName, items: [] }));
    c.items.push(i);
  }
  const query = filterQuery(filter);
  return {
    today,
    filter,
    region: region ? { code: region.code, name: region.name, level: region.level } : null,
    parent: region?.level === 'county' && focusPrefecture ? { code: focusPrefecture, name: prefectures.find((p) => p.code === focusPrefecture)?.name ?? '' } : null,
    statuses: ITEM_STATUSES,
    regionOptions: prefectures.map((p) => ({
      code: p.code,
      name: p.name,
      counties: p.code === focusPrefecture ? counties.filter((c) => c.parentCode === p.code).map((c) => ({ code: c.code, name: c.name })) : [],
    })),
    summary,
    total,
    provinceItems,
    groups,
    truncated: items.length > PUBLIC_LIMIT,
    csvHref: `/ledger.csv${query ? `?${query}` : ''}`,
    xlsxHref: `/ledger.xlsx${query ? `?${query}` : ''}`,
  };
}
