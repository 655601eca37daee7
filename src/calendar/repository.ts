import { asc } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { calendarYears, holidayOverrides } from './tables.js';

export type HolidayOverrideRow = typeof holidayOverrides.$inferSelect;

export async function allOverrides(db: Executor): Promise<HolidayOverrideRow[]> {
  return query(db, (q) => q.select().from(holidayOverrides).orderBy(asc(holidayOverrides.date)).all());
}

export async function coveredYears(db: Executor): Promise<number[]> {
  return query(db, (q) => q.select().from(calendarYears).all().map((r) => r.year));
}

export async function upsertOverride(db: Executor, row: typeof holidayOverrides.$inferInsert): Promise<void> {
  await query(db, (q) => q.insert(holidayOverrides).values(row).onConflictDoUpdate({ target: holidayOverrides.date, set: row }).run());
}
