// Data access for policy pages (table policy_pages, src/policy/tables.ts). Async, taking the
// database or a transaction's tx (src/db/transaction.ts).
import { asc, desc, eq, and, inArray } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { query } from '../db/transaction.js';
import { policyPages } from './tables.js';
import { matchesSearch } from '../search/index.js';
import { userDisplayNameOf } from '../users/index.js';
import { isRowId } from '../db/dialect.js';

export type PolicyPage = typeof policyPages.$inferSelect;
export type NewPolicyPage = typeof policyPages.$inferInsert;

export async function insertPage(db: Executor, row: NewPolicyPage): Promise<PolicyPage> {
  return query(db, (q) => q.insert(policyPages).values(row).returning().get());
}

export async function updatePage(db: Executor, id: number, values: Partial<NewPolicyPage>): Promise<void> {
  await query(db, (q) => q.update(policyPages).set(values).where(eq(policyPages.id, id)).run());
}

export async function findPage(db: Executor, id: number): Promise<PolicyPage | undefined> {
  return query(db, (q) => {
    if (!isRowId(id)) return undefined;
    return q.select().from(policyPages).where(eq(policyPages.id, id)).get();
  });
}

export async function findPageBySlug(db: Executor, slug: string): Promise<PolicyPage | undefined> {
  return query(db, (q) => q.select().from(policyPages).where(eq(policyPages.slug, slug)).get());
}

/** Every page, last changed first, with the display name of who changed it (one query). */
export async function allPages(db: Executor): Promise<(PolicyPage & { editor: string | null })[]> {
  const rows = await query(db, (q) => q.select({ page: policyPages, editor: userDisplayNameOf(policyPages.updatedBy) }).from(policyPages).orderBy(desc(policyPages.updatedAt), desc(policyPages.id)).all());
  return rows.map((r) => ({ ...r.page, editor: r.editor }));
}

/** Published pages in title order, optionally only those matching a search. */
export async function publishedPages(db: Executor, search?: string): Promise<PolicyPage[]> {
  return query(db, (q) => {
    const where = [eq(policyPages.published, true)];
    if (search) where.push(matchesSearch(policyPages.id, { type: 'policy', query: search }));
    return q.select().from(policyPages).where(and(...where)).orderBy(asc(policyPages.title), asc(policyPages.id)).limit(200).all();
  });
}

/** Of these page ids, the published ones (slug, title): the site search's policy hits. */
export async function publishedPagesAmong(db: Executor, ids: number[]): Promise<Pick<PolicyPage, 'slug' | 'title'>[]> {
  return query(db, (q) => {
    if (ids.length === 0) return [];
    return q.select({ slug: policyPages.slug, title: policyPages.title }).from(policyPages).where(and(inArray(policyPages.id, ids), eq(policyPages.published, true))).all();
  });
}
