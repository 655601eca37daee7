// Data access for answer templates (常用答复). Async, taking the database or a transaction (src/db/transaction.ts).
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { answerTemplates } from './tables.js';

export type AnswerTemplate = typeof answerTemplates.$inferSelect;
export type NewAnswerTemplate = typeof answerTemplates.$inferInsert;

/** A unit's own templates and the province-wide ones, the unit's first, optionally of one category. */
export async function listVisible(db: Executor, unitId: number, category?: string): Promise<AnswerTemplate[]> {
  const scope = or(eq(answerTemplates.unitId, unitId), isNull(answerTemplates.unitId))!;
  return query(db, (q) =>
    q
      .select()
      .from(answerTemplates)
      .where(category ? and(scope, eq(answerTemplates.category, category)) : scope)
      .orderBy(sql`${answerTemplates.unitId} is null`, asc(answerTemplates.category), asc(answerTemplates.title), asc(answerTemplates.id))
      .all(),
  );
}

export async function findTemplate(db: Executor, id: number): Promise<AnswerTemplate | undefined> {
  return query(db, (q) => q.select().from(answerTemplates).where(eq(answerTemplates.id, id)).get());
}

export async function insertTemplate(db: Executor, row: NewAnswerTemplate): Promise<AnswerTemplate> {
  return query(db, (q) => q.insert(answerTemplates).values(row).returning().get());
}

export async function updateTemplate(db: Executor, id: number, values: Partial<NewAnswerTemplate>): Promise<void> {
  await query(db, (q) => q.update(answerTemplates).set(values).where(eq(answerTemplates.id, id)).run());
}

export async function deleteTemplate(db: Executor, id: number): Promise<void> {
  await query(db, (q) => q.delete(answerTemplates).where(eq(answerTemplates.id, id)).run());
}

/** Whether a province-wide template with this category and title exists (seeding stays idempotent). */
export async function provinceTemplateExists(db: Executor, category: string, title: string): Promise<boolean> {
  const row = await query(db, (q) =>
    q
      .select({ id: answerTemplates.id })
      .from(answerTemplates)
      .where(and(isNull(answerTemplates.unitId), eq(answerTemplates.category, category), eq(answerTemplates.title, title)))
      .get(),
  );
  return row !== undefined;
}
