// The queries behind the cross-checks' pages and region scope: place labels and region closure
// lookups, and the flags a user may see. Kept out of the views so they hold no SQL (DESIGN.md §6).
// Synchronous like every repository here, taking the database or a transaction.
//
// The flags' visibility is one correlated query over the flags and the declarants (a flag is seen
// by the declarant's home village too, and never by the declarant); it reads the declarants table
// through the declarations index until that feature offers the condition itself.
import { and, eq, exists, inArray, not, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { declarants } from '../declarations/index.js';
import { regionAncestors, regions } from '../regions/index.js';
import { units } from '../units/index.js';
import type { Flag, FlagKind } from './repository.js';
import { crossCheckFlags } from './tables.js';

// --- regions ---------------------------------------------------------------------------------

/** "县 乡镇 村" for many villages in one query per 500 (the closure gives each village's ancestors). */
export function villageLabels(db: Executor, codes: readonly string[]): Map<string, string> {
  const unique = [...new Set(codes)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 500) {
    const rows = db
      .select({ code: regionAncestors.regionCode, name: regions.name })
      .from(regionAncestors)
      .innerJoin(regions, sql`${regions.code} = ${regionAncestors.ancestorCode}`)
      .where(and(inArray(regionAncestors.regionCode, unique.slice(i, i + 500)), inArray(regions.level, ['county', 'township', 'village'])))
      .orderBy(regionAncestors.regionCode, sql`${regionAncestors.depth} desc`)
      .all();
    for (const r of rows) out.set(r.code, out.has(r.code) ? `${out.get(r.code)} ${r.name}` : r.name);
  }
  return out;
}

export interface Place {
  code: string;
  name: string;
  parentCode: string | null;
  level: string;
}

/** Every place within (or being) a region. */
export function placesWithin(db: Executor, regionCode: string): Place[] {
  return db
    .select({ code: regions.code, name: regions.name, parentCode: regions.parentCode, level: regions.level })
    .from(regions)
    .innerJoin(regionAncestors, eq(regionAncestors.regionCode, regions.code))
    .where(eq(regionAncestors.ancestorCode, regionCode))
    .all();
}

/** The village with this code, anywhere. */
export function villageByCode(db: Executor, code: string): { code: string; name: string } | undefined {
  return db.select({ code: regions.code, name: regions.name }).from(regions).where(and(eq(regions.code, code), eq(regions.level, 'village'))).get();
}

/** The regions of those of these units that are civil-affairs bureaus or township governments. */
export function scopeRegionCodes(db: Executor, unitIds: readonly number[]): string[] {
  return db
    .selectDistinct({ code: units.regionCode })
    .from(units)
    .where(and(inArray(units.id, [...unitIds]), inArray(units.kind, ['civil_affairs', 'township_gov'])))
    .all()
    .map((r) => r.code);
}

/** SQL: the region in `column` lies within (or is) one of `regionCodes`. */
export function withinRegions(db: Executor, column: SQLWrapper, regionCodes: readonly string[]): SQL {
  if (regionCodes.length === 0) return sql`0`;
  return exists(
    db
      .select({ one: sql`1` })
      .from(regionAncestors)
      .where(and(eq(regionAncestors.regionCode, sql`${column}`), inArray(regionAncestors.ancestorCode, [...regionCodes]))),
  );
}

/** Which of `codes` lie within the scope: one closure query per 500 codes, not one per code. */
export function codesWithin(db: Executor, codes: readonly string[], regionCodes: readonly string[]): Set<string> {
  const found = new Set<string>();
  if (regionCodes.length === 0) return found;
  const unique = [...new Set(codes)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = db
      .selectDistinct({ code: regionAncestors.regionCode })
      .from(regionAncestors)
      .where(and(inArray(regionAncestors.regionCode, unique.slice(i, i + 500)), inArray(regionAncestors.ancestorCode, [...regionCodes])))
      .all();
    for (const r of rows) found.add(r.code);
  }
  return found;
}

// --- flags a user sees -----------------------------------------------------------------------

/** Flags in `regionCodes` (by the recipient's village or the declarant's home), minus flags about the user. */
export function visibleFlagsCondition(db: Executor, userId: number, regionCodes: readonly string[]): SQL {
  return and(
    or(
      withinRegions(db, crossCheckFlags.villageCode, regionCodes),
      exists(db.select({ one: sql`1` }).from(declarants).where(and(eq(declarants.id, crossCheckFlags.declarantId), withinRegions(db, declarants.homeVillageCode, regionCodes)))),
    ),
    // Recusal (DESIGN.md §4): nobody sees or resolves the flags raised on their own declaration.
    not(exists(db.select({ one: sql`1` }).from(declarants).where(and(eq(declarants.id, crossCheckFlags.declarantId), eq(declarants.userId, userId))))),
  )!;
}

/** The visible flags narrowed to a status ('all' for any) and a kind ('' for any). */
export function flagFilterCondition(visible: SQL, status: 'open' | 'resolved' | 'all', kind: FlagKind | ''): SQL {
  const conditions: SQL[] = [visible];
  if (status !== 'all') conditions.push(eq(crossCheckFlags.status, status));
  if (kind) conditions.push(eq(crossCheckFlags.kind, kind));
  return and(...conditions)!;
}

/** The flag with this id if it meets the condition. */
export function flagWhere(db: Executor, id: number, condition: SQL): Flag | undefined {
  return db.select().from(crossCheckFlags).where(and(eq(crossCheckFlags.id, id), condition)).get();
}

/** Open flags per declarant, for these declarant ids. */
export function openFlagCountsOf(db: Executor, declarantIds: readonly number[]): Map<number, number> {
  if (declarantIds.length === 0) return new Map();
  const rows = db
    .select({ id: crossCheckFlags.declarantId, n: sql<number>`count(*)` })
    .from(crossCheckFlags)
    .where(and(inArray(crossCheckFlags.declarantId, [...declarantIds]), eq(crossCheckFlags.status, 'open')))
    .groupBy(crossCheckFlags.declarantId)
    .all();
  return new Map(rows.map((r) => [r.id, r.n]));
}
