import { table, text, integer, timestamp } from '../db/schema.js';

/** Operator-entered holidays and make-up workdays; they win over the chinese-days package. */
export const holidayOverrides = table('holiday_overrides', {
  date: text('date').primaryKey(),
  /** holiday | workday */
  kind: text('kind').notNull(),
  note: text('note'),
  updatedBy: integer('updated_by'),
  updatedAt: timestamp('updated_at').notNull(),
});

/** Years whose holidays the operator has entered completely (beyond the package's data). */
export const calendarYears = table('calendar_years', {
  year: integer('year').primaryKey(),
  updatedBy: integer('updated_by'),
  updatedAt: timestamp('updated_at').notNull(),
});
