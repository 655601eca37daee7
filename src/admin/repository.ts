// Data access for the administrators' pages: users in scope, open work to hand over, the audit
// log with filters, and the operator's holiday table.
import { and, asc, desc, eq, gt, gte, inArray, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { auditLog } from '../audit/index.js';
import { calendarYears, holidayOverrides } from '../calendar/index.js';
import { reports } from '../reports/index.js';
import { users } from '../users/index.js';

export type UserRow = typeof users.$inferSelect;

export interface UserFilter {
  unitIds: number[];
  q?: string;
  status?: 'active' | 'disabled';
  afterId?: number;
  limit: number;
}

/** Users of the given units, by id (keyset), one page and whether there is more. */
export async function listUsers(db: Executor, f: UserFilter): Promise<{ rows: UserRow[]; more: boolean }> {
  if (f.unitIds.length === 0) return { rows: [], more: false };
  const conditions: (SQL | undefined)[] = [inArray(users.unitId, f.unitIds)];
  if (f.q) {
    const pattern = `%${escapeLike(f.q)}%`;
    conditions.push(or(sql`${users.username} like ${pattern} escape '\\'`, sql`${users.displayName} like ${pattern} escape '\\'`));
  }
  if (f.status) conditions.push(eq(users.disabled, f.status === 'disabled'));
  if (f.afterId) conditions.push(gt(users.id, f.afterId));
  const rows = await query(db, (q) => q.select().from(users).where(and(...conditions)).orderBy(asc(users.id)).limit(f.limit + 1).all());
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}

export async function usersByIds(db: Executor, ids: number[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return query(db, (q) => q.select().from(users).where(inArray(users.id, ids)).all());
}

/** User ids whose user name is `text` or whose display name contains it. */
export async function userIdsMatching(db: Executor, text: string): Promise<number[]> {
  const pattern = `%${escapeLike(text)}%`;
  const rows = await query(db, (q) =>
    q
      .select({ id: users.id })
      .from(users)
      .where(or(eq(users.username, text), sql`${users.displayName} like ${pattern} escape '\\'`))
      .all(),
  );
  return rows.map((r) => r.id);
}

/** Active handlers of a unit: the people open work can be handed to. */
export async function activeHandlers(db: Executor, unitId: number): Promise<UserRow[]> {
  return query(db, (q) =>
    q
      .select()
      .from(users)
      .where(and(eq(users.unitId, unitId), eq(users.disabled, false), sql`(',' || ${users.roles} || ',') like '%,handler,%'`))
      .orderBy(asc(users.id))
      .all(),
  );
}

export type ReportRow = typeof reports.$inferSelect;

export async function openWorkOf(db: Executor, userId: number, statuses: readonly string[]): Promise<ReportRow[]> {
  return query(db, (q) =>
    q
      .select()
      .from(reports)
      .where(and(eq(reports.assigneeId, userId), inArray(reports.status, [...statuses])))
      .orderBy(asc(reports.id))
      .all(),
  );
}

export async function reassign(db: Executor, reportId: number, fromUserId: number, toUserId: number, now: number): Promise<boolean> {
  const result = await query(db, (q) =>
    q
      .update(reports)
      .set({ assigneeId: toUserId, updatedAt: now })
      .where(and(eq(reports.id, reportId), eq(reports.assigneeId, fromUserId)))
      .run(),
  );
  return result.changes === 1;
}

// --- the audit log ---

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilter {
  /** Only entries whose actor is a staff user of these units (null: every entry). */
  actorUnitIds: number[] | null;
  actorIds?: number[];
  actorType?: 'staff' | 'system' | 'reporter';
  actionPrefix?: string;
  objectType?: string;
  objectId?: string;
  fromMs?: number;
  toMs?: number;
  beforeId?: number;
  limit: number;
}

/** Newest first, keyset paging on id (id < beforeId). */
export async function listAudit(db: Executor, f: AuditFilter): Promise<{ rows: AuditRow[]; more: boolean }> {
  const conditions: (SQL | undefined)[] = [];
  if (f.actorUnitIds) {
    if (f.actorUnitIds.length === 0) return { rows: [], more: false };
    conditions.push(eq(auditLog.actorType, 'staff'));
    conditions.push(sql`${auditLog.actorId} in (select ${users.id} from ${users} where ${inArray(users.unitId, f.actorUnitIds)})`);
  }
  if (f.actorIds) {
    if (f.actorIds.length === 0) return { rows: [], more: false };
    conditions.push(eq(auditLog.actorType, 'staff'), inArray(auditLog.actorId, f.actorIds));
  }
  if (f.actorType) conditions.push(eq(auditLog.actorType, f.actorType));
  if (f.actionPrefix) conditions.push(sql`${auditLog.action} like ${`${escapeLike(f.actionPrefix)}%`} escape '\\'`);
  if (f.objectType) conditions.push(eq(auditLog.objectType, f.objectType));
  if (f.objectId) conditions.push(eq(auditLog.objectId, f.objectId));
  if (f.fromMs !== undefined) conditions.push(gte(auditLog.at, f.fromMs));
  if (f.toMs !== undefined) conditions.push(lt(auditLog.at, f.toMs));
  if (f.beforeId) conditions.push(lt(auditLog.id, f.beforeId));
  const rows = await query(db, (q) =>
    q
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.id))
      .limit(f.limit + 1)
      .all(),
  );
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}

// --- the operator's holiday table (src/calendar owns the tables; these are the writes it lacks) ---

export async function deleteOverride(db: Executor, date: string): Promise<boolean> {
  return query(db, (q) => q.delete(holidayOverrides).where(eq(holidayOverrides.date, date)).run().changes === 1);
}

export type OverrideRow = typeof holidayOverrides.$inferSelect;

export async function findOverride(db: Executor, date: string): Promise<OverrideRow | undefined> {
  return query(db, (q) => q.select().from(holidayOverrides).where(eq(holidayOverrides.date, date)).get());
}

export async function overridesInYear(db: Executor, year: number): Promise<number> {
  return query(db, (q) => q.select({ n: sql<number>`count(*)` }).from(holidayOverrides).where(like(holidayOverrides.date, `${year}-%`)).get()!.n);
}

export type CalendarYearRow = typeof calendarYears.$inferSelect;

export async function declaredYears(db: Executor): Promise<CalendarYearRow[]> {
  return query(db, (q) => q.select().from(calendarYears).orderBy(asc(calendarYears.year)).all());
}

export async function insertYear(db: Executor, year: number, userId: number, now: number): Promise<boolean> {
  return query(db, (q) => q.insert(calendarYears).values({ year, updatedBy: userId, updatedAt: now }).onConflictDoNothing().run().changes === 1);
}

export async function deleteYear(db: Executor, year: number): Promise<boolean> {
  return query(db, (q) => q.delete(calendarYears).where(eq(calendarYears.year, year)).run().changes === 1);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
