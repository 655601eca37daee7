import { sqliteTable, text, integer, blob, index } from 'drizzle-orm/sqlite-core';

/** A report (举报/线索) and where it stands in its life cycle (DESIGN.md §3). */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The case number staff and letters use, e.g. JL2026-000123; says nothing about the reporter. */
    caseNo: text('case_no').notNull().unique(),
    /** HMAC of the query code under the receipt-lookup key; the code itself is never stored. */
    receiptDigest: text('receipt_digest').notNull().unique(),
    /** HMAC of the form's submission nonce, so a retried POST shows the same receipt (no duplicate). */
    submissionDigest: text('submission_digest').unique(),
    /** The query code encrypted under a key derived from that nonce, kept one day for retries. */
    receiptForRetry: blob('receipt_for_retry', { mode: 'buffer' }),
    channel: text('channel').notNull(),
    category: text('category').notNull(),
    /** The deepest region chosen (village, or township when the village is not listed). */
    placeCode: text('place_code').notNull(),
    placeOther: text('place_other'),
    countyCode: text('county_code').notNull(),
    townshipCode: text('township_code'),
    subjectName: text('subject_name'),
    subjectPosition: text('subject_position'),
    subjectIsHead: integer('subject_is_head', { mode: 'boolean' }).notNull().default(false),
    description: text('description').notNull(),
    happenedAt: text('happened_at'),
    realName: integer('real_name', { mode: 'boolean' }).notNull().default(false),
    /** Name, phone, e-mail, address: encrypted under the identity key, context `report:<id>`. */
    identitySealed: blob('identity_sealed', { mode: 'buffer' }),
    handlingUnitId: integer('handling_unit_id').notNull(),
    status: text('status').notNull(),
    receivedAt: integer('received_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** The disclosure entry a reporter objected to (对此有异议), when filed from a public list. */
    objectionEntryId: integer('objection_entry_id'),
    rating: text('rating'),
    answerFirstOpenedAt: integer('answer_first_opened_at'),
  },
  (t) => [
    index('reports_unit_status_idx').on(t.handlingUnitId, t.status, t.id),
    index('reports_county_idx').on(t.countyCode, t.id),
    index('reports_received_idx').on(t.receivedAt),
  ],
);

/** The timeline of a report. `visibleToReporter` marks the steps and messages the reporter sees. */
export const reportEvents = sqliteTable(
  'report_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    at: integer('at').notNull(),
    type: text('type').notNull(),
    /** reporter | staff | system */
    actorType: text('actor_type').notNull(),
    actorId: integer('actor_id'),
    visibleToReporter: integer('visible_to_reporter', { mode: 'boolean' }).notNull(),
    /** A message or a reason as written; for the reporter's own messages, their words. */
    body: text('body'),
    data: text('data'),
  },
  (t) => [index('report_events_report_idx').on(t.reportId, t.id)],
);
