import { table, text, integer, index, timestamp } from '../db/schema.js';

/** 常用答复: answer templates per category that staff edit; a unit's own or the province's shared ones. */
export const answerTemplates = table(
  'answer_templates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: integer('unit_id'),
    category: text('category').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    updatedBy: integer('updated_by'),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('answer_templates_category_idx').on(t.category)],
);
