import { table, text, integer, index, timestamp } from '../db/schema.js';

/** 典型案例: an anonymised case of violation and its sanction, published quarterly (DESIGN.md §5). */
export const typicalCases = table(
  'typical_cases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id'),
    referralId: integer('referral_id'),
    unitId: integer('unit_id').notNull(),
    /** Place to township level only. */
    regionCode: text('region_code').notNull(),
    category: text('category').notNull(),
    /** e.g. 2026Q3 */
    quarter: text('quarter').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** draft | awaiting_signoff | awaiting_approval | published | withdrawn */
    status: text('status').notNull(),
    signedOffBy: integer('signed_off_by'),
    signedOffAt: timestamp('signed_off_at'),
    approvedBy: integer('approved_by'),
    publishedAt: timestamp('published_at'),
    createdBy: integer('created_by').notNull(),
    createdAt: timestamp('created_at').notNull(),
    updatedAt: timestamp('updated_at').notNull(),
  },
  (t) => [index('typical_cases_public_idx').on(t.status, t.quarter, t.id), index('typical_cases_region_idx').on(t.regionCode)],
);
