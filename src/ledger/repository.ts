// Data access for ledger items: async, taking the database or a transaction (src/db/transaction.ts).
import { and, asc, desc, eq, inArray, isNotNull, lt, lte, ne, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { rectificationItems } from './tables.js';
import { unitNameOf } from '../units/index.js';
import { regionAncestorAtLevel, regionNameOf, regionWithin } from '../regions/index.js';
import type { ItemStatus, Source } from './catalog.js';
import { isRowId } from '../db/dialect.js';

export type Item = typeof rectificationItems.$inferSelect;
export type NewItem = typeof rectificationItems.$inferInsert;

export async function insertItem(db: Executor, row: NewItem): Promise<Item> {
  return query(db, (q) => q.insert(rectificationItems).values(row).returning().get());
}

export async function updateItem(db: Executor, id: number, values: Partial<NewItem>): Promise<void> {
  await query(db, (q) => q.update(rectificationItems).set(values).where(eq(rectificationItems.id, id)).run());
}

export async function findItem(db: Executor, id: number): Promise<Item | undefined> {
  if (!isRowId(id)) return undefined;
  return query(db, (q) => q.select().from(rectificationItems).where(eq(rectificationItems.id, id)).get());
}

/**
 * Reopens a signed-off item (its sign-off found wrong): back to in_progress, the sign-off cleared,
 * the reopening recorded and counted. Only while it is still signed off, so a repeated POST or two
 * users at once reopen it once; false when it was not signed off any more.
 */
export async function reopenSignedOff(db: Executor, id: number, values: { by: number; reason: string; deadline?: string; at: number }): Promise<boolean> {
  const result = await query(db, (q) =>
    q
      .update(rectificationItems)
      .set({
        status: 'in_progress',
        signedOffBy: null,
        signedOffAt: null,
        reopenedAt: values.at,
        reopenedBy: values.by,
        reopenReason: values.reason,
        reopenCount: sql`${rectificationItems.reopenCount} + 1`,
        ...(values.deadline ? { deadline: values.deadline } : {}),
        updatedAt: values.at,
      })
      .where(and(eq(rectificationItems.id, id), eq(rectificationItems.status, 'signed_off')))
      .run(),
  );
  return result.changes === 1;
}

/** Items not signed off whose deadline is on or before `horizon` (the deadline sweep), oldest first. */
export async function itemsDueBy(db: Executor, horizon: string): Promise<Item[]> {
  return query(db, (q) =>
    q
      .select()
      .from(rectificationItems)
      .where(and(ne(rectificationItems.status, 'signed_off'), lte(rectificationItems.deadline, horizon)))
      .orderBy(asc(rectificationItems.id))
      .all(),
  );
}

/** The items opened for a report (casework's rectification), oldest first. */
export async function itemsOfReport(db: Executor, reportId: number): Promise<Item[]> {
  return query(db, (q) => q.select().from(rectificationItems).where(eq(rectificationItems.reportId, reportId)).all());
}

export interface ListFilter {
  /** Items whose responsible unit is one of these. */
  unitIds: number[];
  status?: ItemStatus;
  source?: Source;
  overdue?: boolean;
  /** Only items awaiting sign-off whose unit is one of these. */
  signableUnitIds?: number[];
  today: string;
  /** Keyset paging: items with a smaller id (newest first). */
  before?: number;
  limit: number;
}

export async function listItems(db: Executor, f: ListFilter) {
  if (f.unitIds.length === 0) return [];
  // Items of a known unit (its name is never null), as the join on units had it.
  const where: SQL[] = [inArray(rectificationItems.unitId, f.unitIds), isNotNull(unitNameOf(rectificationItems.unitId))];
  if (f.status) where.push(eq(rectificationItems.status, f.status));
  if (f.source) where.push(eq(rectificationItems.source, f.source));
  if (f.overdue) where.push(lt(rectificationItems.deadline, f.today), ne(rectificationItems.status, 'signed_off'));
  if (f.signableUnitIds) where.push(eq(rectificationItems.status, 'awaiting_signoff'), f.signableUnitIds.length ? inArray(rectificationItems.unitId, f.signableUnitIds) : sql`0`);
  if (f.before) where.push(lt(rectificationItems.id, f.before));
  return query(db, (q) =>
    q
      .select({ item: rectificationItems, unitName: sql<string>`${unitNameOf(rectificationItems.unitId)}`, regionName: regionNameOf(rectificationItems.regionCode) })
      .from(rectificationItems)
      .where(and(...where))
      .orderBy(desc(rectificationItems.id))
      .limit(f.limit)
      .all(),
  );
}

export interface PublicRow {
  id: number;
  source: string;
  problem: string;
  measures: string;
  unitName: string;
  deadline: string;
  status: string;
  progress: string | null;
  signedOffAt: number | null;
  updatedAt: number;
  /** 0 unless the item was reopened after a sign-off; then the last reason (never null when the count is above 0). */
  reopenCount: number;
  reopenReason: string | null;
  prefectureCode: string | null;
  countyCode: string | null;
}

/**
 * Items for the public view, each with the prefecture and county its region lies in (by the
 * ancestor closure, never by code prefixes). Place below the county is not returned at all.
 */
export async function publicItems(db: Executor, f: { region?: string; status?: ItemStatus; overdue?: boolean; today: string }): Promise<PublicRow[]> {
  // Items of a known unit (its name is never null), as the join on units had it.
  const where: SQL[] = [sql`${unitNameOf(sql`i.unit_id`)} is not null`];
  if (f.region) where.push(regionWithin(sql`i.region_code`, f.region));
  if (f.status) where.push(sql`i.status = ${f.status}`);
  if (f.overdue) where.push(sql`i.deadline < ${f.today} and i.status <> 'signed_off'`);
  return query(db, (q) => q.all<PublicRow>(sql`
    select i.id, i.source, i.problem, i.measures, ${unitNameOf(sql`i.unit_id`)} as "unitName", i.deadline, i.status, i.progress,
           i.signed_off_at as "signedOffAt", i.updated_at as "updatedAt", i.reopen_count as "reopenCount", i.reopen_reason as "reopenReason",
           ${regionAncestorAtLevel(sql`i.region_code`, 'prefecture')} as "prefectureCode",
           ${regionAncestorAtLevel(sql`i.region_code`, 'county')} as "countyCode"
    from rectification_items i
    where ${sql.join(where, sql` and `)}
    order by "prefectureCode" nulls first, "countyCode" nulls first, i.deadline, i.id`));
}

/** Items entered on the ledger itself (not created from a report's conclusion). */
export async function countEnteredItems(db: Executor): Promise<number> {
  return (await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(rectificationItems).where(ne(rectificationItems.source, 'report')).get()))!.n;
}

export interface ItemHit {
  id: number;
  problem: string;
  deadline: string;
  status: string;
}

/**
 * Items whose problem or measures contain the text, for the site search. The ledger is short and its
 * text is not indexed, so a bounded LIKE is enough.
 */
export async function searchItems(db: Executor, text: string, limit: number): Promise<ItemHit[]> {
  const term = `%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  return query(db, (q) =>
    q
      .select({ id: rectificationItems.id, problem: rectificationItems.problem, deadline: rectificationItems.deadline, status: rectificationItems.status })
      .from(rectificationItems)
      .where(sql`${rectificationItems.problem} like ${term} escape '\\' or ${rectificationItems.measures} like ${term} escape '\\'`)
      .limit(limit)
      .all(),
  );
}
