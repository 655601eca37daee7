import { table, text, integer, timestamp } from '../db/schema.js';

/**
 * What this database is (issue 15): `demo` once demo data was seeded into it, `production` once an
 * operator created the administrators or started with SUNSHINE_DEMO_DATA=off. One row; written
 * once and never changed, so a demo is never promoted to production nor seeded over real data.
 */
export const installation = table('installation', {
  id: integer('id').primaryKey(),
  mode: text('mode', { enum: ['demo', 'production'] }).notNull(),
  setAt: timestamp('set_at').notNull(),
});
