// Data access for referrals: the service's writes, the inspectors' workspace and feedback, and the
// reads other parts of the reports domain need (typical cases read a report's referral). Async,
// taking the database or a transaction (src/db/transaction.ts).
import { and, asc, desc, eq, getTableColumns, gte, inArray, isNotNull, isNull, lt, ne, notInArray, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from '../../db/executor.js';
import { query } from '../../db/transaction.js';
import { reports } from '../tables.js';
import { referralResults, referrals } from './tables.js';
import { unitNameOf } from '../../units/index.js';
import { qualified } from '../../db/qualified.js';
import { FALSE, isRowId } from '../../db/dialect.js';

export type ReferralRow = typeof referrals.$inferSelect;
export type NewReferral = typeof referrals.$inferInsert;
export type ReferralResultRow = typeof referralResults.$inferSelect;
export type NewReferralResult = typeof referralResults.$inferInsert;

/** A referral's results in the order they were recorded. */
export async function resultsOfReferral(db: Executor, referralId: number): Promise<ReferralResultRow[]> {
  return query(db, (q) => q.select().from(referralResults).where(eq(referralResults.referralId, referralId)).orderBy(asc(referralResults.id)).all());
}

/** The results of several referrals (a report's), by referral id, each list in recorded order. */
export async function resultsOfReferrals(db: Executor, referralIds: readonly number[]): Promise<Map<number, ReferralResultRow[]>> {
  const out = new Map<number, ReferralResultRow[]>();
  if (referralIds.length === 0) return out;
  const rows = await query(db, (q) => q.select().from(referralResults).where(inArray(referralResults.referralId, [...referralIds])).orderBy(asc(referralResults.id)).all());
  for (const row of rows) out.set(row.referralId, [...(out.get(row.referralId) ?? []), row]);
  return out;
}

export async function insertReferralResult(db: Executor, row: NewReferralResult): Promise<void> {
  await query(db, (q) => q.insert(referralResults).values(row).run());
}

export async function referralById(db: Executor, id: number): Promise<ReferralRow | undefined> {
  if (!isRowId(id)) return undefined;
  return query(db, (q) => q.select().from(referrals).where(eq(referrals.id, id)).get());
}

/** A referral received by one of `bodyUnitIds` whose part has not ended by a return or a recall. */
export async function referralHeldBy(db: Executor, id: number, bodyUnitIds: number[]): Promise<ReferralRow | undefined> {
  return query(db, (q) => q.select().from(referrals).where(and(eq(referrals.id, id), inArray(referrals.bodyUnitId, bodyUnitIds), notInArray(referrals.status, ['returned', 'recalled']))).get());
}

/** The latest concluded referral of a report, if any (its outcome gives the sanction). */
export async function concludedReferralOf(db: Executor, reportId: number): Promise<ReferralRow | undefined> {
  return query(db, (q) =>
    q
      .select()
      .from(referrals)
      .where(and(eq(referrals.reportId, reportId), eq(referrals.status, 'concluded')))
      .orderBy(desc(referrals.concludedAt), desc(referrals.id))
      .get(),
  );
}

/** The open referral (pending or accepted) of a report, if any: at most one at a time. */
export async function openReferralOf(db: Executor, reportId: number): Promise<ReferralRow | undefined> {
  return query(db, (q) =>
    q
      .select()
      .from(referrals)
      .where(and(eq(referrals.reportId, reportId), inArray(referrals.status, ['pending', 'accepted'])))
      .orderBy(desc(referrals.id))
      .get(),
  );
}

export async function insertReferral(db: Executor, row: NewReferral): Promise<void> {
  await query(db, (q) => q.insert(referrals).values(row).run());
}

export async function updateReferral(db: Executor, id: number, values: Partial<NewReferral>): Promise<void> {
  await query(db, (q) => q.update(referrals).set(values).where(eq(referrals.id, id)).run());
}

/** Moves a referral to another body (转交): it waits for that body's acceptance again, under the same due date. */
export async function moveReferral(db: Executor, id: number, bodyUnitId: number): Promise<void> {
  await query(db, (q) => q.update(referrals).set({ bodyUnitId, status: 'pending', acceptedAt: null, acceptedBy: null, disposition: null, dispositionAt: null }).where(eq(referrals.id, id)).run());
}

/** The referring unit takes back a referral the body has not accepted. */
export async function recallReferral(db: Executor, id: number, reason: string): Promise<void> {
  await query(db, (q) => q.update(referrals).set({ status: 'recalled', returnedReason: reason }).where(and(eq(referrals.id, id), eq(referrals.status, 'pending'))).run());
}

/** A report's referrals, newest first, with the name of the body each is addressed to. */
export async function referralsWithBody(db: Executor, reportId: number): Promise<(ReferralRow & { bodyName: string | null })[]> {
  return query(db, (q) =>
    q
      .select({ ...getTableColumns(referrals), bodyName: unitNameOf(referrals.bodyUnitId) })
      .from(referrals)
      .where(eq(referrals.reportId, reportId))
      .orderBy(desc(referrals.id))
      .all(),
  );
}

export interface ReferralInboxRow {
  referral: ReferralRow;
  caseNo: string;
  category: string;
  realName: boolean;
  bodyName: string;
}

/**
 * The inspectors' workspace: referrals received by `bodyUnitIds`, open ones first, real-name
 * reports before anonymous ones (纪检监察机关处理检举控告工作规则), then by due date.
 */
export async function referralInbox(db: Executor, bodyUnitIds: number[], limit: number): Promise<ReferralInboxRow[]> {
  return query(db, (q) =>
    q
      .select({ referral: referrals, caseNo: reports.caseNo, category: reports.category, realName: reports.realName, bodyName: sql<string>`${unitNameOf(referrals.bodyUnitId)}` })
      .from(referrals)
      .innerJoin(reports, sql`${reports.id} = ${referrals.reportId}`)
      // A recalled referral is no longer the body's business (issue 19 item 1). Only referrals to a
      // known unit (its name is never null), as the join on units had it.
      .where(and(inArray(referrals.bodyUnitId, bodyUnitIds), ne(referrals.status, 'recalled'), isNotNull(unitNameOf(referrals.bodyUnitId))))
      .orderBy(sql`case ${referrals.status} when 'pending' then 0 when 'accepted' then 1 else 2 end`, desc(reports.realName), asc(referrals.acceptDue), desc(referrals.id))
      .limit(limit)
      .all(),
  );
}

export interface ReferralFeedbackRow {
  body: string;
  received: number;
  accepted: number;
  returned: number;
  concluded: number;
  party: number;
  administrative: number;
  organisational: number;
  judicial: number;
  none: number;
}

const RESULT_COLUMNS = ['party', 'administrative', 'organisational', 'judicial', 'none'] as const;

/**
 * Per body among `bodyUnitIds`: what it received in [from, to), accepted, returned, concluded, and
 * the results — each result counted (issue 19 item 11: a party and an administrative sanction on one
 * referral are two), from referral_results, and for a referral with no result rows (written before
 * them and not migrated) its one result column.
 */
export async function referralFeedback(db: Executor, bodyUnitIds: number[], from: number, to: number): Promise<ReferralFeedbackRow[]> {
  const bodies = bodyUnitIds.length ? bodyUnitIds : [-1];
  // Per body name, over referrals to known units, as the join on units had it.
  const inQuarter = and(inArray(referrals.bodyUnitId, bodies), gte(referrals.referredAt, from), lt(referrals.referredAt, to), isNotNull(unitNameOf(referrals.bodyUnitId)));
  return query(db, async (q) => {
    const counts = await q
      .select({
        body: sql<string>`${unitNameOf(referrals.bodyUnitId)}`,
        received: sql<number>`count(*)`,
        accepted: sql<number>`sum(case when ${referrals.acceptedAt} is not null then 1 else 0 end)`,
        returned: sql<number>`sum(case when ${referrals.status} = 'returned' then 1 else 0 end)`,
        concluded: sql<number>`sum(case when ${referrals.status} = 'concluded' then 1 else 0 end)`,
      })
      .from(referrals)
      .where(inQuarter)
      .groupBy(unitNameOf(referrals.bodyUnitId))
      .all();
    const results = await q
      .select({ body: sql<string>`${unitNameOf(referrals.bodyUnitId)}`, kind: referralResults.kind, n: sql<number>`count(*)` })
      .from(referralResults)
      .innerJoin(referrals, eq(referrals.id, referralResults.referralId))
      .where(inQuarter)
      .groupBy(unitNameOf(referrals.bodyUnitId), referralResults.kind)
      .all();
    const legacy = await q
      .select({ body: sql<string>`${unitNameOf(referrals.bodyUnitId)}`, kind: sql<string>`${referrals.resultKind}`, n: sql<number>`count(*)` })
      .from(referrals)
      .where(and(inQuarter, isNotNull(referrals.resultKind), sql`not exists (select 1 from referral_results rr where rr.referral_id = ${referrals.id})`))
      .groupBy(unitNameOf(referrals.bodyUnitId), referrals.resultKind)
      .all();
    return counts.map((c) => {
      const row: ReferralFeedbackRow = { ...c, party: 0, administrative: 0, organisational: 0, judicial: 0, none: 0 };
      for (const r of [...results, ...legacy]) {
        if (r.body === c.body && (RESULT_COLUMNS as readonly string[]).includes(r.kind)) row[r.kind as (typeof RESULT_COLUMNS)[number]] += r.n;
      }
      return row;
    });
  });
}

export interface ReferralToChase {
  referral: ReferralRow;
  report: typeof reports.$inferSelect;
}

/**
 * The referrals the referral sweep looks at (issue 18 item 6): those awaiting the body's acceptance
 * (discipline.forward), and those of a real-name report whose acceptance or result notice is owed,
 * or was recorded after `noticesSince` (its mail to the reporter may still be unsent).
 */
export async function referralsToChase(db: Executor, noticesSince: number): Promise<ReferralToChase[]> {
  return query(db, (q) =>
    q
      .select({ referral: referrals, report: reports })
      .from(referrals)
      .innerJoin(reports, eq(reports.id, referrals.reportId))
      .where(
        or(
          eq(referrals.status, 'pending'),
          and(
            inArray(referrals.status, ['accepted', 'concluded']),
            eq(reports.realName, true),
            or(
              isNull(referrals.acceptanceNoticeAt),
              and(eq(referrals.status, 'concluded'), isNull(referrals.resultNoticeAt)),
              gte(referrals.acceptanceNoticeAt, noticesSince),
              gte(referrals.resultNoticeAt, noticesSince),
            ),
          ),
        ),
      )
      .orderBy(asc(referrals.id))
      .all(),
  );
}

/**
 * Condition: the referral whose id is in `column` is held by one of `bodyUnitIds` — a fragment for
 * another feature's query (typical cases awaiting a body's sign-off), so it reads no referral rows
 * one by one. No body: false.
 */
export function referralHeldByAnyOf(column: SQLWrapper, bodyUnitIds: readonly number[]): SQL {
  if (bodyUnitIds.length === 0) return FALSE;
  return sql`exists (select 1 from referrals held where held.id = ${qualified(column)} and held.body_unit_id in (${sql.join(bodyUnitIds.map((id) => sql`${id}`), sql`, `)}))`;
}
