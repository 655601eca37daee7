// Data access for declarations. Async, taking the database or a transaction's tx
// (src/db/transaction.ts), so a declaration change, the users row and its audit entry commit in one
// transaction.
import { and, asc, desc, eq, inArray, isNotNull, isNull, like, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { chunks } from '../db/chunks.js';
import type { Executor } from '../db/executor.js';
import { qualified } from '../db/qualified.js';
import { query } from '../db/transaction.js';
import { regionParentOf, regionWithinAny } from '../regions/index.js';
import { declarants, declaredRelatives, relativeRemovalRequests } from './tables.js';
import { FALSE, personNameKeyOf } from '../db/dialect.js';
import { personNameKey } from '../shared/person-name.js';

export type Declarant = typeof declarants.$inferSelect;
export type NewDeclarant = typeof declarants.$inferInsert;
export type DeclaredRelative = typeof declaredRelatives.$inferSelect;
export type NewDeclaredRelative = typeof declaredRelatives.$inferInsert;

export async function declarantOfUser(db: Executor, userId: number): Promise<Declarant | undefined> {
  return query(db, (q) => q.select().from(declarants).where(eq(declarants.userId, userId)).get());
}

export async function insertDeclarant(db: Executor, row: NewDeclarant): Promise<Declarant> {
  return query(db, (q) => q.insert(declarants).values(row).returning().get());
}

export async function updateDeclarant(db: Executor, id: number, values: Partial<NewDeclarant>): Promise<void> {
  await query(db, (q) => q.update(declarants).set(values).where(eq(declarants.id, id)).run());
}

export async function relativesOf(db: Executor, declarantId: number): Promise<DeclaredRelative[]> {
  return query(db, (q) => q.select().from(declaredRelatives).where(eq(declaredRelatives.declarantId, declarantId)).orderBy(asc(declaredRelatives.id)).all());
}

export async function insertRelative(db: Executor, row: NewDeclaredRelative): Promise<DeclaredRelative> {
  return query(db, (q) => q.insert(declaredRelatives).values(row).returning().get());
}

export async function updateRelative(db: Executor, id: number, values: Partial<NewDeclaredRelative>): Promise<void> {
  await query(db, (q) => q.update(declaredRelatives).set(values).where(eq(declaredRelatives.id, id)).run());
}

/** Deletes a relative only if it belongs to the declarant; returns whether a row went. */
export async function deleteRelative(db: Executor, declarantId: number, relativeId: number): Promise<boolean> {
  const result = await query(db, (q) => q.delete(declaredRelatives).where(and(eq(declaredRelatives.id, relativeId), eq(declaredRelatives.declarantId, declarantId))).run());
  return result.changes > 0;
}

// Retention (issue 15, src/retention): a declaration is deleted N years after its declarant left office.

export async function findDeclarant(db: Executor, id: number): Promise<Declarant | undefined> {
  return query(db, (q) => q.select().from(declarants).where(eq(declarants.id, id)).get());
}

/** Declarants who left office before `before` (the schedule's cut-off). */
export async function declarantsLeftBefore(db: Executor, before: number): Promise<Declarant[]> {
  return query(db, (q) => q.select().from(declarants).where(and(isNotNull(declarants.leftOfficeAt), lt(declarants.leftOfficeAt, before))).orderBy(asc(declarants.id)).all());
}

/** Deletes a declarant, their relatives and their removal requests (explicitly, not trusting the cascade to be switched on). */
export async function deleteDeclarant(db: Executor, id: number): Promise<void> {
  return query(db, async (q) => {
    await q.delete(relativeRemovalRequests).where(eq(relativeRemovalRequests.declarantId, id)).run();
    await q.delete(declaredRelatives).where(eq(declaredRelatives.declarantId, id)).run();
    await q.delete(declarants).where(eq(declarants.id, id)).run();
  });
}

// --- what the cross-checks read (src/cross-checks/run.ts and its pages) ---------------------

function uniqueById<T extends { id: number }>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}

/** Declared relatives with one of these ID hashes, in either column (id_hash or id_hash_alt, issue 23). */
export async function relativesWithHashes(db: Executor, hashes: readonly string[]): Promise<DeclaredRelative[]> {
  return query(db, async (q) => {
    const rows: DeclaredRelative[] = [];
    for (const part of chunks([...new Set(hashes)])) rows.push(...(await q.select().from(declaredRelatives).where(or(inArray(declaredRelatives.idHash, part), inArray(declaredRelatives.idHashAlt, part))).all()));
    return uniqueById(rows);
  });
}

/** Declarants with one of these ID hashes, in either column (id_hash or id_hash_alt, issue 23). */
export async function declarantsWithHashes(db: Executor, hashes: readonly string[]): Promise<Declarant[]> {
  return query(db, async (q) => {
    const rows: Declarant[] = [];
    for (const part of chunks([...new Set(hashes)])) rows.push(...(await q.select().from(declarants).where(or(inArray(declarants.idHash, part), inArray(declarants.idHashAlt, part))).all()));
    return uniqueById(rows);
  });
}

