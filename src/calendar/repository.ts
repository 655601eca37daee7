import { asc, eq, like, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { calendarYears, holidayOverrides } from './tables.js';

export type HolidayOverrideRow = typeof holidayOverrides.$inferSelect;

export async function allOverrides(db: Executor): Promise<HolidayOverrideRow[]> {
  return query(db, (q) => q.select().from(holidayOverrides).orderBy(asc(holidayOverrides.date)).all());
}

export async function coveredYears(db: Executor): Promise<number[]> {
  return (await query(db, (q) => q.select().from(calendarYears).all())).map((r) => r.year);
}

export async function upsertOverride(db: Executor, row: typeof holidayOverrides.$inferInsert): Promise<void> {
  await query(db, (q) => q.insert(holidayOverrides).values(row).onConflictDoUpdate({ target: holidayOverrides.date, set: row }).run());
}

/** Removes the override of `date`; whether there was one. */
export async function deleteOverride(db: Executor, date: string): Promise<boolean> {
  return (await query(db, (q) => q.delete(holidayOverrides).where(eq(holidayOverrides.date, date)).run())).changes === 1;
}

export async function findOverride(db: Executor, date: string): Promise<HolidayOverrideRow | undefined> {
  return query(db, (q) => q.select().from(holidayOverrides).where(eq(holidayOverrides.date, date)).get());
}

/** How many overrides fall in `year`. */
export async function overridesInYear(db: Executor, year: number): Promise<number> {
  return (await query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(holidayOverrides).where(like(holidayOverrides.date, `${year}-%`)).get()))!.n;
}

export type CalendarYearRow = typeof calendarYears.$inferSelect;

/** The years declared entered completely, in order, with who declared them. */
export async function declaredYears(db: Executor): Promise<CalendarYearRow[]> {
  return query(db, (q) => q.select().from(calendarYears).orderBy(asc(calendarYears.year)).all());
}

/** Declares `year` entered completely; false if it already was. */
export async function insertYear(db: Executor, year: number, userId: number, now: number): Promise<boolean> {
  return (await query(db, (q) => q.insert(calendarYears).values({ year, updatedBy: userId, updatedAt: now }).onConflictDoNothing().run())).changes === 1;
}

/** Withdraws the declaration of `year`; whether there was one. */
export async function deleteYear(db: Executor, year: number): Promise<boolean> {
  return (await query(db, (q) => q.delete(calendarYears).where(eq(calendarYears.year, year)).run())).changes === 1;
}
