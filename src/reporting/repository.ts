// Data access for reporting tasks and submissions. Async, taking the database or a transaction
// handle; statements run through `query` (src/db/transaction.ts explains why).
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import type { Db } from '../db/connection.js';
import { reportingSubmissions, reportingTasks } from './tables.js';
import type { TaskKind, TaskSpec } from './catalog.js';
import { isRowId } from '../db/dialect.js';

export type Task = typeof reportingTasks.$inferSelect;
export type Submission = typeof reportingSubmissions.$inferSelect;

async function taskByKey(q: Db, kind: TaskKind, year: number, quarter: number | null): Promise<Task | undefined> {
  return q
    .select()
    .from(reportingTasks)
    .where(and(eq(reportingTasks.kind, kind), eq(reportingTasks.year, year), quarter === null ? isNull(reportingTasks.quarter) : eq(reportingTasks.quarter, quarter)))
    .get();
}

async function submissionRow(q: Db, taskId: number, unitId: number): Promise<Submission | undefined> {
  return q
    .select()
    .from(reportingSubmissions)
    .where(and(eq(reportingSubmissions.taskId, taskId), eq(reportingSubmissions.unitId, unitId)))
    .get();
}

/** Inserts the tasks not there yet (unique on kind, year, quarter); returns those inserted. */
export async function insertTasks(db: Executor, specs: TaskSpec[], createdBy: number | null, now: number): Promise<Task[]> {
  return query(db, async (q) => {
    const created: Task[] = [];
    for (const s of specs) {
      // SQLite's unique index treats NULL quarters as distinct: look before inserting.
      if (await taskByKey(q, s.kind, s.year, s.quarter)) continue;
      const row = await q.insert(reportingTasks).values({ ...s, createdBy, createdAt: now }).onConflictDoNothing().returning().get();
      if (row) created.push(row);
    }
    return created;
  });
}

export async function findTaskByKey(db: Executor, kind: TaskKind, year: number, quarter: number | null): Promise<Task | undefined> {
  return query(db, (q) => taskByKey(q, kind, year, quarter));
}

export async function findTask(db: Executor, id: number): Promise<Task | undefined> {
  if (!isRowId(id)) return undefined;
  return query(db, (q) => q.select().from(reportingTasks).where(eq(reportingTasks.id, id)).get());
}

export async function tasksOfYear(db: Executor, year: number): Promise<Task[]> {
  return query(db, (q) => q.select().from(reportingTasks).where(eq(reportingTasks.year, year)).orderBy(asc(reportingTasks.dueOn), asc(reportingTasks.id)).all());
}

export async function taskYears(db: Executor): Promise<number[]> {
  const rows = await query(db, (q) => q.selectDistinct({ year: reportingTasks.year }).from(reportingTasks).orderBy(desc(reportingTasks.year)).all());
  return rows.map((r) => r.year);
}

/** Tasks whose due date has passed (strictly before `today`). */
export async function tasksDueBefore(db: Executor, today: string): Promise<Task[]> {
  return query(db, (q) => q.select().from(reportingTasks).where(sql`${reportingTasks.dueOn} < ${today}`).orderBy(asc(reportingTasks.dueOn)).all());
}

export async function findSubmission(db: Executor, id: number): Promise<Submission | undefined> {
  if (!isRowId(id)) return undefined;
  return query(db, (q) => q.select().from(reportingSubmissions).where(eq(reportingSubmissions.id, id)).get());
}

export async function submissionOf(db: Executor, taskId: number, unitId: number): Promise<Submission | undefined> {
  return query(db, (q) => submissionRow(q, taskId, unitId));
}

export async function submissionsOfTasks(db: Executor, taskIds: number[]): Promise<Submission[]> {
  if (taskIds.length === 0) return [];
  return query(db, (q) => q.select().from(reportingSubmissions).where(inArray(reportingSubmissions.taskId, taskIds)).all());
}

export interface SectionTexts {
  basic: string;
  practices: string;
  problems: string;
  suggestions: string;
}

/** Creates or updates the draft; refuses (returns undefined) when it has been submitted meanwhile. */
export async function saveDraft(db: Executor, taskId: number, unitId: number, texts: SectionTexts, by: number, now: number): Promise<Submission | undefined> {
  return query(db, async (q) => {
    const existing = await submissionRow(q, taskId, unitId);
    if (!existing) {
      return q
        .insert(reportingSubmissions)
        .values({ taskId, unitId, status: 'draft', ...texts, updatedBy: by, updatedAt: now })
        .returning()
        .get();
    }
    return q
      .update(reportingSubmissions)
      .set({ ...texts, updatedBy: by, updatedAt: now })
      .where(and(eq(reportingSubmissions.id, existing.id), eq(reportingSubmissions.status, 'draft')))
      .returning()
      .get();
  });
}

export async function markSubmitted(db: Executor, id: number, statistics: string | null, by: number, now: number): Promise<Submission | undefined> {
  return query(db, (q) =>
    q
      .update(reportingSubmissions)
      .set({ status: 'submitted', statistics, submittedAt: now, updatedBy: by, updatedAt: now })
      .where(and(eq(reportingSubmissions.id, id), eq(reportingSubmissions.status, 'draft')))
      .returning()
      .get(),
  );
}

/**
 * Claims the one reminder of a late unit for a task: creates an empty draft carrying remindedAt, or
 * sets remindedAt on a draft that has none. True when this call made the claim.
 */
export async function claimReminder(db: Executor, taskId: number, unitId: number, now: number): Promise<boolean> {
  return query(db, async (q) => {
    const inserted = await q
      .insert(reportingSubmissions)
      .values({ taskId, unitId, status: 'draft', remindedAt: now, updatedBy: null, updatedAt: now })
      .onConflictDoNothing()
      .run();
    if (inserted.changes === 1) return true;
    const updated = await q
      .update(reportingSubmissions)
      .set({ remindedAt: now })
      .where(and(eq(reportingSubmissions.taskId, taskId), eq(reportingSubmissions.unitId, unitId), eq(reportingSubmissions.status, 'draft'), isNull(reportingSubmissions.remindedAt)))
      .run();
    return updated.changes === 1;
  });
}

/** Gives a claim back when the e-mail could not be sent, so that the next run tries again. */
export async function releaseReminder(db: Executor, taskId: number, unitId: number, claimedAt: number): Promise<void> {
  await query(db, (q) =>
    q
      .update(reportingSubmissions)
      .set({ remindedAt: null })
      .where(and(eq(reportingSubmissions.taskId, taskId), eq(reportingSubmissions.unitId, unitId), eq(reportingSubmissions.remindedAt, claimedAt)))
      .run(),
  );
}

/** Inserts a submission as given (demo data). */
export async function insertSubmission(db: Executor, values: typeof reportingSubmissions.$inferInsert): Promise<Submission | undefined> {
  return query(db, (q) => q.insert(reportingSubmissions).values(values).onConflictDoNothing().returning().get());
}
