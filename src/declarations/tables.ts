import { sql } from 'drizzle-orm';
import { table, text, integer, index, uniqueIndex, timestamp } from '../db/schema.js';

/** A near-relative declaration (近亲属备案): a staff member or village cadre, user or not (DESIGN.md §2). */
export const declarants = table(
  'declarants',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Set when the declarant is a portal user. */
    userId: integer('user_id').unique(),
    name: text('name').notNull(),
    position: text('position').notNull(),
    /** Keyed hash of the ID number (id-hash key); never the number. */
    idHash: text('id_hash').notNull(),
    /** The ID number's keyed hash under the other crypto profile (issue 23); null on rows from before. */
    idHashAlt: text('id_hash_alt'),
    homeVillageCode: text('home_village_code').notNull(),
    unitId: integer('unit_id'),
    updatedAt: timestamp('updated_at').notNull(),
    /** When the declarant left office; the declaration is deleted N years later (retention schedule). */
    leftOfficeAt: timestamp('left_office_at'),
  },
  (t) => [index('declarants_village_idx').on(t.homeVillageCode), index('declarants_id_hash_idx').on(t.idHash), index('declarants_id_hash_alt_idx').on(t.idHashAlt)],
);

export const declaredRelatives = table(
  'declared_relatives',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    declarantId: integer('declarant_id')
      .notNull()
      .references(() => declarants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    relation: text('relation').notNull(),
    idHash: text('id_hash').notNull(),
    /** As declarants.id_hash_alt. */
    idHashAlt: text('id_hash_alt'),
    villageCode: text('village_code').notNull(),
    /** dibao | extreme | temporary */
    assistanceType: text('assistance_type').notNull(),
  },
  (t) => [index('declared_relatives_declarant_idx').on(t.declarantId), index('declared_relatives_id_hash_idx').on(t.idHash), index('declared_relatives_id_hash_alt_idx').on(t.idHashAlt)],
);

/**
 * A declarant's request to remove one of her declared relatives (issue 19 item 4). Removing lifts
 * recusal and closes the cross-check flag, so it waits for a lead or supervisor of the unit that
 * supervises the declarant's unit (`reviewUnitId`, fixed when asked); until confirmed the relative
 * stays declared. Kept after the decision as the record of who asked, who decided and why.
 */
export const relativeRemovalRequests = table(
  'relative_removal_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    declarantId: integer('declarant_id').notNull(),
    /** No foreign key: the relative's row goes on confirmation, the request stays. */
    relativeId: integer('relative_id').notNull(),
    /** The relation, kept for the record once the relative's row is gone (never the name or ID). */
    relation: text('relation').notNull(),
    requestedBy: integer('requested_by').notNull(),
    requestedAt: timestamp('requested_at').notNull(),
    reason: text('reason').notNull(),
    reviewUnitId: integer('review_unit_id').notNull(),
    /** pending | confirmed | refused */
    status: text('status').notNull(),
    decidedBy: integer('decided_by'),
    decidedAt: timestamp('decided_at'),
    /** Why it was refused (required then); optional on confirmation. */
    decisionNote: text('decision_note'),
  },
  (t) => [
    index('relative_removal_requests_review_idx').on(t.reviewUnitId, t.status, t.id),
    index('relative_removal_requests_declarant_idx').on(t.declarantId, t.id),
    // One open request per relative: a second click or a race asks nothing twice.
    uniqueIndex('relative_removal_requests_pending_idx').on(t.relativeId).where(sql`status = 'pending'`),
  ],
);
