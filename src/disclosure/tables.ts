import { table, text, integer, index, uniqueIndex, timestamp } from '../db/schema.js';

/** An uploaded recipient list (CSV/XLSX) of a township, kept to recognise a re-import. */
export const recipientImports = table(
  'recipient_imports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    townshipCode: text('township_code').notNull(),
    uploadedBy: integer('uploaded_by').notNull(),
    uploadedAt: timestamp('uploaded_at').notNull(),
    fingerprint: text('fingerprint').notNull(),
    rowsFingerprint: text('rows_fingerprint').notNull(),
    rowCount: integer('row_count').notNull(),
  },
  (t) => [index('recipient_imports_township_idx').on(t.townshipCode, t.rowsFingerprint)],
);

/** 公示: the public notice of a village's new or changed recipients, open to objections for N days. */
export const postings = table(
  'postings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageCode: text('village_code').notNull(),
    townshipCode: text('township_code').notNull(),
    countyCode: text('county_code').notNull(),
    importId: integer('import_id').notNull(),
    startsOn: text('starts_on').notNull(),
    endsOn: text('ends_on').notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('postings_village_idx').on(t.villageCode, t.id), index('postings_county_idx').on(t.countyCode, t.endsOn)],
);

/**
 * 长期公布名单: a village's current recipients. Only what may be published is kept beside the keyed
 * hash of the ID number (for cross-checks): masked name, household size, amount, type, dates.
 */
export const recipients = table(
  'recipients',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageCode: text('village_code').notNull(),
    townshipCode: text('township_code').notNull(),
    countyCode: text('county_code').notNull(),
    idHash: text('id_hash').notNull(),
    /**
     * The same ID number's keyed hash under the other crypto profile (issue 23): a person matches
     * when any hash of one row equals any hash of the other. Null on rows imported before both were
     * kept (HMAC-SHA256 only): those lists need a re-import to complete a switch to SM.
     */
    idHashAlt: text('id_hash_alt'),
    maskedName: text('masked_name').notNull(),
    /** The surname alone, for the "possible undeclared relative" cross-check. */
    surname: text('surname').notNull(),
    householdSize: integer('household_size').notNull(),
    monthlyAmountFen: integer('monthly_amount_fen').notNull(),
    /** dibao | extreme | temporary */
    type: text('type').notNull(),
    /** active | removed */
    status: text('status').notNull(),
    sinceOn: text('since_on').notNull(),
    removedOn: text('removed_on'),
    lastPostingId: integer('last_posting_id'),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [
    index('recipients_village_idx').on(t.villageCode, t.status, t.id),
    index('recipients_county_idx').on(t.countyCode, t.status, t.id),
    uniqueIndex('recipients_village_person_idx').on(t.villageCode, t.idHash),
    index('recipients_id_hash_idx').on(t.idHash),
    index('recipients_id_hash_alt_idx').on(t.idHashAlt),
  ],
);

/** What a posting announced for each person: new, changed or removed (kept as history). */
export const postingEntries = table(
  'posting_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    postingId: integer('posting_id').notNull(),
    recipientId: integer('recipient_id').notNull(),
    /** new | changed | removed */
    change: text('change').notNull(),
    maskedName: text('masked_name').notNull(),
    householdSize: integer('household_size').notNull(),
    monthlyAmountFen: integer('monthly_amount_fen').notNull(),
    type: text('type').notNull(),
  },
  (t) => [index('posting_entries_posting_idx').on(t.postingId, t.id), index('posting_entries_recipient_idx').on(t.recipientId)],
);
