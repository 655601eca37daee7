import { table, text, integer, index, primaryKey } from '../db/schema.js';

/** Jilin's administrative divisions, province → prefecture → county → township → village. */
export const regions = table(
  'regions',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    /** province | prefecture | county | township | village */
    level: text('level').notNull(),
    /** Finer kind from the source data: district, county_city, functional_zone, changbaishan_area, town, subdistrict … */
    kind: text('kind').notNull(),
    parentCode: text('parent_code'),
    /** The NBS statistical code where it differs from `code` or where the row was re-parented. */
    nbsCode: text('nbs_code'),
    /** Development zones (NBS functional zones xx71–xx79) and 长白山 are not GB/T 2260 divisions. */
    isDevelopmentZone: integer('is_development_zone', { mode: 'boolean' }).notNull().default(false),
    inGbt2260: integer('in_gbt2260', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [index('regions_parent_idx').on(t.parentCode, t.name), index('regions_level_name_idx').on(t.level, t.name)],
);

/**
 * Closure of the parent links: one row per (region, ancestor including itself). Built from parent
 * links at load time so that scope questions never read code prefixes (DESIGN.md §2).
 */
export const regionAncestors = table(
  'region_ancestors',
  {
    regionCode: text('region_code').notNull(),
    ancestorCode: text('ancestor_code').notNull(),
    depth: integer('depth').notNull(),
  },
  (t) => [primaryKey({ columns: [t.regionCode, t.ancestorCode] }), index('region_ancestors_ancestor_idx').on(t.ancestorCode, t.regionCode)],
);
