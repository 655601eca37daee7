import { table, text, integer, timestamp } from '../db/schema.js';

/** 政策宣传: policy explainers staff publish in Markdown (rendered as sanitized HTML). */
export const policyPages = table('policy_pages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  title: text('title').notNull(),
  bodyMarkdown: text('body_markdown').notNull(),
  published: integer('published', { mode: 'boolean' }).notNull().default(false),
  updatedBy: integer('updated_by'),
  updatedAt: timestamp('updated_at').notNull(),
});
