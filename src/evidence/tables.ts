import { sqliteTable, text, integer, blob, index } from 'drizzle-orm/sqlite-core';

/**
 * Evidence files, encrypted at rest under random names in DATA_DIR/files. Owned by a report (and
 * later by ledger items or spot checks); a file on disk with no row here is an orphan, swept at start.
 */
export const evidenceFiles = sqliteTable(
  'evidence_files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    storedName: text('stored_name').notNull().unique(),
    ownerType: text('owner_type').notNull(),
    ownerId: integer('owner_id').notNull(),
    /** reporter | staff */
    uploadedBy: text('uploaded_by').notNull(),
    uploadedById: integer('uploaded_by_id'),
    mime: text('mime').notNull(),
    ext: text('ext').notNull(),
    kind: text('kind').notNull(),
    size: integer('size').notNull(),
    /** SHA-256 of the file as stored: after metadata removal, before encryption. */
    sha256: text('sha256').notNull(),
    cleaned: integer('cleaned', { mode: 'boolean' }).notNull(),
    /** The original file name, encrypted (a name can identify the reporter). */
    nameSealed: blob('name_sealed', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
    /** When the retention schedule deleted the file (the row stays: its hash is part of the record). */
    erasedAt: integer('erased_at'),
  },
  (t) => [index('evidence_owner_idx').on(t.ownerType, t.ownerId)],
);
