import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { regionAncestors } from '../regions/index.js';
import { units } from '../units/index.js';
import { hotlines } from './tables.js';

export type Hotline = typeof hotlines.$inferSelect;

export function insertHotlines(db: Executor, rows: (typeof hotlines.$inferInsert)[]): void {
  for (let i = 0; i < rows.length; i += 200) db.insert(hotlines).values(rows.slice(i, i + 200)).run();
}

/** Hotlines of a region and of every region above it, nearest first (county, city, province). */
export function hotlinesAbove(db: Executor, regionCode: string) {
  return db
    .select({ phone: hotlines.phone, dutyHours: hotlines.dutyHours, note: hotlines.note, unitName: units.name, depth: regionAncestors.depth })
    .from(regionAncestors)
    .innerJoin(hotlines, eq(hotlines.regionCode, regionAncestors.ancestorCode))
    .innerJoin(units, eq(units.id, hotlines.unitId))
    .where(eq(regionAncestors.regionCode, regionCode))
    .orderBy(asc(regionAncestors.depth))
    .all();
}

export function hotlinesIn(db: Executor, regionCodes: string[]) {
  if (regionCodes.length === 0) return [];
  return db
    .select({ id: hotlines.id, regionCode: hotlines.regionCode, phone: hotlines.phone, dutyHours: hotlines.dutyHours, note: hotlines.note, unitName: units.name })
    .from(hotlines)
    .innerJoin(units, eq(units.id, hotlines.unitId))
    .where(inArray(hotlines.regionCode, regionCodes))
    .orderBy(asc(hotlines.regionCode))
    .all();
}

export function hotlineCount(db: Executor): number {
  return db.get<{ n: number }>(sql`select count(*) as n from hotlines`)!.n;
}

export function findHotline(db: Executor, id: number): Hotline | undefined {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return db.select().from(hotlines).where(eq(hotlines.id, id)).get();
}

export function insertHotline(db: Executor, row: typeof hotlines.$inferInsert): Hotline {
  return db.insert(hotlines).values(row).returning().get();
}

export function updateHotline(db: Executor, id: number, values: Partial<typeof hotlines.$inferInsert>): void {
  db.update(hotlines).set(values).where(eq(hotlines.id, id)).run();
}

export function deleteHotline(db: Executor, id: number): void {
  db.delete(hotlines).where(eq(hotlines.id, id)).run();
}

/** The hotlines of these units, with the unit's name, by region then id. */
export function hotlinesOfUnits(db: Executor, unitIds: number[]) {
  if (unitIds.length === 0) return [];
  return db
    .select({ hotline: hotlines, unitName: units.name })
    .from(hotlines)
    .innerJoin(units, eq(units.id, hotlines.unitId))
    .where(inArray(hotlines.unitId, unitIds))
    .orderBy(asc(hotlines.regionCode), asc(hotlines.id))
    .all();
}
