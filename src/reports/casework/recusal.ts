// Conflicts of interest (DESIGN.md §4): a user does not see or handle a report about themselves or
// their declared close relatives (name + township), nor one placed in their home village.
import type { Executor } from '../../db/executor.js';
import { declarantsNamedInTownship, declaredPeopleOfUser } from '../../declarations/index.js';
import { findRegion } from '../../regions/index.js';
import type { User } from '../../users/index.js';

export interface ConflictPair {
  name: string;
  township: string;
}

/** (name, township) pairs of the user and their declared relatives, from their own declaration. */
export async function conflictPairs(db: Executor, user: User): Promise<ConflictPair[]> {
  // The township of the user's own home village (a village's parent).
  const ownTownship = user.homeVillageCode ? ((await findRegion(db, user.homeVillageCode))?.parentCode ?? null) : null;
  const people = await declaredPeopleOfUser(db, user.id);
  const pairs: ConflictPair[] = [];
  if (ownTownship) pairs.push({ name: user.displayName, township: ownTownship });
  if (people) {
    const declarant = people.declarant;
    if (declarant.township && declarant.name !== user.displayName) pairs.push({ name: declarant.name, township: declarant.township });
    for (const r of people.relatives) if (r.township) pairs.push({ name: r.name, township: r.township });
  }
  return pairs;
}

/** Whether a user would be recused from a report: used before assigning it to them. */
export async function isRecused(db: Executor, user: User, report: { placeCode: string; subjectName: string | null; townshipCode: string | null }): Promise<boolean> {
  if (user.homeVillageCode && report.placeCode === user.homeVillageCode) return true;
  if (!report.subjectName || !report.townshipCode) return false;
  return (await conflictPairs(db, user)).some((p) => p.name === report.subjectName && p.township === report.townshipCode);
}

/**
 * Declarants who are not users but whose name and township match the subject: "possible" matches
 * shown to supervisors to confirm (DESIGN.md §4).
 */
export async function possibleDeclarantMatches(db: Executor, report: { subjectName: string | null; townshipCode: string | null }) {
  if (!report.subjectName || !report.townshipCode) return [];
  return declarantsNamedInTownship(db, report.subjectName, report.townshipCode);
}
