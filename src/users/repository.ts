import { and, asc, desc, eq, gt, inArray, isNotNull, like, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { isPostgres } from '../db/connection.js';
import type { Executor } from '../db/executor.js';
import { secondFactorResets, users } from './tables.js';
import { perDatabase } from '../db/per-database.js';
import { qualified } from '../db/qualified.js';
import { query } from '../db/transaction.js';
import { FALSE, isRowId } from '../db/dialect.js';

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export async function insertUser(db: Executor, row: NewUser): Promise<User> {
  return query(db, (q) => q.insert(users).values(row).returning().get());
}

export async function updateUser(db: Executor, id: number, values: Partial<NewUser>): Promise<void> {
  await query(db, (q) => q.update(users).set(values).where(eq(users.id, id)).run());
}

/** Every staff request looks its user up: the query is built once per connection. */
const prepareFindUser = (q: Executor) => q.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare();
const findUserQueries = perDatabase<'byId', ReturnType<typeof prepareFindUser>>();

export async function findUser(db: Executor, id: number): Promise<User | undefined> {
  // The statement kept per connection is better-sqlite3's (PostgreSQL's builder has no such prepare(), and its pool hands out a client per statement).
  if (isPostgres(db)) return query(db, (q) => q.select().from(users).where(eq(users.id, id)).get());
  const prepared = (await findUserQueries.get(db, 'byId', () => query(db, prepareFindUser)))!;
  return query(db, () => prepared.get({ id }));
}

export async function findUserByName(db: Executor, username: string): Promise<User | undefined> {
  return query(db, (q) => q.select().from(users).where(eq(users.username, username)).get());
}

export async function usersOfUnits(db: Executor, unitIds: number[]): Promise<User[]> {
  if (unitIds.length === 0) return [];
  return query(db, (q) => q.select().from(users).where(inArray(users.unitId, unitIds)).orderBy(asc(users.unitId), asc(users.username)).all());
}

/** Active users of a unit holding a role (e.g. the supervisors to tell about an overdue report). */
export async function usersWithRole(db: Executor, unitId: number, role: string): Promise<User[]> {
  const rows = await query(db, (q) =>
    q
      .select()
      .from(users)
      .where(and(eq(users.unitId, unitId), eq(users.disabled, false), like(users.roles, `%${role}%`)))
      .all(),
  );
  return rows.filter((u) => u.roles.split(',').includes(role));
}

export async function userCount(db: Executor): Promise<number> {
  return (await query(db, (q) => q.get<{ n: number }>(sql`select count(*) as n from users`)))!.n;
}

/** Active (not disabled) users anywhere holding `role`: for the rule that the last holder of a duty stays. */
export async function activeUsersWithRole(db: Executor, role: string): Promise<User[]> {
  return query(db, (q) =>
    q
      .select()
      .from(users)
      .where(and(eq(users.disabled, false), sql`(',' || ${users.roles} || ',') like ${`%,${role},%`}`))
      .orderBy(asc(users.id))
      .all(),
  );
}

export type SecondFactorReset = typeof secondFactorResets.$inferSelect;

export async function insertSecondFactorReset(db: Executor, row: typeof secondFactorResets.$inferInsert): Promise<SecondFactorReset> {
  return query(db, (q) => q.insert(secondFactorResets).values(row).returning().get());
}

export async function findSecondFactorReset(db: Executor, id: number): Promise<SecondFactorReset | undefined> {
  return query(db, (q) => q.select().from(secondFactorResets).where(eq(secondFactorResets.id, id)).get());
}

export async function pendingSecondFactorReset(db: Executor, userId: number): Promise<SecondFactorReset | undefined> {
  return query(db, (q) => q.select().from(secondFactorResets).where(and(eq(secondFactorResets.userId, userId), eq(secondFactorResets.status, 'pending'))).get());
}

export async function pendingSecondFactorResets(db: Executor): Promise<SecondFactorReset[]> {
  return query(db, (q) => q.select().from(secondFactorResets).where(eq(secondFactorResets.status, 'pending')).orderBy(desc(secondFactorResets.id)).all());
}

/** Decides a pending request; false when it was no longer pending (decided by someone else meanwhile). */
export async function decideSecondFactorReset(db: Executor, id: number, status: 'approved' | 'refused' | 'withdrawn', by: number, at: number): Promise<boolean> {
  return (await query(db, (q) => q.update(secondFactorResets).set({ status, decidedBy: by, decidedAt: at }).where(and(eq(secondFactorResets.id, id), eq(secondFactorResets.status, 'pending'))).run())).changes === 1;
}

/** The unit's oldest account (lowest id), or undefined: a stand-in actor for seeded data. */
export async function firstUserOfUnit(db: Executor, unitId: number): Promise<User | undefined> {
  return query(db, (q) => q.select().from(users).where(eq(users.unitId, unitId)).orderBy(asc(users.id)).limit(1).get());
}

/** Display names of these users (id, name), for lists that show who did something. */
export async function userNames(db: Executor, ids: readonly number[]): Promise<{ id: number; name: string }[]> {
  if (ids.length === 0) return [];
  return query(db, (q) => q.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, [...ids])).all());
}

/** The account with the lowest id, if any (the demo credits content to it when a unit has none). */
export async function firstUser(db: Executor): Promise<User | undefined> {
  return query(db, (q) => q.select().from(users).orderBy(asc(users.id)).limit(1).get());
}

/** The users among `ids` (any order). */
export async function findUsers(db: Executor, ids: readonly number[]): Promise<User[]> {
  if (ids.length === 0) return [];
  return query(db, (q) => q.select().from(users).where(inArray(users.id, [...ids])).all());
}

