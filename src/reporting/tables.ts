import { table, text, integer, index, uniqueIndex, timestamp } from '../db/schema.js';

/** Reporting up the hierarchy (issue 7): the plan, county and city summaries, quarterly case collections. */
export const reportingTasks = table(
  'reporting_tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** plan | county_summary | city_summary | quarterly_cases */
    kind: text('kind').notNull(),
    year: integer('year').notNull(),
    quarter: integer('quarter'),
    dueOn: text('due_on').notNull(),
    title: text('title').notNull(),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('reporting_tasks_unique').on(t.kind, t.year, t.quarter)],
);

export const reportingSubmissions = table(
  'reporting_submissions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    taskId: integer('task_id').notNull(),
    unitId: integer('unit_id').notNull(),
    /** draft | submitted */
    status: text('status').notNull(),
    basic: text('basic').notNull().default(''),
    practices: text('practices').notNull().default(''),
    problems: text('problems').notNull().default(''),
    suggestions: text('suggestions').notNull().default(''),
    /** The statistics filled in automatically, as JSON, frozen at submission. */
    statistics: text('statistics'),
    submittedAt: timestamp('submitted_at'),
    remindedAt: timestamp('reminded_at'),
    updatedBy: integer('updated_by'),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('reporting_submissions_unique').on(t.taskId, t.unitId), index('reporting_submissions_unit_idx').on(t.unitId)],
);
