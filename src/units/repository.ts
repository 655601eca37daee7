import { and, eq, inArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { regionLevelOf } from '../regions/index.js';
import type { Db } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { query, withTransaction } from '../db/transaction.js';
import { unitAncestors, units } from './tables.js';
import type { UnitSeed } from './seed.js';
import { perDatabase } from '../db/per-database.js';
import { qualified } from '../db/qualified.js';
import { FALSE, isRowId } from '../db/dialect.js';

export type Unit = typeof units.$inferSelect;

/**
 * Supervision trees and units by id, kept per database: units are only written by insertUnitSeeds
 * (at start-up), and every staff request asks for its unit and its tree, which took a recursive
 * query each time (bench/findings.md).
 */
const supervisedTrees = perDatabase<number, number[]>();
const unitsById = perDatabase<number, Unit>();

export async function countUnits(db: Executor): Promise<number> {
  return (await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(units).get()))!.n;
}

/** Inserts seeds in order, resolving each supervisor key to the id inserted before it. */
export async function insertUnitSeeds(db: Db, seeds: UnitSeed[]): Promise<void> {
  supervisedTrees.clear(db);
  unitsById.clear(db);
  await withTransaction(db, (tx) => query(tx, async (q) => {
    const ids = new Map<string, number>();
    for (const s of seeds) {
      const supervisorId = s.supervisorKey ? ids.get(s.supervisorKey) : null;
      if (s.supervisorKey && supervisorId === undefined) throw new Error(`unit ${s.key}: supervisor ${s.supervisorKey} not seeded before it`);
      const row = await q
        .insert(units)
        .values({ key: s.key, kind: s.kind, department: s.department, regionCode: s.regionCode, name: s.name, supervisorId, email: s.email })
        .returning({ id: units.id })
        .get();
      ids.set(s.key, row.id);
    }
    // Each unit with itself and every unit above it: supervision trees (supervisedUnitIds) and the
    // change-stamp triggers (migration 0009) read them.
    await q.delete(unitAncestors).run();
    await q.run(sql`
      INSERT INTO unit_ancestors (unit_id, ancestor_id)
      WITH RECURSIVE up(unit_id, ancestor_id) AS (
        SELECT id, id FROM units
        UNION SELECT up.unit_id, u.supervisor_id FROM up JOIN units u ON u.id = up.ancestor_id WHERE u.supervisor_id IS NOT NULL
      ) SELECT unit_id, ancestor_id FROM up`);
  }));
}

export async function findUnit(db: Executor, id: number): Promise<Unit | undefined> {
  if (!isRowId(id)) return undefined;
  const unit = await unitsById.get(db, id, () => query(db, (q) => q.select().from(units).where(eq(units.id, id)).get()));
  return unit ? { ...unit } : undefined;
}

export async function findUnitByKey(db: Executor, key: string): Promise<Unit | undefined> {
  return query(db, (q) => q.select().from(units).where(eq(units.key, key)).get());
}

export async function unitOfKind(db: Executor, kind: string, regionCode: string): Promise<Unit | undefined> {
  return query(db, (q) => q.select().from(units).where(and(eq(units.kind, kind), eq(units.regionCode, regionCode))).get());
}

/**
 * The unit itself and every unit it supervises, directly or indirectly: the units that have it among
 * their ancestors (unit_ancestors, built from the supervisor links with the units). Ids ascend, so the
 * unit comes first (units are inserted after their supervisors).
 */
export async function supervisedUnitIds(db: Executor, unitId: number): Promise<number[]> {
  const ids = (await supervisedTrees.get(db, unitId, async () =>
    (await query(db, (q) => q.select({ id: unitAncestors.unitId }).from(unitAncestors).where(eq(unitAncestors.ancestorId, unitId)).orderBy(unitAncestors.unitId).all())).map((r) => r.id),
  ))!;
  return [...ids];
}

/** The chain of supervising units above a unit, nearest first. */
export async function supervisorChain(db: Executor, unitId: number): Promise<Unit[]> {
  const chain: Unit[] = [];
  let current = await findUnit(db, unitId);
  while (current?.supervisorId) {
    current = await findUnit(db, current.supervisorId);
    if (current) chain.push(current);
  }
  return chain;
}

export async function listUnits(db: Executor, kind?: string): Promise<Unit[]> {
  return query(db, (q) => {
    const all = q.select().from(units);
    return (kind ? all.where(eq(units.kind, kind)) : all).orderBy(units.id).all();
  });
}

/**
 * Of these units, the civil-affairs ones and the township governments directly under `supervisorId`,
 * by region code: the units a ledger item may name as responsible (the ledger's rule, its query here).
 */
