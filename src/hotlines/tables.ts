import { table, text, integer, index, timestamp } from '../db/schema.js';

/** 投诉举报电话: a unit's complaint phone numbers with on-duty hours, edited by its staff. */
export const hotlines = table(
  'hotlines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: integer('unit_id').notNull(),
    regionCode: text('region_code').notNull(),
    phone: text('phone').notNull(),
    dutyHours: text('duty_hours').notNull(),
    note: text('note'),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('hotlines_region_idx').on(t.regionCode)],
);
