// Conflicts of interest (DESIGN.md §4): a user does not see or handle a report about themselves or
// their declared close relatives (name + township), nor one placed in their home village.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/connection.js';
import { declarants, declaredRelatives } from '../../declarations/tables.js';
import { regions } from '../../regions/tables.js';
import type { User } from '../../users/repository.js';

export interface ConflictPair {
  name: string;
  township: string;
}

/** (name, township) pairs of the user and their declared relatives, from their own declaration. */
export async function conflictPairs(db: Db, user: User): Promise<ConflictPair[]> {
  const pairs: ConflictPair[] = [];
  const township = (villageCode: string | null) =>
    villageCode ? db.select({ parent: regions.parentCode }).from(regions).where(eq(regions.code, villageCode)).get()?.parent ?? null : null;
  const own = township(user.homeVillageCode);
  if (own) pairs.push({ name: user.displayName, township: own });
  const declarant = db.select().from(declarants).where(eq(declarants.userId, user.id)).get();
  if (declarant) {
    const home = township(declarant.homeVillageCode);
    if (home && declarant.name !== user.displayName) pairs.push({ name: declarant.name, township: home });
    for (const r of db.select().from(declaredRelatives).where(eq(declaredRelatives.declarantId, declarant.id)).all()) {
      const t = township(r.villageCode);
      if (t) pairs.push({ name: r.name, township: t });
    }
  }
  return pairs;
}

/** Whether a user would be recused from a report: used before assigning it to them. */
export async function isRecused(db: Db, user: User, report: { placeCode: string; subjectName: string | null; townshipCode: string | null }): Promise<boolean> {
  if (user.homeVillageCode && report.placeCode === user.homeVillageCode) return true;
  if (!report.subjectName || !report.townshipCode) return false;
  return (await conflictPairs(db, user)).some((p) => p.name === report.subjectName && p.township === report.townshipCode);
}

/**
 * Declarants who are not users but whose name and township match the subject: "possible" matches
 * shown to supervisors to confirm (DESIGN.md §4).
 */
export async function possibleDeclarantMatches(db: Db, report: { subjectName: string | null; townshipCode: string | null }) {
  if (!report.subjectName || !report.townshipCode) return [];
  return db.all<{ id: number; name: string; position: string; userId: number | null }>(sql`
    select d.id, d.name, d.position, d.user_id as userId from declarants d
    join regions v on v.code = d.home_village_code
    where d.name = ${report.subjectName} and v.parent_code = ${report.townshipCode}`);
}
