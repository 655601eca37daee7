import { table, text, integer, blob, index, timestamp } from '../db/schema.js';

/**
 * Evidence files, encrypted at rest under random names in DATA_DIR/files. Owned by a report (the
 * reporter's files), a report's staff side (`report_staff`: investigation material, issue 19 item 3)
 * or a ledger item; a file on disk with no row here is an orphan, swept at start.
 */
export const evidenceFiles = table(
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
    createdAt: timestamp('created_at').notNull(),
    /** A short description the uploader gave (staff material: 核查笔录, 入户照片 …), encrypted: it may name third parties. */
    noteSealed: blob('note_sealed', { mode: 'buffer' }),
    /**
     * Staff material a handler released for the referral packet (可移送). Off by default: the
     * material names third parties and goes to a discipline body only by someone's decision.
     */
    forReferral: integer('for_referral', { mode: 'boolean' }).notNull().default(false),
    /** When the retention schedule deleted the file (the row stays: its hash is part of the record). */
    erasedAt: timestamp('erased_at'),
  },
  (t) => [index('evidence_owner_idx').on(t.ownerType, t.ownerId)],
);
