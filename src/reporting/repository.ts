// Data access for reporting tasks and submissions. Synchronous, taking the database or a
// transaction (src/db/executor.ts explains why).
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { units } from '../units/index.js';
import { regions } from '../regions/index.js';
import { reportingSubmissions, reportingTasks } from './tables.js';
import type { TaskKind, TaskSpec } from './catalog.js';

export type Task = typeof reportingTasks.$inferSelect;
export type Submission = typeof reportingSubmissions.$inferSelect;
export type SubmitterUnit = typeof units.$inferSelect;

/** Inserts the tasks not there yet (unique on kind, year, quarter); returns those inserted. */
export function insertTasks(db: Executor, specs: TaskSpec[], createdBy: number | null, now: number): Task[] {
  const created: Task[] = [];
  for (const s of specs) {
    // SQLite's unique index treats NULL quarters as distinct: look before inserting.
    if (findTaskByKey(db, s.kind, s.year, s.quarter)) continue;
    const row = db.insert(reportingTasks).values({ ...s, createdBy, createdAt: now }).onConflictDoNothing().returning().get();
    if (row) created.push(row);
  }
  return created;
}

export function findTaskByKey(db: Executor, kind: TaskKind, year: number, quarter: number | null): Task | undefined {
  return db
    .select()
    .from(reportingTasks)
    .where(and(eq(reportingTasks.kind, kind), eq(reportingTasks.year, year), quarter === null ? isNull(reportingTasks.quarter) : eq(reportingTasks.quarter, quarter)))
    .get();
}

export function findTask(db: Executor, id: number): Task | undefined {
  if (!Number.isSafeInteger(id)) return undefined;
  return db.select().from(reportingTasks).where(eq(reportingTasks.id, id)).get();
}

export function tasksOfYear(db: Executor, year: number): Task[] {
  return db.select().from(reportingTasks).where(eq(reportingTasks.year, year)).orderBy(asc(reportingTasks.dueOn), asc(reportingTasks.id)).all();
}

export function taskYears(db: Executor): number[] {
  return db
    .selectDistinct({ year: reportingTasks.year })
    .from(reportingTasks)
    .orderBy(desc(reportingTasks.year))
    .all()
    .map((r) => r.year);
}

/** Tasks whose due date has passed (strictly before `today`). */
export function tasksDueBefore(db: Executor, today: string): Task[] {
  return db.select().from(reportingTasks).where(sql`${reportingTasks.dueOn} < ${today}`).orderBy(asc(reportingTasks.dueOn)).all();
}

/** Civil-affairs units at a region level, optionally only those among `ids`, in region-code order. */
export function civilAffairsUnitsAt(db: Executor, level: 'county' | 'prefecture', ids?: number[]): SubmitterUnit[] {
  if (ids && ids.length === 0) return [];
  return db
    .select({ unit: units })
    .from(units)
    .innerJoin(regions, eq(regions.code, units.regionCode))
    .where(and(eq(units.kind, 'civil_affairs'), eq(regions.level, level), ids ? inArray(units.id, ids) : undefined))
    .orderBy(asc(units.regionCode))
    .all()
    .map((r) => r.unit);
}

export function regionLevelOf(db: Executor, code: string): string | undefined {
  return db.select({ level: regions.level }).from(regions).where(eq(regions.code, code)).get()?.level;
}

export function findSubmission(db: Executor, id: number): Submission | undefined {
  if (!Number.isSafeInteger(id)) return undefined;
  return db.select().from(reportingSubmissions).where(eq(reportingSubmissions.id, id)).get();
}

export function submissionOf(db: Executor, taskId: number, unitId: number): Submission | undefined {
  return db
    .select()
    .from(reportingSubmissions)
    .where(and(eq(reportingSubmissions.taskId, taskId), eq(reportingSubmissions.unitId, unitId)))
    .get();
}

export function submissionsOfTasks(db: Executor, taskIds: number[]): Submission[] {
  if (taskIds.length === 0) return [];
  return db.select().from(reportingSubmissions).where(inArray(reportingSubmissions.taskId, taskIds)).all();
}

export interface SectionTexts {
  basic: string;
  practices: string;
  problems: string;
  suggestions: string;
}

/** Creates or updates the draft; refuses (returns undefined) when it has been submitted meanwhile. */
export function saveDraft(db: Executor, taskId: number, unitId: number, texts: SectionTexts, by: number, now: number): Submission | undefined {
  const existing = submissionOf(db, taskId, unitId);
  if (!existing) {
    return db
      .insert(reportingSubmissions)
      .values({ taskId, unitId, status: 'draft', ...texts, updatedBy: by, updatedAt: now })
      .returning()
      .get();
  }
  return db
    .update(reportingSubmissions)
    .set({ ...texts, updatedBy: by, updatedAt: now })
    .where(and(eq(reportingSubmissions.id, existing.id), eq(reportingSubmissions.status, 'draft')))
    .returning()
    .get();
}

export function markSubmitted(db: Executor, id: number, statistics: string | null, by: number, now: number): Submission | undefined {
  return db
    .update(reportingSubmissions)
    .set({ status: 'submitted', statistics, submittedAt: now, updatedBy: by, updatedAt: now })
    .where(and(eq(reportingSubmissions.id, id), eq(reportingSubmissions.status, 'draft')))
    .returning()
    .get();
}

/**
 * Claims the one reminder of a late unit for a task: creates an empty draft carrying remindedAt, or
 * sets remindedAt on a draft that has none. True when this call made the claim.
 */
export function claimReminder(db: Executor, taskId: number, unitId: number, now: number): boolean {
  const inserted = db
    .insert(reportingSubmissions)
    .values({ taskId, unitId, status: 'draft', remindedAt: now, updatedBy: null, updatedAt: now })
    .onConflictDoNothing()
    .run();
  if (inserted.changes === 1) return true;
  const updated = db
    .update(reportingSubmissions)
    .set({ remindedAt: now })
    .where(and(eq(reportingSubmissions.taskId, taskId), eq(reportingSubmissions.unitId, unitId), eq(reportingSubmissions.status, 'draft'), isNull(reportingSubmissions.remindedAt)))
    .run();
  return updated.changes === 1;
}

/** Gives a claim back when the e-mail could not be sent, so that the next run tries again. */
export function releaseReminder(db: Executor, taskId: number, unitId: number, claimedAt: number): void {
  db.update(reportingSubmissions)
    .set({ remindedAt: null })
    .where(and(eq(reportingSubmissions.taskId, taskId), eq(reportingSubmissions.unitId, unitId), eq(reportingSubmissions.remindedAt, claimedAt)))
    .run();
}

/** Inserts a submission as given (demo data). */
export function insertSubmission(db: Executor, values: typeof reportingSubmissions.$inferInsert): Submission | undefined {
  return db.insert(reportingSubmissions).values(values).onConflictDoNothing().returning().get();
}
