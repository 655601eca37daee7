// Conflicts of interest (DESIGN.md §4): a user does not see or handle a report about themselves or
// their declared close relatives — by name + township, or by the keyed ID hash a report carries when
// it is about a listed recipient (an objection, issue 19 item 4) — nor one placed in their home village.
// A declared person may carry a hash under each crypto profile, and a report the hash of a roster
// row made under either (issue 23): every hash of the person, widened to those of the roster rows
// sharing one, is a pair of its own (no name, no township: the hash alone matches).
import type { Executor } from '../../db/executor.js';
import { declarantsNamedInTownship, declaredPeopleOfUser, declaredPeopleOfUsers, type DeclaredPerson } from '../../declarations/index.js';
import { findRegion } from '../../regions/index.js';
import { sameSubjectHashes } from '../objection-subject.js';
import { personNameKey } from '../../shared/person-name.js';
import type { User } from '../../users/index.js';

/**
 * A person the user is recused from. The name counts only with a known township (a bare name would
 * hide every namesake in the province); the ID hash only when there is one. Either may be null: an
 * undeclared user has a township but no hash.
 */
export interface ConflictPair {
  name: string;
  township: string | null;
  idHash: string | null;
}

type Declaration = { declarant: DeclaredPerson; relatives: DeclaredPerson[] } | null;

/** The township of the user's own home village (a village's parent). */
async function ownTownshipOf(db: Executor, user: User): Promise<string | null> {
  return user.homeVillageCode ? ((await findRegion(db, user.homeVillageCode))?.parentCode ?? null) : null;
}

/** The named pairs of a user's declaration (each with its own hash), before any widening by hash. */
function namedPairs(user: User, ownTownship: string | null, people: Declaration): ConflictPair[] {
  const pairs: ConflictPair[] = [];
  const declarant = people?.declarant;
  // The user as declared: their own hash goes with their own name (a report about a recipient who is
  // the user herself is a report about her).
  pairs.push({ name: user.displayName, township: ownTownship, idHash: declarant?.idHash || null });
  if (declarant && declarant.name !== user.displayName) pairs.push({ name: declarant.name, township: declarant.township, idHash: declarant.idHash || null });
  for (const r of people?.relatives ?? []) pairs.push({ name: r.name, township: r.township, idHash: r.idHash || null });
  return pairs;
}

/** Every hash of a declaration (both profiles' of each person), empty ones left out. */
const declaredHashes = (people: Declaration) => (people ? [people.declarant, ...people.relatives] : []).flatMap((p) => [p.idHash, p.idHashAlt ?? '']).filter((h) => !!h);

/** The user and their declared relatives, from their own declaration. */
export async function conflictPairs(db: Executor, user: User): Promise<ConflictPair[]> {
  const people = await declaredPeopleOfUser(db, user.id);
  const pairs = namedPairs(user, await ownTownshipOf(db, user), people);
  // Their other hashes (issue 23), in one lookup: a hash matches alone, so these pairs name nobody.
  const own = new Set(pairs.map((p) => p.idHash));
  for (const idHash of await sameSubjectHashes(db, declaredHashes(people))) {
    if (!own.has(idHash)) pairs.push({ name: '', township: null, idHash });
  }
  return pairs.filter((p) => p.township || p.idHash);
}

/** The same person's name as written by a reporter and as declared (spaces, a remark in brackets: personNameKey). */
function sameName(declared: string, written: string): boolean {
  const key = personNameKey(declared);
  return key !== '' && key === personNameKey(written);
}

/** Whether a report about this subject concerns one of the pairs (an unknown value on either side matches nothing). */
export function concernsAny(pairs: readonly ConflictPair[], report: { subjectName: string | null; townshipCode: string | null; subjectIdHash?: string | null }): boolean {
  return pairs.some(
    (p) =>
      (!!report.subjectIdHash && p.idHash === report.subjectIdHash) ||
      (!!report.subjectName && !!report.townshipCode && !!p.township && p.township === report.townshipCode && sameName(p.name, report.subjectName)),
  );
}

/** Whether a user would be recused from a report: used before assigning it to them. */
export async function isRecused(
  db: Executor,
  user: User,
  report: { placeCode: string; subjectName: string | null; townshipCode: string | null; subjectIdHash?: string | null },
): Promise<boolean> {
  if (user.homeVillageCode && report.placeCode === user.homeVillageCode) return true;
  if (!report.subjectIdHash && (!report.subjectName || !report.townshipCode)) return false;
  return concernsAny(await conflictPairs(db, user), report);
}

/**
 * Of these users, the ids of those isRecused finds recused from the report, with every declaration
 * read at once and the report's hash widened once (instead of each user's: a roster row holding
 * the report's hash and one of the user's is the same link either way): a province's report page
 * checked its hundreds of assignable handlers one by one (≈ 40 ms a page, issue 22).
 */
export async function recusedUsers(db: Executor, users: readonly User[], report: Parameters<typeof isRecused>[2]): Promise<Set<number>> {
  const recused = new Set<number>();
  const rest: User[] = [];
  for (const u of users) (u.homeVillageCode && report.placeCode === u.homeVillageCode ? recused.add(u.id) : rest.push(u));
  if (rest.length === 0 || (!report.subjectIdHash && (!report.subjectName || !report.townshipCode))) return recused;
  const declarations = await declaredPeopleOfUsers(db, rest.map((u) => u.id));
  const subjectHashes = new Set(report.subjectIdHash ? await sameSubjectHashes(db, [report.subjectIdHash]) : []);
  for (const u of rest) {
    const people = declarations.get(u.id) ?? null;
    const pairs = namedPairs(u, await ownTownshipOf(db, u), people).filter((p) => p.township || p.idHash);
    if (concernsAny(pairs, report) || declaredHashes(people).some((h) => subjectHashes.has(h))) recused.add(u.id);
  }
  return recused;
}

/**
 * Declarants who are not users but whose name and township match the subject: "possible" matches
 * shown to supervisors to confirm (DESIGN.md §4).
 */
export async function possibleDeclarantMatches(db: Executor, report: { subjectName: string | null; townshipCode: string | null }) {
  if (!report.subjectName || !report.townshipCode) return [];
  return declarantsNamedInTownship(db, report.subjectName, report.townshipCode);
}
