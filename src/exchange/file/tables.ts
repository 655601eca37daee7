import { table, text, integer, index, uniqueIndex, timestamp } from '../../db/schema.js';

/**
 * An item that came in through an exchange file (docs/exchange-format.md), by the key of the system
 * that numbered it: source system + 工单号. `contentHash` covers the item's content (not its steps),
 * so a later file with other content under the same key is refused, never merged — the API's rule.
 *
 * The item becomes a report filed as `received` (reports' own filing). The state and public steps it
 * had in the sending system are kept here, not written into reports' tables: replaying acceptance,
 * assignment or an answer needs staff of this portal to act, and only reports' transitions may
 * change a report. The export shows these steps before the report's own.
 */
export const exchangeFileItems = table(
  'exchange_file_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceSystem: text('source_system').notNull(),
    workOrderNo: text('work_order_no').notNull(),
    contentHash: text('content_hash').notNull(),
    /** Null while the first import is filing it (or if that import died: the same content files it again). */
    reportId: integer('report_id'),
    /** The state in the sending system (one of reports' STATUSES), as the last file said. */
    originStatus: text('origin_status').notNull(),
    /** The sending system's public steps, JSON [{ type, at }] in order (`at` in milliseconds). */
    originSteps: text('origin_steps').notNull(),
    /** The sending portal's case number, when it was one (informational). */
    originCaseNo: text('origin_case_no'),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [uniqueIndex('exchange_file_items_key_idx').on(t.sourceSystem, t.workOrderNo), index('exchange_file_items_report_idx').on(t.reportId)],
);
