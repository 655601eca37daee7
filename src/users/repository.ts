import { and, asc, desc, eq, inArray, like, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { secondFactorResets, users } from './tables.js';
import { perDatabase } from '../db/per-database.js';

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export function insertUser(db: Executor, row: NewUser): User {
  return db.insert(users).values(row).returning().get();
}

export function updateUser(db: Executor, id: number, values: Partial<NewUser>): void {
  db.update(users).set(values).where(eq(users.id, id)).run();
}

/** Every staff request looks its user up: the query is built once per database (or transaction). */
function prepareFindUser(db: Executor) {
  return db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare();
}
const findUserQueries = perDatabase<'byId', ReturnType<typeof prepareFindUser>>();

export function findUser(db: Executor, id: number): User | undefined {
  return findUserQueries.get(db, 'byId', () => prepareFindUser(db))!.get({ id });
}

export function findUserByName(db: Executor, username: string): User | undefined {
  return db.select().from(users).where(eq(users.username, username)).get();
}

export function usersOfUnits(db: Executor, unitIds: number[]): User[] {
  if (unitIds.length === 0) return [];
  return db.select().from(users).where(inArray(users.unitId, unitIds)).orderBy(asc(users.unitId), asc(users.username)).all();
}

/** Active users of a unit holding a role (e.g. the supervisors to tell about an overdue report). */
export function usersWithRole(db: Executor, unitId: number, role: string): User[] {
  return db
    .select()
    .from(users)
    .where(and(eq(users.unitId, unitId), eq(users.disabled, false), like(users.roles, `%${role}%`)))
    .all()
    .filter((u) => u.roles.split(',').includes(role));
}

export function userCount(db: Executor): number {
  return db.get<{ n: number }>(sql`select count(*) as n from users`)!.n;
}

/** Active (not disabled) users anywhere holding `role`: for the rule that the last holder of a duty stays. */
export function activeUsersWithRole(db: Executor, role: string): User[] {
  return db
    .select()
    .from(users)
    .where(and(eq(users.disabled, false), sql`(',' || ${users.roles} || ',') like ${`%,${role},%`}`))
    .orderBy(asc(users.id))
    .all();
}

export type SecondFactorReset = typeof secondFactorResets.$inferSelect;

export function insertSecondFactorReset(db: Executor, row: typeof secondFactorResets.$inferInsert): SecondFactorReset {
  return db.insert(secondFactorResets).values(row).returning().get();
}

export function findSecondFactorReset(db: Executor, id: number): SecondFactorReset | undefined {
  return db.select().from(secondFactorResets).where(eq(secondFactorResets.id, id)).get();
}

export function pendingSecondFactorReset(db: Executor, userId: number): SecondFactorReset | undefined {
  return db.select().from(secondFactorResets).where(and(eq(secondFactorResets.userId, userId), eq(secondFactorResets.status, 'pending'))).get();
}

export function pendingSecondFactorResets(db: Executor): SecondFactorReset[] {
  return db.select().from(secondFactorResets).where(eq(secondFactorResets.status, 'pending')).orderBy(desc(secondFactorResets.id)).all();
}

/** Decides a pending request; false when it was no longer pending (decided by someone else meanwhile). */
export function decideSecondFactorReset(db: Executor, id: number, status: 'approved' | 'refused' | 'withdrawn', by: number, at: number): boolean {
  return db.update(secondFactorResets).set({ status, decidedBy: by, decidedAt: at }).where(and(eq(secondFactorResets.id, id), eq(secondFactorResets.status, 'pending'))).run().changes === 1;
}

/** The unit's oldest account (lowest id), or undefined: a stand-in actor for seeded data. */
export function firstUserOfUnit(db: Executor, unitId: number): User | undefined {
  return db.select().from(users).where(eq(users.unitId, unitId)).orderBy(asc(users.id)).limit(1).get();
}

/** Display names of these users (id, name), for lists that show who did something. */
export function userNames(db: Executor, ids: readonly number[]): { id: number; name: string }[] {
  if (ids.length === 0) return [];
  return db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, [...ids])).all();
}

/** The account with the lowest id, if any (the demo credits content to it when a unit has none). */
export function firstUser(db: Executor): User | undefined {
  return db.select().from(users).orderBy(asc(users.id)).limit(1).get();
}
