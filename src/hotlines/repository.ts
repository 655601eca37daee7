// Data access for hotlines. Async, taking the database or a transaction handle; statements run
// through `query` (src/db/transaction.ts).
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { regionAncestors } from '../regions/index.js';
import { units } from '../units/index.js';
import { hotlines } from './tables.js';

export type Hotline = typeof hotlines.$inferSelect;

export async function insertHotlines(db: Executor, rows: (typeof hotlines.$inferInsert)[]): Promise<void> {
  await query(db, (q) => {
    for (let i = 0; i < rows.length; i += 200) q.insert(hotlines).values(rows.slice(i, i + 200)).run();
  });
}

/** Hotlines of a region and of every region above it, nearest first (county, city, province). */
export async function hotlinesAbove(db: Executor, regionCode: string) {
  // Phase 2: region_ancestors (regions) and the unit's name (units) are other features' tables.
  return query(db, (q) =>
    q
      .select({ phone: hotlines.phone, dutyHours: hotlines.dutyHours, note: hotlines.note, unitName: units.name, depth: regionAncestors.depth })
      .from(regionAncestors)
      .innerJoin(hotlines, eq(hotlines.regionCode, regionAncestors.ancestorCode))
      .innerJoin(units, eq(units.id, hotlines.unitId))
      .where(eq(regionAncestors.regionCode, regionCode))
      .orderBy(asc(regionAncestors.depth))
      .all(),
  );
}

export async function hotlinesIn(db: Executor, regionCodes: string[]) {
  if (regionCodes.length === 0) return [];
  // Phase 2: the unit's name comes from the units feature's table.
  return query(db, (q) =>
    q
      .select({ id: hotlines.id, regionCode: hotlines.regionCode, phone: hotlines.phone, dutyHours: hotlines.dutyHours, note: hotlines.note, unitName: units.name })
      .from(hotlines)
      .innerJoin(units, eq(units.id, hotlines.unitId))
      .where(inArray(hotlines.regionCode, regionCodes))
      .orderBy(asc(hotlines.regionCode))
      .all(),
  );
}

export async function hotlineCount(db: Executor): Promise<number> {
  return query(db, (q) => q.get<{ n: number }>(sql`select count(*) as n from hotlines`)!.n);
}

export async function findHotline(db: Executor, id: number): Promise<Hotline | undefined> {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return query(db, (q) => q.select().from(hotlines).where(eq(hotlines.id, id)).get());
}

export async function insertHotline(db: Executor, row: typeof hotlines.$inferInsert): Promise<Hotline> {
  return query(db, (q) => q.insert(hotlines).values(row).returning().get());
}

export async function updateHotline(db: Executor, id: number, values: Partial<typeof hotlines.$inferInsert>): Promise<void> {
  await query(db, (q) => q.update(hotlines).set(values).where(eq(hotlines.id, id)).run());
}

export async function deleteHotline(db: Executor, id: number): Promise<void> {
  await query(db, (q) => q.delete(hotlines).where(eq(hotlines.id, id)).run());
}

/** The hotlines of these units, with the unit's name, by region then id. */
export async function hotlinesOfUnits(db: Executor, unitIds: number[]) {
  if (unitIds.length === 0) return [];
  // Phase 2: the unit's name comes from the units feature's table.
  return query(db, (q) =>
    q
      .select({ hotline: hotlines, unitName: units.name })
      .from(hotlines)
      .innerJoin(units, eq(units.id, hotlines.unitId))
      .where(inArray(hotlines.unitId, unitIds))
      .orderBy(asc(hotlines.regionCode), asc(hotlines.id))
      .all(),
  );
}
