import { table, text, integer, index, uniqueIndex, timestamp } from '../../db/schema.js';

/**
 * 文号: the number of each written notice issued (受理告知书, 延期告知书, 处理意见书, 移送函 …),
 * counted per issuing unit, per year and per kind of document. A row is written once, when the
 * document is first issued (printed or downloaded), and never changed or deleted, so the number is
 * the same on every later print and is never given to another document (README.md).
 */
export const documentNumbers = table(
  'document_numbers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The unit in whose name the document is issued (its name and short form make the prefix). */
    unitId: integer('unit_id').notNull(),
    /** The year of the document's date in China, the 〔2026〕 of the number. */
    year: integer('year').notNull(),
    /** acceptance | redirect | extension | answer | review | rereview | referral */
    kind: text('kind').notNull(),
    /** The N of 〔2026〕N号: 1, 2, 3 … within (unit, year, kind). */
    seq: integer('seq').notNull(),
    reportId: integer('report_id').notNull(),
    /** What the document is the written form of: `event:<report_events.id>` or `referral:<referrals.id>`. */
    source: text('source').notNull(),
    /** The prefix as issued, e.g. 南关民信受: kept so a later rename of the unit does not change the number. */
    prefix: text('prefix').notNull(),
    issuedAt: timestamp('issued_at').notNull(),
  },
  (t) => [
    uniqueIndex('document_numbers_seq_idx').on(t.unitId, t.year, t.kind, t.seq),
    uniqueIndex('document_numbers_source_idx').on(t.source),
    index('document_numbers_report_idx').on(t.reportId),
  ],
);