export async function declarantsOfVillages(db: Executor, villageCodes: readonly string[]): Promise<Declarant[]> {
  return query(db, async (q) => {
    const rows: Declarant[] = [];
    for (const codes of chunks(villageCodes)) rows.push(...(await q.select().from(declarants).where(inArray(declarants.homeVillageCode, codes)).all()));
    return rows;
  });
}

export async function declarantsByIds(db: Executor, ids: readonly number[]): Promise<Declarant[]> {
  return query(db, async (q) => {
    const rows: Declarant[] = [];
    for (const part of chunks([...new Set(ids)])) rows.push(...(await q.select().from(declarants).where(inArray(declarants.id, part)).all()));
    return rows;
  });
}

export async function relativesOfDeclarants(db: Executor, ids: readonly number[]): Promise<DeclaredRelative[]> {
  return query(db, async (q) => {
    const rows: DeclaredRelative[] = [];
    for (const part of chunks([...new Set(ids)])) rows.push(...(await q.select().from(declaredRelatives).where(inArray(declaredRelatives.declarantId, part)).orderBy(asc(declaredRelatives.id)).all()));
    return rows;
  });
}

export async function relativesByIds(db: Executor, ids: readonly number[]): Promise<DeclaredRelative[]> {
  return query(db, (q) => {
    if (ids.length === 0) return [];
    return q.select().from(declaredRelatives).where(inArray(declaredRelatives.id, [...ids])).all();
  });
}

/** Whose declarants a user sees: those at home within these regions or kept by these units. */
export interface DeclarantScope {
  regionCodes: readonly string[];
  unitIds: readonly number[];
}

function inScope(scope: DeclarantScope): SQL {
  return or(regionWithinAny(declarants.homeVillageCode, scope.regionCodes), scope.unitIds.length ? inArray(declarants.unitId, [...scope.unitIds]) : sql`0`)!;
}

/** The declarant if it is in the scope. */
export async function declarantInScope(db: Executor, scope: DeclarantScope, id: number): Promise<Declarant | undefined> {
  return query(db, (q) => q.select().from(declarants).where(and(eq(declarants.id, id), inScope(scope))).get());
}

/** A page of the scope's declarants, newest first: optionally those whose name contains `name` (no wildcards) and below id `before`. */
export async function declarantsInScope(db: Executor, scope: DeclarantScope, f: { name?: string; before?: number | null; limit: number }): Promise<Declarant[]> {
  return query(db, (q) => {
    const conditions: SQL[] = [inScope(scope)];
    if (f.name) conditions.push(like(declarants.name, `%${f.name}%`));
    if (f.before) conditions.push(lt(declarants.id, f.before));
    return q.select().from(declarants).where(and(...conditions)).orderBy(desc(declarants.id)).limit(f.limit).all();
  });
}

/** Whether any declarant is not a portal user (the bureau's own list has been started). */
export async function hasNonUserDeclarant(db: Executor): Promise<boolean> {
  return (await query(db, (q) => q.select({ id: declarants.id }).from(declarants).where(isNull(declarants.userId)).limit(1).get())) !== undefined;
}

// --- for other features --------------------------------------------------------------------------
// The declarations' tables are private (issue 17). Casework's recusal (src/reports/casework) reads
// the rows below; cross-checks' flag lists put the conditions into their own statement (a flag is
// about a declarant by id: `crossCheckFlags.declarantId`, or sql`f.declarant_id` in a raw statement).

/**
 * A declared person (the declarant or a relative) by name and the township of their village (null if
 * unknown), and the keyed hash of their ID number (id-hash key, as the rosters keep it).
 */
export interface DeclaredPerson {
  name: string;
  township: string | null;
  idHash: string;
  /** The hash under the other crypto profile; null on rows from before both were kept (issue 23). */
  idHashAlt: string | null;
}

/**
 * The user's own declaration (the declarant and the relatives declared on it), each with their
 * township and ID hash; null without one. A relative whose removal waits for confirmation is still
 * declared here: recusal holds until the supervising unit confirms (issue 19 item 4).
 */
export async function declaredPeopleOfUser(db: Executor, userId: number): Promise<{ declarant: DeclaredPerson; relatives: DeclaredPerson[] } | null> {
  return (await declaredPeopleOfUsers(db, [userId])).get(userId) ?? null;
}

/**
 * The declarations of many users at once, by user id (users without a declaration are absent): a
 * report page checks every handler it may assign to (a province's hundreds), one read each before.
 */
