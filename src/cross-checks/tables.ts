import { table, text, integer, index, uniqueIndex, timestamp } from '../db/schema.js';

/** A near-relative declaration list uploaded from CSV/XLSX (issue 7), kept to recognise a re-import. */
export const declarationImports = table('declaration_imports', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  unitId: integer('unit_id').notNull(),
  fingerprint: text('fingerprint').notNull(),
  rowCount: integer('row_count').notNull(),
  uploadedBy: integer('uploaded_by').notNull(),
  uploadedAt: timestamp('uploaded_at').notNull(),
});

/**
 * A cross-check flag between a recipient and a declaration: declared (the application must carry
 * the separate registration), declarant_receives, possible_relative (surname + village, not declared).
 */
export const crossCheckFlags = table(
  'cross_check_flags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recipientId: integer('recipient_id').notNull(),
    declarantId: integer('declarant_id').notNull(),
    relativeId: integer('relative_id'),
    kind: text('kind').notNull(),
    villageCode: text('village_code').notNull(),
    countyCode: text('county_code').notNull(),
    /** open | resolved */
    status: text('status').notNull(),
    actionNote: text('action_note'),
    resolvedBy: integer('resolved_by'),
    resolvedAt: timestamp('resolved_at'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [uniqueIndex('cross_check_flags_unique').on(t.recipientId, t.declarantId, t.kind), index('cross_check_flags_county_idx').on(t.countyCode, t.status)],
);
