import { table, text, integer, index, primaryKey } from '../db/schema.js';

/** An organisation at a region, with the unit that supervises it (DESIGN.md §2, the units table). */
export const units = table(
  'units',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Stable key: `<kind>:<region code>[:<department>]`, e.g. `ca:220102`, `dic:220100`, `dept:220102:police`. */
    key: text('key').notNull().unique(),
    /** civil_affairs | township_gov | discipline | department */
    kind: text('kind').notNull(),
    /** For department units: police | housing | health. */
    department: text('department'),
    regionCode: text('region_code').notNull(),
    name: text('name').notNull(),
    supervisorId: integer('supervisor_id'),
    email: text('email').notNull(),
  },
  (t) => [index('units_region_idx').on(t.regionCode, t.kind), index('units_supervisor_idx').on(t.supervisorId)],
);

/**
 * Every unit with itself and each unit above it (supervisor links followed to the top): written with
 * the units, read by the change-stamp triggers of reports (src/db/change-stamps.ts), which cannot
 * walk the links themselves (SQLite allows no recursive query in a trigger).
 */
export const unitAncestors = table(
  'unit_ancestors',
  {
    unitId: integer('unit_id').notNull(),
    ancestorId: integer('ancestor_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.ancestorId] })],
);
