// The queries behind the cross-checks' pages and region scope: place labels and region closure
// lookups, and the flags a user may see. Kept out of the views so they hold no SQL (DESIGN.md §6).
// Async like every repository here, taking the database or a transaction's tx.
//
// The flags' visibility is one correlated query over the flags and the declarants (a flag is seen
// by the declarant's home village too, and never by the declarant); it reads the declarants table
// through the declarations index until that feature offers the condition itself.
import { and, desc, eq, exists, inArray, lt, not, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { declarants } from '../declarations/index.js';
import { regionAncestors, regions } from '../regions/index.js';
import { units } from '../units/index.js';
import type { FlagKind } from './flag-kinds.js';
import type { Flag } from './repository.js';
import { crossCheckFlags } from './tables.js';

// --- regions ---------------------------------------------------------------------------------

/** "县 乡镇 村" for many villages in one query per 500 (the closure gives each village's ancestors). */
export async function villageLabels(db: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  const unique = [...new Set(codes)];
  return query(db, (q) => {
    const out = new Map<string, string>();
    for (let i = 0; i < unique.length; i += 500) {
      const rows = q
        .select({ code: regionAncestors.regionCode, name: regions.name })
        .from(regionAncestors)
        .innerJoin(regions, sql`${regions.code} = ${regionAncestors.ancestorCode}`)
        .where(and(inArray(regionAncestors.regionCode, unique.slice(i, i + 500)), inArray(regions.level, ['county', 'township', 'village'])))
        .orderBy(regionAncestors.regionCode, sql`${regionAncestors.depth} desc`)
        .all();
      for (const r of rows) out.set(r.code, out.has(r.code) ? `${out.get(r.code)} ${r.name}` : r.name);
    }
    return out;
  });
}

export interface Place {
  code: string;
  name: string;
  parentCode: string | null;
  level: string;
}

/** Every place within (or being) a region. */
export async function placesWithin(db: Executor, regionCode: string): Promise<Place[]> {
  return query(db, (q) =>
    q
      .select({ code: regions.code, name: regions.name, parentCode: regions.parentCode, level: regions.level })
      .from(regions)
      .innerJoin(regionAncestors, eq(regionAncestors.regionCode, regions.code))
      .where(eq(regionAncestors.ancestorCode, regionCode))
      .all(),
  );
}

/** The village with this code, anywhere. */
export async function villageByCode(db: Executor, code: string): Promise<{ code: string; name: string } | undefined> {
  return query(db, (q) => q.select({ code: regions.code, name: regions.name }).from(regions).where(and(eq(regions.code, code), eq(regions.level, 'village'))).get());
}

/** The regions of those of these units that are civil-affairs bureaus or township governments. */
export async function scopeRegionCodes(db: Executor, unitIds: readonly number[]): Promise<string[]> {
  return query(db, (q) =>
    q
      .selectDistinct({ code: units.regionCode })
      .from(units)
      .where(and(inArray(units.id, [...unitIds]), inArray(units.kind, ['civil_affairs', 'township_gov'])))
      .all()
      .map((r) => r.code),
  );
}

/** SQL: the region in `column` lies within (or is) one of `regionCodes`. */
function withinRegions(q: Db, column: SQLWrapper, regionCodes: readonly string[]): SQL {
  if (regionCodes.length === 0) return sql`0`;
  return exists(
    q
      .select({ one: sql`1` })
      .from(regionAncestors)
      .where(and(eq(regionAncestors.regionCode, sql`${column}`), inArray(regionAncestors.ancestorCode, [...regionCodes]))),
  );
}

/** Which of `codes` lie within the scope: one closure query per 500 codes, not one per code. */
export async function codesWithin(db: Executor, codes: readonly string[], regionCodes: readonly string[]): Promise<Set<string>> {
  if (regionCodes.length === 0) return new Set();
  const unique = [...new Set(codes)];
  return query(db, (q) => {
    const found = new Set<string>();
    for (let i = 0; i < unique.length; i += 500) {
      const rows = q
        .selectDistinct({ code: regionAncestors.regionCode })
        .from(regionAncestors)
        .where(and(inArray(regionAncestors.regionCode, unique.slice(i, i + 500)), inArray(regionAncestors.ancestorCode, [...regionCodes])))
        .all();
      for (const r of rows) found.add(r.code);
    }
    return found;
  });
}

// --- flags a user sees -----------------------------------------------------------------------

/** Whose flags: those in `regionCodes` (by the recipient's village or the declarant's home), minus flags about `userId`. */
export interface FlagVisibility {
  userId: number;
  regionCodes: readonly string[];
}

/** A list's narrowing of the visible flags: a status ('all' for any) and a kind ('' for any). */
export interface FlagFilterValues {
  status: 'open' | 'resolved' | 'all';
  kind: FlagKind | '';
}

function visibleFlagsCondition(q: Db, v: FlagVisibility): SQL {
  return and(
    or(
      withinRegions(q, crossCheckFlags.villageCode, v.regionCodes),
      exists(q.select({ one: sql`1` }).from(declarants).where(and(eq(declarants.id, crossCheckFlags.declarantId), withinRegions(q, declarants.homeVillageCode, v.regionCodes)))),
    ),
    // Recusal (DESIGN.md §4): nobody sees or resolves the flags raised on their own declaration.
    not(exists(q.select({ one: sql`1` }).from(declarants).where(and(eq(declarants.id, crossCheckFlags.declarantId), eq(declarants.userId, v.userId))))),
  )!;
}

function flagFilterCondition(q: Db, v: FlagVisibility, f: FlagFilterValues): SQL {
  const conditions: SQL[] = [visibleFlagsCondition(q, v)];
  if (f.status !== 'all') conditions.push(eq(crossCheckFlags.status, f.status));
  if (f.kind) conditions.push(eq(crossCheckFlags.kind, f.kind));
  return and(...conditions)!;
}

/** The flag with this id if it is visible. */
export async function visibleFlagById(db: Executor, id: number, v: FlagVisibility): Promise<Flag | undefined> {
  return query(db, (q) => q.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.id, id), visibleFlagsCondition(q, v))).get());
}

/** A page of the visible flags matching the filter, newest first, keyset-paged by id. */
export async function flagPage(db: Executor, v: FlagVisibility, f: FlagFilterValues, beforeId: number | null, limit: number): Promise<Flag[]> {
  return query(db, (q) => {
    const where = flagFilterCondition(q, v, f);
    return q
      .select()
      .from(crossCheckFlags)
      .where(beforeId ? and(where, lt(crossCheckFlags.id, beforeId)) : where)
      .orderBy(desc(crossCheckFlags.id))
      .limit(limit)
      .all();
  });
}

/** How many visible flags match the filter. */
export async function countFlags(db: Executor, v: FlagVisibility, f: FlagFilterValues): Promise<number> {
  return query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(crossCheckFlags).where(flagFilterCondition(q, v, f)).get()?.n ?? 0);
}

/** Open flags per declarant, for these declarant ids. */
export async function openFlagCountsOf(db: Executor, declarantIds: readonly number[]): Promise<Map<number, number>> {
  if (declarantIds.length === 0) return new Map();
  const rows = await query(db, (q) =>
    q
      .select({ id: crossCheckFlags.declarantId, n: sql<number>`count(*)` })
      .from(crossCheckFlags)
      .where(and(inArray(crossCheckFlags.declarantId, [...declarantIds]), eq(crossCheckFlags.status, 'open')))
      .groupBy(crossCheckFlags.declarantId)
      .all(),
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}
