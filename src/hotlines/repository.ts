// Data access for hotlines. Async, taking the database or a transaction handle; statements run
// through `query` (src/db/transaction.ts).
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { regionDepthAbove, regionEncloses } from '../regions/index.js';
import { unitNameOf } from '../units/index.js';
import { hotlines } from './tables.js';
import { isRowId } from '../db/dialect.js';

export type Hotline = typeof hotlines.$inferSelect;

export async function insertHotlines(db: Executor, rows: (typeof hotlines.$inferInsert)[]): Promise<void> {
  await query(db, async (q) => {
    for (let i = 0; i < rows.length; i += 200) await q.insert(hotlines).values(rows.slice(i, i + 200)).run();
  });
}

/** Hotlines of a region and of every region above it, nearest first (county, city, province). */
export async function hotlinesAbove(db: Executor, regionCode: string) {
  const rows = await query(db, (q) =>
    q
      .select({ phone: hotlines.phone, dutyHours: hotlines.dutyHours, note: hotlines.note, unitName: unitNameOf(hotlines.unitId), depth: regionDepthAbove(hotlines.regionCode, regionCode) })
      .from(hotlines)
      .where(regionEncloses(hotlines.regionCode, regionCode))
      .orderBy(asc(regionDepthAbove(hotlines.regionCode, regionCode)), asc(hotlines.id))
      .all(),
  );
  return withUnitName(rows).map((r) => ({ ...r, depth: r.depth! }));
}

export async function hotlinesIn(db: Executor, regionCodes: string[]) {
  if (regionCodes.length === 0) return [];
  const rows = await query(db, (q) =>
    q
      .select({ id: hotlines.id, regionCode: hotlines.regionCode, phone: hotlines.phone, dutyHours: hotlines.dutyHours, note: hotlines.note, unitName: unitNameOf(hotlines.unitId) })
      .from(hotlines)
      .where(inArray(hotlines.regionCode, regionCodes))
      .orderBy(asc(hotlines.regionCode), asc(hotlines.id))
      .all(),
  );
  return withUnitName(rows);
}

export async function hotlineCount(db: Executor): Promise<number> {
  return (await query(db, (q) => q.get<{ n: number }>(sql`select count(*) as n from hotlines`)))!.n;
}

export async function findHotline(db: Executor, id: number): Promise<Hotline | undefined> {
  if (!isRowId(id)) return undefined;
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
  const rows = await query(db, (q) =>
    q
      .select({ hotline: hotlines, unitName: unitNameOf(hotlines.unitId) })
      .from(hotlines)
      .where(inArray(hotlines.unitId, unitIds))
      .orderBy(asc(hotlines.regionCode), asc(hotlines.id))
      .all(),
  );
  return withUnitName(rows);
}

/** Leaves out a hotline whose unit is gone (as the former join with units did); the name is then a string. */
function withUnitName<T extends { unitName: string | null }>(rows: T[]): (T & { unitName: string })[] {
  return rows.filter((r): r is T & { unitName: string } => r.unitName !== null);
}