export interface UserPageFilter {
  unitIds: readonly number[];
  /** Part of the user name or the display name. */
  q?: string;
  status?: 'active' | 'disabled';
  /** Keyset: only ids above this one. */
  afterId?: number;
  limit: number;
}

/** Users of the given units, by id (keyset), one page and whether there is more (the administrators' list). */
export async function usersPage(db: Executor, f: UserPageFilter): Promise<{ rows: User[]; more: boolean }> {
  if (f.unitIds.length === 0) return { rows: [], more: false };
  const conditions: (SQL | undefined)[] = [inArray(users.unitId, [...f.unitIds])];
  if (f.q) {
    const pattern = `%${escapeLike(f.q)}%`;
    conditions.push(or(sql`${users.username} like ${pattern} escape '\\'`, sql`${users.displayName} like ${pattern} escape '\\'`));
  }
  if (f.status) conditions.push(eq(users.disabled, f.status === 'disabled'));
  if (f.afterId) conditions.push(gt(users.id, f.afterId));
  const rows = await query(db, (q) => q.select().from(users).where(and(...conditions)).orderBy(asc(users.id)).limit(f.limit + 1).all());
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}

/** User ids whose user name is `text` or whose display name contains it. */
export async function userIdsMatching(db: Executor, text: string): Promise<number[]> {
  const pattern = `%${escapeLike(text)}%`;
  const rows = await query(db, (q) =>
    q
      .select({ id: users.id })
      .from(users)
      .where(or(eq(users.username, text), sql`${users.displayName} like ${pattern} escape '\\'`))
      .all(),
  );
  return rows.map((r) => r.id);
}

/** The active (not disabled) handlers of these units, by id: the people a report or open work can be handed to. */
export async function activeHandlersOf(db: Executor, unitIds: readonly number[]): Promise<User[]> {
  // A unit id may come from a form's select (assigning): one beyond the id range is no unit's.
  const ids = unitIds.filter(isRowId);
  if (ids.length === 0) return [];
  return query(db, (q) =>
    q
      .select()
      .from(users)
      .where(and(inArray(users.unitId, ids), eq(users.disabled, false), sql`(',' || ${users.roles} || ',') like '%,handler,%'`))
      .orderBy(asc(users.id))
      .all(),
  );
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

// --- Values and conditions for other features' repositories ----------------------------------
// The users table is private (issue 17): another feature's repository that shows who did something
// keeps its one statement and puts one of these fragments in it, over a column of its own table
// holding a user id (a drizzle column, or sql`alias.column` in a raw statement). Built, not run, so
// not async. The inner table is aliased so that no caller's table shadows it. NULL or an unknown id
// gives NULL.

/** Value: the display name of the user in `column`. `select({ page: policyPages, editor: userDisplayNameOf(policyPages.updatedBy) })`. */
export function userDisplayNameOf(column: SQLWrapper): SQL<string | null> {
  return sql<string | null>`(select user_of.display_name from users user_of where user_of.id = ${qualified(column)})`;
}

/** Value: the unit id of the user in `column`. With the units' fragment: `unitNameOf(userUnitIdOf(identityRequests.requesterId))`. */
export function userUnitIdOf(column: SQLWrapper): SQL<number | null> {
  return sql<number | null>`(select user_of.unit_id from users user_of where user_of.id = ${qualified(column)})`;
}

/**
 * Condition: the user in `column` belongs to one of `unitIds` (no units: false).
 * Audit entries by staff of these units: `where(userInUnits(auditLog.actorId, unitIds))`. NULL: no match.
 */
export function userInUnits(column: SQLWrapper, unitIds: readonly number[]): SQL {
  if (unitIds.length === 0) return FALSE;
  return sql`${qualified(column)} in (select user_of.id from users user_of where user_of.unit_id in (${sql.join(
    unitIds.map((id) => sql`${id}`),
    sql`, `,
  )}))`;
}

// Key rotation (issue 23, src/key-rotation): TOTP secrets still sealed under another profile.

/** A sealed value's first byte, its format version (1 intl, 2 sm), compared as a blob on both engines. */
const totpVersionIsNot = (version: number): SQL => sql`substr(${users.totpSealed}, 1, 1) <> ${Buffer.from([version])}`;

/** Ids after `afterId` (up to `limit`, in id order) whose TOTP secret is sealed under a version other than `version`. */
export async function idsWithTotpNotSealedAs(db: Executor, version: number, afterId: number, limit: number): Promise<number[]> {
  const rows = await query(db, (q) => q.select({ id: users.id }).from(users).where(and(gt(users.id, afterId), isNotNull(users.totpSealed), totpVersionIsNot(version))).orderBy(asc(users.id)).limit(limit).all());
  return rows.map((r) => r.id);
}

/** How many TOTP secrets are sealed under a version other than `version`. */
export async function countTotpNotSealedAs(db: Executor, version: number): Promise<number> {
  const row = await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(users).where(and(isNotNull(users.totpSealed), totpVersionIsNot(version))).get());
  return Number(row?.n ?? 0);
}

/** Replaces a sealed TOTP secret with its re-sealed value, provided it is still `old` (not re-enrolled meanwhile). */
export async function replaceSealedTotp(db: Executor, id: number, old: Buffer, next: Buffer): Promise<boolean> {
  return (await query(db, (q) => q.update(users).set({ totpSealed: next }).where(and(eq(users.id, id), eq(users.totpSealed, old))).run())).changes > 0;
}
