import { table, text, integer, blob, index, timestamp } from '../db/schema.js';
import { sql, type SQLWrapper } from 'drizzle-orm';

/**
 * The due-date sort key: reports without a running clock last. One expression for the index below
 * and the inbox's ORDER BY (casework/repository/inbox.ts): the index serves only this exact one.
 */
export const dueSortKey = (dueOn: SQLWrapper) => sql`coalesce(${dueOn}, '9999-12-31')`;

/**
 * The status as the wide-tree index below holds it: an expression, so that only the statements that
 * ask for it by this exact expression read that index (SQLite plans without statistics, and an index
 * led by the plain status column would also be chosen for views it serves badly, such as a county's
 * whose own unit indexes find its few reports at once).
 */
export const wideStatusKey = (status: SQLWrapper) => sql`(${status} || '')`;

/** A report (举报/线索) and where it stands in its life cycle (DESIGN.md §3). */
export const reports = table(
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
    /**
     * Who sent a report staff logged (issue 19 item 12): call, visit, letter straight to the office,
     * or forwarded by 12345, the 信访局 or a higher office (`casework/intake.ts` SOURCES); null for
     * online reports and those logged before it was asked.
     */
    source: text('source'),
    /** The forwarding body's document number (来文号, 工单号) as written on it, up to 50 characters. */
    sourceRef: text('source_ref'),
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
    /** When the retention schedule deleted the identity (issue 15, PIPL art. 19); the report stays. */
    identityErasedAt: timestamp('identity_erased_at'),
    handlingUnitId: integer('handling_unit_id').notNull(),
    status: text('status').notNull(),
    receivedAt: timestamp('received_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
    /** The disclosure entry a reporter objected to (对此有异议), when filed from a public list. */
    objectionEntryId: integer('objection_entry_id'),
    /**
     * The keyed ID hash (id-hash key) of the person the report is about, when known: the recipient
     * of an objection. Recusal compares it with declared relatives' hashes (DESIGN.md §4); never a name or number.
     */
    subjectIdHash: text('subject_id_hash'),
    rating: text('rating'),
    /** When the reporter rated the handling: the statistics count a rating in the period it was given. */
    ratedAt: timestamp('rated_at'),
    answerFirstOpenedAt: timestamp('answer_first_opened_at'),
    // Handling (DESIGN.md §3). Dates of legal clocks are China calendar dates (YYYY-MM-DD).
    acceptedAt: timestamp('accepted_at'),
    assignedUnitId: integer('assigned_unit_id'),
    assigneeId: integer('assignee_id'),
    assignedAt: timestamp('assigned_at'),
    /** The due date the assigner set for the assignee (within the legal handling period). */
    assignmentDue: text('assignment_due'),
    /**
     * The responsible person's request for a later 交办期限, waiting for the assigning (handling)
     * unit's intake or lead: JSON { due, reason, by, at } (issue 19 item 2). Cleared with the decision
     * and whenever the assignment itself changes.
     */
    assignmentExtensionRequest: text('assignment_extension_request'),
    /** The legal handling deadline (60 日 from acceptance, plus an approved extension). */
    handlingDue: text('handling_due'),
    extensionDays: integer('extension_days'),
    /** An extension requested and waiting for the lead: JSON { days, reason, by }. */
    extensionRequest: text('extension_request'),
    finding: text('finding'),
    /** A conclusion written by the handler, waiting for the lead's approval: JSON { finding, body, by, at }. */
    answerDraft: text('answer_draft'),
    concludedAt: timestamp('concluded_at'),
    mergedIntoId: integer('merged_into_id'),
    /** 0 none, 1 review (复查), 2 re-review (复核). */
    reviewLevel: integer('review_level').notNull().default(0),
    reviewUnitId: integer('review_unit_id'),
    statusBeforeReview: text('status_before_review'),
    /** The clock that runs now and its due date, kept by every transition so the inbox can sort and filter by it. */
    clockRule: text('clock_rule'),
    dueOn: text('due_on'),
    /** Days the civil-affairs clock stood still while referred or transferred. */
    pausedSince: timestamp('paused_since'),
    /** A hastening (督办) the handler has not acknowledged yet. */
    hastenPending: integer('hasten_pending', { mode: 'boolean' }).notNull().default(false),
    /** When the supervisors were told this report is overdue (escalation is sent once per due date). */
    escalatedFor: text('escalated_for'),
    remindedFor: text('reminded_for'),
  },
  (t) => [
    index('reports_unit_status_idx').on(t.handlingUnitId, t.status, t.id),
    index('reports_county_idx').on(t.countyCode, t.id),
    index('reports_received_idx').on(t.receivedAt),
    index('reports_assigned_idx').on(t.assignedUnitId, t.status, t.id),
    index('reports_assignee_idx').on(t.assigneeId, t.status, t.id),
    index('reports_due_idx').on(t.dueOn),
    // The statistics count ratings by the time they were given (few reports are rated).
    index('reports_rated_idx').on(t.ratedAt),
    // The inbox filtered by county or township and status, newest first, reads a range of these
    // (bench/findings.md): no walk over every report testing the region of each. The columns after
    // the id are carried, not sorted by: a civil-affairs scope's unit tree and the recusal from the
    // user's home village and from reports about the user by name (casework/repository/scope.ts)
    // are tested in the index, so the count beside such a page (up to 1,001 reports) reads no table
    // row (≈ 4 → 0.4 ms a view at 200,000 reports, issue 22; the inbox miss had cost twice the
    // pre-restructure build's, issue 17). A declarant's relatives by ID hash still read the rows.
    index('reports_county_status_received_idx').on(t.countyCode, t.status, t.receivedAt, t.id, t.handlingUnitId, t.assignedUnitId, t.reviewUnitId, t.placeCode, t.townshipCode, t.subjectName),
    index('reports_township_status_received_idx').on(t.townshipCode, t.status, t.receivedAt, t.id, t.handlingUnitId, t.assignedUnitId, t.reviewUnitId, t.placeCode, t.subjectName),
    // A report page's repeat hints read the county's reports newest first, at most a few hundred
    // (casework/repository/repeats.ts): a range of this, not every report of the county sorted
    // (issue 22: ≈ 50 ms a report page at 200,000 reports).
    index('reports_county_received_idx').on(t.countyCode, t.receivedAt, t.id),
    // The dashboard counts the review branch of a civil-affairs scope through this one.
    index('reports_review_unit_idx').on(t.reviewUnitId, t.status, t.id),
    // A master's staff page lists the reports merged into it (合并办理, issue 19 item 7) on every view.
    index('reports_merged_into_idx').on(t.mergedIntoId, t.id),
    // The inbox sorted by due date (dueSortKey) over a wide scope reads this in order and tests the scope on each
    // row, instead of gathering and sorting every report of a prefecture or the province (issue 22:
    // 1.2 s → 5 ms at 200,000 reports). Not one led by status: SQLite (no ANALYZE) would then read a
    // status filter's newest-first page through it and sort the whole status.
    index('reports_due_sort_idx').on(dueSortKey(t.dueOn), t.id),
    // A prefecture's or the province's reports of one status, in time order (wideStatusKey): the
    // tree, the recusal by home village and own name, the clock's due date and a hasten are tested
    // in the index, so a status's page, its count up to 1,001 and the dashboard's tallies of the
    // open reports read no table row, where the unit indexes gathered the status over ≈ 1,150 units
    // (issue 22 at 200,000 reports: the province's 台账 export count 1 s → 2 ms, its dashboard
    // ≈ 100 → 6 ms, 办理中 oldest first 155 → 0.2 ms). The plain status is carried for the tallies'
    // GROUP BY.
    index('reports_wide_status_idx').on(wideStatusKey(t.status), t.receivedAt, t.id, t.handlingUnitId, t.assignedUnitId, t.reviewUnitId, t.placeCode, t.townshipCode, t.subjectName, t.dueOn, t.hastenPending, t.status),
  ],
);

/** The timeline of a report. `visibleToReporter` marks the steps and messages the reporter sees. */
export const reportEvents = table(
  'report_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    at: timestamp('at').notNull(),
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
