import { asc } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { calendarYears, holidayOverrides } from './tables.js';

export function allOverrides(db: Executor) {
  return db.select().from(holidayOverrides).orderBy(asc(holidayOverrides.date)).all();
}

export function coveredYears(db: Executor): number[] {
  return db.select().from(calendarYears).all().map((r) => r.year);
}

export function upsertOverride(db: Executor, row: typeof holidayOverrides.$inferInsert): void {
  db.insert(holidayOverrides).values(row).onConflictDoUpdate({ target: holidayOverrides.date, set: row }).run();
}