export async function civilAffairsOrTownshipUnits(db: Executor, ids: number[], supervisorId: number): Promise<Unit[]> {
  return query(db, (q) =>
    q
      .select()
      .from(units)
      .where(and(inArray(units.id, ids), or(eq(units.kind, 'civil_affairs'), and(eq(units.kind, 'township_gov'), eq(units.supervisorId, supervisorId)))))
      .orderBy(units.regionCode)
      .all(),
  );
}

/** The civil-affairs units among `ids`, by region code (those whose hotlines a user edits). */
export async function civilAffairsUnitsAmong(db: Executor, ids: number[]): Promise<Unit[]> {
  return query(db, (q) => q.select().from(units).where(and(inArray(units.id, ids), eq(units.kind, 'civil_affairs'))).orderBy(units.regionCode).all());
}

/** The units of a kind in one region, by id (e.g. a county's departments, which a report may be transferred to). */
export async function unitsOfKind(db: Executor, kind: string, regionCode: string): Promise<Unit[]> {
  return query(db, (q) => q.select().from(units).where(and(eq(units.kind, kind), eq(units.regionCode, regionCode))).orderBy(units.id).all());
}

/** The units among `ids` of one of `kinds`, by region code (e.g. the civil-affairs bureaus and township governments). */
export async function unitsOfKindsAmong(db: Executor, ids: readonly number[], kinds: readonly string[]): Promise<Unit[]> {
  if (ids.length === 0 || kinds.length === 0) return [];
  return query(db, (q) => q.select().from(units).where(and(inArray(units.id, [...ids]), inArray(units.kind, [...kinds]))).orderBy(units.regionCode, units.id).all());
}

/** The distinct region codes of those units among `ids` that are of one of `kinds`. */
export async function regionCodesOfUnits(db: Executor, ids: readonly number[], kinds: readonly string[]): Promise<string[]> {
  if (ids.length === 0 || kinds.length === 0) return [];
  const rows = await query(db, (q) =>
    q
      .selectDistinct({ code: units.regionCode })
      .from(units)
      .where(and(inArray(units.id, [...ids]), inArray(units.kind, [...kinds])))
      .all(),
  );
  return rows.map((r) => r.code);
}

/** The civil-affairs units whose region is at `level` (optionally only those among `ids`), by region code. */
export async function civilAffairsUnitsAtLevel(db: Executor, level: string, ids?: readonly number[]): Promise<Unit[]> {
  if (ids && ids.length === 0) return [];
  return query(db, (q) =>
    q
      .select()
      .from(units)
      .where(and(eq(units.kind, 'civil_affairs'), eq(regionLevelOf(units.regionCode), level), ids ? inArray(units.id, [...ids]) : undefined))
      .orderBy(units.regionCode)
      .all(),
  );
}

// --- Values and conditions for other features' repositories ----------------------------------
// The units table is private (issue 17): another feature's repository that shows a unit's name next
// to its rows keeps its one statement and puts one of these fragments in it, over a column of its
// own table holding a unit id (a drizzle column, or sql`alias.column` in a raw statement). Built, not
// run, so not async. The inner table is aliased so that no caller's table shadows it. NULL or an
// unknown id gives NULL.

/** Value: the name of the unit in `column`. `select({ hotline: hotlines, unitName: unitNameOf(hotlines.unitId) })`. */
export function unitNameOf(column: SQLWrapper): SQL<string | null> {
  return sql<string | null>`(select unit_of.name from units unit_of where unit_of.id = ${qualified(column)})`;
}

/** Value: the kind (civil_affairs | township_gov | discipline | department) of the unit in `column`. */
export function unitKindOf(column: SQLWrapper): SQL<string | null> {
  return sql<string | null>`(select unit_of.kind from units unit_of where unit_of.id = ${qualified(column)})`;
}

/** Value: the region code of the unit in `column`. Combine with the regions' fragments: `regionNameOf(unitRegionOf(items.unitId))`. */
export function unitRegionOf(column: SQLWrapper): SQL<string | null> {
  return sql<string | null>`(select unit_of.region_code from units unit_of where unit_of.id = ${qualified(column)})`;
}

/** Condition: the unit in `column` is of one of `kinds` (no kinds: false). `where(unitOfKinds(items.unitId, ['civil_affairs']))`. */
export function unitOfKinds(column: SQLWrapper, kinds: readonly string[]): SQL {
  if (kinds.length === 0) return FALSE;
  return sql`${qualified(column)} in (select unit_of.id from units unit_of where unit_of.kind in (${sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  )}))`;
}
