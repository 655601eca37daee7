// Data access for answer templates (常用答复). Synchronous like every repository (src/db/executor.ts).
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { answerTemplates } from './tables.js';

export type AnswerTemplate = typeof answerTemplates.$inferSelect;
export type NewAnswerTemplate = typeof answerTemplates.$inferInsert;

/** A unit's own templates and the province-wide ones, the unit's first, optionally of one category. */
export function listVisible(db: Executor, unitId: number, category?: string): AnswerTemplate[] {
  const scope = or(eq(answerTemplates.unitId, unitId), isNull(answerTemplates.unitId))!;
  return db
    .select()
    .from(answerTemplates)
    .where(category ? and(scope, eq(answerTemplates.category, category)) : scope)
    .orderBy(sql`${answerTemplates.unitId} is null`, asc(answerTemplates.category), asc(answerTemplates.title), asc(answerTemplates.id))
    .all();
}

export function findTemplate(db: Executor, id: number): AnswerTemplate | undefined {
  return db.select().from(answerTemplates).where(eq(answerTemplates.id, id)).get();
}

export function insertTemplate(db: Executor, row: NewAnswerTemplate): AnswerTemplate {
  return db.insert(answerTemplates).values(row).returning().get();
}

export function updateTemplate(db: Executor, id: number, values: Partial<NewAnswerTemplate>): void {
  db.update(answerTemplates).set(values).where(eq(answerTemplates.id, id)).run();
}

export function deleteTemplate(db: Executor, id: number): void {
  db.delete(answerTemplates).where(eq(answerTemplates.id, id)).run();
}

/** Whether a province-wide template with this category and title exists (seeding stays idempotent). */
export function provinceTemplateExists(db: Executor, category: string, title: string): boolean {
  return (
    db
      .select({ id: answerTemplates.id })
      .from(answerTemplates)
      .where(and(isNull(answerTemplates.unitId), eq(answerTemplates.category, category), eq(answerTemplates.title, title)))
      .get() !== undefined
  );
}
