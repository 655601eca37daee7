import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/** 投诉举报电话: a unit's complaint phone numbers with on-duty hours, edited by its staff. */
export const hotlines = sqliteTable(
  'hotlines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: integer('unit_id').notNull(),
    regionCode: text('region_code').notNull(),
    phone: text('phone').notNull(),
    dutyHours: text('duty_hours').notNull(),
    note: text('note'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('hotlines_region_idx').on(t.regionCode)],
);
