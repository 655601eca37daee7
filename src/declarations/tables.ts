import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/** A near-relative declaration (近亲属备案): a staff member or village cadre, user or not (DESIGN.md §2). */
export const declarants = sqliteTable(
  'declarants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Set when the declarant is a portal user. */
    userId: integer('user_id').unique(),
    name: text('name').notNull(),
    position: text('position').notNull(),
    /** Keyed hash of the ID number (id-hash key); never the number. */
    idHash: text('id_hash').notNull(),
    homeVillageCode: text('home_village_code').notNull(),
    unitId: integer('unit_id'),
    updatedAt: integer('updated_at').notNull(),
    /** When the declarant left office; the declaration is deleted N years later (retention schedule). */
    leftOfficeAt: integer('left_office_at'),
  },
  (t) => [index('declarants_village_idx').on(t.homeVillageCode), index('declarants_id_hash_idx').on(t.idHash)],
);

export const declaredRelatives = sqliteTable(
  'declared_relatives',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    declarantId: integer('declarant_id')
      .notNull()
      .references(() => declarants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    relation: text('relation').notNull(),
    idHash: text('id_hash').notNull(),
    villageCode: text('village_code').notNull(),
    /** dibao | extreme | temporary */
    assistanceType: text('assistance_type').notNull(),
  },
  (t) => [index('declared_relatives_declarant_idx').on(t.declarantId), index('declared_relatives_id_hash_idx').on(t.idHash)],
);
