// The people side of casework as SQL: declared relatives and home villages (recusal, DESIGN.md §4),
// and the units and handlers a report can be assigned to.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { query } from '../../../db/transaction.js';
import type { Executor } from '../../../db/executor.js';
import { declarants, declaredRelatives } from '../../../declarations/tables.js';
import { regions } from '../../../regions/tables.js';
import { units, type Unit } from '../../../units/index.js';
import { users } from '../../../users/tables.js';
import type { User } from '../../../users/index.js';

export interface NamedPlace {
  name: string;
  /** The township of the person's home village, if known. */
  township: string | null;
}

export interface DeclaredPeople {
  /** The township of the user's own home village. */
  ownTownship: string | null;
  /** The user's own declaration, if any, and the relatives declared on it. */
  declarant: NamedPlace | null;
  relatives: NamedPlace[];
}

/** The user's home township and, from their declaration, their own and their relatives' names and townships. */
export async function declaredPeopleOf(db: Executor, userId: number, homeVillageCode: string | null): Promise<DeclaredPeople> {
  return query(db, (q) => {
    const township = (villageCode: string | null) =>
      villageCode ? (q.select({ parent: regions.parentCode }).from(regions).where(eq(regions.code, villageCode)).get()?.parent ?? null) : null;
    const ownTownship = township(homeVillageCode);
    const declarant = q.select().from(declarants).where(eq(declarants.userId, userId)).get();
    if (!declarant) return { ownTownship, declarant: null, relatives: [] };
    const relatives = q
      .select()
      .from(declaredRelatives)
      .where(eq(declaredRelatives.declarantId, declarant.id))
      .all()
      .map((r) => ({ name: r.name, township: township(r.villageCode) }));
    return { ownTownship, declarant: { name: declarant.name, township: township(declarant.homeVillageCode) }, relatives };
  });
}

/** Declarants (users or not) of this name whose home village lies in this township. */
export async function declarantsNamedIn(db: Executor, name: string, townshipCode: string) {
  return query(db, (q) =>
    q.all<{ id: number; name: string; position: string; userId: number | null }>(sql`
    select d.id, d.name, d.position, d.user_id as userId from declarants d
    join regions v on v.code = d.home_village_code
    where d.name = ${name} and v.parent_code = ${townshipCode}`),
  );
}

/** The civil-affairs units and township governments among these units. */
export async function civilAffairsAndTownshipUnitsAmong(db: Executor, ids: number[]): Promise<Unit[]> {
  return query(db, (q) => q.select().from(units).where(and(inArray(units.id, ids), inArray(units.kind, ['civil_affairs', 'township_gov']))).all());
}

/** The active handlers of these units. */
export async function activeHandlersOf(db: Executor, unitIds: number[]): Promise<User[]> {
  if (unitIds.length === 0) return [];
  return query(db, (q) =>
    q
      .select()
      .from(users)
      .where(and(inArray(users.unitId, unitIds), eq(users.disabled, false), sql`(',' || ${users.roles} || ',') like '%,handler,%'`))
      .all(),
  );
}