export async function declaredPeopleOfUsers(db: Executor, userIds: readonly number[]): Promise<Map<number, { declarant: DeclaredPerson; relatives: DeclaredPerson[] }>> {
  const out = new Map<number, { declarant: DeclaredPerson; relatives: DeclaredPerson[] }>();
  for (const ids of chunks([...new Set(userIds)])) {
    await query(db, async (q) => {
      const found = await q
        .select({ id: declarants.id, userId: declarants.userId, name: declarants.name, township: regionParentOf(declarants.homeVillageCode), idHash: declarants.idHash, idHashAlt: declarants.idHashAlt })
        .from(declarants)
        .where(inArray(declarants.userId, ids))
        .all();
      if (found.length === 0) return;
      const byDeclarant = new Map(found.map((d) => [d.id, { declarant: { name: d.name, township: d.township, idHash: d.idHash, idHashAlt: d.idHashAlt }, relatives: [] as DeclaredPerson[] }]));
      const relatives = await q
        .select({ declarantId: declaredRelatives.declarantId, name: declaredRelatives.name, township: regionParentOf(declaredRelatives.villageCode), idHash: declaredRelatives.idHash, idHashAlt: declaredRelatives.idHashAlt })
        .from(declaredRelatives)
        .where(inArray(declaredRelatives.declarantId, [...byDeclarant.keys()]))
        .orderBy(asc(declaredRelatives.id))
        .all();
      for (const r of relatives) byDeclarant.get(r.declarantId)!.relatives.push({ name: r.name, township: r.township, idHash: r.idHash, idHashAlt: r.idHashAlt });
      for (const d of found) out.set(d.userId!, byDeclarant.get(d.id)!);
    });
  }
  return out;
}

/** Declarants (portal users or not) of this name whose home village lies in this township, by id. */
export async function declarantsNamedInTownship(db: Executor, name: string, townshipCode: string): Promise<{ id: number; name: string; position: string; userId: number | null }[]> {
  return query(db, (q) =>
    q
      .select({ id: declarants.id, name: declarants.name, position: declarants.position, userId: declarants.userId })
      .from(declarants)
      .where(and(eq(regionParentOf(declarants.homeVillageCode), townshipCode), eq(personNameKeyOf(declarants.name), personNameKey(name))))
      .orderBy(asc(declarants.id))
      .all(),
  );
}

/** Condition: the declarant whose id is in `column` lives within (or in) one of `regionCodes` (none, or no declarant: false). */
export function declarantHomeWithinAny(column: SQLWrapper, regionCodes: readonly string[]): SQL {
  if (regionCodes.length === 0) return FALSE;
  return sql`exists (select 1 from declarants declarant_ where declarant_.id = ${qualified(column)} and ${regionWithinAny(sql`declarant_.home_village_code`, regionCodes)})`;
}

/** Condition: the declarant whose id is in `column` is this portal user's own declaration (no declarant: false). */
export function declarantIsUser(column: SQLWrapper, userId: number): SQL {
  return sql`exists (select 1 from declarants declarant_ where declarant_.id = ${qualified(column)} and declarant_.user_id = ${userId})`;
}

/**
 * Condition: a row hashed only under the intl profile (HMAC-SHA256, not `sm3:`…) with no hash under
 * the other — declared before both were kept (issue 23). It still matches rows made since (they
 * carry the HMAC-SHA256 hash too) but no SM hash; a new declaration or a re-import gives it both.
 */
function oldOnly(table: typeof declarants | typeof declaredRelatives): SQL {
  return sql`${table.idHashAlt} is null and ${table.idHash} not like 'sm3:%'`;
}

/** Declarants and declared relatives hashed only under HMAC-SHA256 (start-up warns under SM, src/startup.ts). */
export async function countIntlIdHashes(db: Executor): Promise<number> {
  const a = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(declarants).where(oldOnly(declarants)).get());
  const b = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(declaredRelatives).where(oldOnly(declaredRelatives)).get());
  return Number(a?.n ?? 0) + Number(b?.n ?? 0);
}

/**
 * Declared people (declarants and their relatives) hashed only under HMAC-SHA256, by the township of
 * the declarant's home village — the declaration list a township or its county keeps (issue 23).
 */
export async function oldOnlyIdHashesByTownship(db: Executor): Promise<{ townshipCode: string; entries: number }[]> {
  const township = regionParentOf(declarants.homeVillageCode);
  const own = await query(db, (q) => q.select({ townshipCode: township, n: sql<number>`count(*)` }).from(declarants).where(oldOnly(declarants)).groupBy(township).all());
  const relatives = await query(db, (q) =>
    q
      .select({ townshipCode: township, n: sql<number>`count(*)` })
      .from(declaredRelatives)
      .innerJoin(declarants, eq(declarants.id, declaredRelatives.declarantId))
      .where(oldOnly(declaredRelatives))
      .groupBy(township)
      .all(),
  );
  const counts = new Map<string, number>();
  for (const r of [...own, ...relatives]) if (r.townshipCode) counts.set(r.townshipCode, (counts.get(r.townshipCode) ?? 0) + Number(r.n));
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([townshipCode, entries]) => ({ townshipCode, entries }));
}
