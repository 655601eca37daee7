// Data access for typical cases. Async, taking the database or a transaction's tx
// (src/db/transaction.ts).
import { and, desc, eq, inArray, isNotNull, lt, ne, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { referralHeldByAnyOf, type ReferralRow } from '../reports/index.js';
import { regionWithin } from '../regions/index.js';
import { matchesSearch } from '../search/index.js';
import { typicalCases } from './tables.js';
import { isRowId } from '../db/dialect.js';

export type TypicalCase = typeof typicalCases.$inferSelect;
export type NewTypicalCase = typeof typicalCases.$inferInsert;
export type Referral = ReferralRow;

export const CASE_STATUSES = ['draft', 'awaiting_signoff', 'awaiting_approval', 'published', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export async function insertCase(db: Executor, row: NewTypicalCase): Promise<TypicalCase> {
  return query(db, (q) => q.insert(typicalCases).values(row).returning().get());
}

export async function updateCase(db: Executor, id: number, values: Partial<NewTypicalCase>): Promise<void> {
  await query(db, (q) => q.update(typicalCases).set(values).where(eq(typicalCases.id, id)).run());
}

export async function findCase(db: Executor, id: number): Promise<TypicalCase | undefined> {
  return query(db, (q) => {
    if (!isRowId(id)) return undefined;
    return q.select().from(typicalCases).where(eq(typicalCases.id, id)).get();
  });
}

/** A case still in the works or published for a report or referral (a withdrawn one does not count). */
export async function openCaseFor(db: Executor, by: { reportId?: number; referralId?: number }): Promise<TypicalCase | undefined> {
  return query(db, (q) => {
    const which = by.referralId !== undefined ? eq(typicalCases.referralId, by.referralId) : eq(typicalCases.reportId, by.reportId ?? -1);
    return q.select().from(typicalCases).where(and(which, ne(typicalCases.status, 'withdrawn'))).orderBy(desc(typicalCases.id)).get();
  });
}

// The referral reads are the referrals feature's own (its index); re-exported for this feature's callers.
export { referralById as findReferral, concludedReferralOf } from '../reports/index.js';

export interface StaffListFilter {
  /** Cases of these units (a civil-affairs user's own unit and the units below). */
  unitIds: number[];
  /** Cases from referrals to these bodies that wait for a sign-off (an inspector's scope). */
  bodyIds: number[];
  status?: CaseStatus;
  /** Keyset: the smallest id of the previous page. */
  beforeId?: number;
  limit: number;
}

export async function listForStaff(db: Executor, f: StaffListFilter): Promise<TypicalCase[]> {
  return query(db, (q) => {
    const scopes: SQL[] = [];
    if (f.unitIds.length > 0) scopes.push(inArray(typicalCases.unitId, f.unitIds));
    // A discipline body signs off the cases drafted from its referrals (one query, not a read per referral).
    if (f.bodyIds.length > 0) scopes.push(and(eq(typicalCases.status, 'awaiting_signoff'), referralHeldByAnyOf(typicalCases.referralId, f.bodyIds))!);
    if (scopes.length === 0) return [];
    const where: SQL[] = [or(...scopes)!];
    if (f.status) where.push(eq(typicalCases.status, f.status));
    if (f.beforeId) where.push(lt(typicalCases.id, f.beforeId));
    return q.select().from(typicalCases).where(and(...where)).orderBy(desc(typicalCases.id)).limit(f.limit).all();
  });
}

export interface PublicFilter {
  quarter?: string;
  /** A prefecture or county code: cases at townships below it (by parent links, not code prefixes). */
  regionCode?: string;
  category?: string;
  q?: string;
  after?: { quarter: string; id: number };
  limit: number;
}

/** Published cases, newest quarter first, then newest first; keyset paging on (quarter, id). */
export async function listPublished(db: Executor, f: PublicFilter): Promise<TypicalCase[]> {
  return query(db, (q) => {
    const where: SQL[] = [eq(typicalCases.status, 'published')];
    if (f.quarter) where.push(eq(typicalCases.quarter, f.quarter));
    if (f.category) where.push(eq(typicalCases.category, f.category));
    if (f.regionCode) where.push(regionWithin(typicalCases.regionCode, f.regionCode));
    if (f.q) where.push(matchesSearch(typicalCases.id, { type: 'case', query: f.q }));
    if (f.after) where.push(or(lt(typicalCases.quarter, f.after.quarter), and(eq(typicalCases.quarter, f.after.quarter), lt(typicalCases.id, f.after.id)))!);
    return q
      .select()
      .from(typicalCases)
      .where(and(...where))
      .orderBy(desc(typicalCases.quarter), desc(typicalCases.id))
      .limit(f.limit)
      .all();
  });
}

/** Quarters that have published cases, newest first (the public filter's choices). */
export async function publishedQuarters(db: Executor): Promise<string[]> {
  const rows = await query(db, (q) => q.selectDistinct({ quarter: typicalCases.quarter }).from(typicalCases).where(eq(typicalCases.status, 'published')).orderBy(desc(typicalCases.quarter)).all());
  return rows.map((r) => r.quarter);
}

/** The latest published cases by publication time, for the feed. */
export async function latestPublished(db: Executor, limit: number): Promise<TypicalCase[]> {
  return query(db, (q) =>
    q
      .select()
      .from(typicalCases)
      .where(eq(typicalCases.status, 'published'))
      .orderBy(desc(typicalCases.publishedAt), desc(typicalCases.id))
      .limit(limit)
      .all(),
  );
}

/** Of these case ids, the published ones (id, title, quarter): the site search's case hits. */
export async function publishedCasesAmong(db: Executor, ids: number[]): Promise<Pick<TypicalCase, 'id' | 'title' | 'quarter'>[]> {
  return query(db, (q) => {
    if (ids.length === 0) return [];
    return q.select({ id: typicalCases.id, title: typicalCases.title, quarter: typicalCases.quarter }).from(typicalCases).where(and(inArray(typicalCases.id, ids), eq(typicalCases.status, 'published'))).all();
  });
}
