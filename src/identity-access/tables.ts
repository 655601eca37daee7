import { table, text, integer, index, timestamp } from '../db/schema.js';

/** A request to see a reporter's identity, decided by a custodian (DESIGN.md §4). */
export const identityRequests = table(
  'identity_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id').notNull(),
    requesterId: integer('requester_id').notNull(),
    reason: text('reason').notNull(),
    /** The unit whose custodians decide: the supervising unit of the requester's unit (at the top, the same unit). */
    deciderUnitId: integer('decider_unit_id').notNull(),
    /** pending | approved | denied | revoked */
    status: text('status').notNull(),
    decidedBy: integer('decided_by'),
    decidedAt: timestamp('decided_at'),
    decisionNote: text('decision_note'),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [index('identity_requests_report_idx').on(t.reportId, t.requesterId), index('identity_requests_decider_idx').on(t.deciderUnitId, t.status)],
);
