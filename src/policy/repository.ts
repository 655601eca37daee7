// Data access for policy pages (table policy_pages, declared in src/disclosure/tables.ts).
import { asc, desc, eq, and, inArray } from 'drizzle-orm';
import type { Executor } from '../db/executor.js';
import { policyPages } from './tables.js';
import { matchesSearch } from '../search/index.js';
import { users } from '../users/index.js';

export type PolicyPage = typeof policyPages.$inferSelect;
export type NewPolicyPage = typeof policyPages.$inferInsert;

export function insertPage(db: Executor, row: NewPolicyPage): PolicyPage {
  return db.insert(policyPages).values(row).returning().get();
}

export function updatePage(db: Executor, id: number, values: Partial<NewPolicyPage>): void {
  db.update(policyPages).set(values).where(eq(policyPages.id, id)).run();
}

export function findPage(db: Executor, id: number): PolicyPage | undefined {
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return db.select().from(policyPages).where(eq(policyPages.id, id)).get();
}

export function findPageBySlug(db: Executor, slug: string): PolicyPage | undefined {
  return db.select().from(policyPages).where(eq(policyPages.slug, slug)).get();
}

/** Every page, last changed first, with the display name of who changed it (one query). */
export function allPages(db: Executor): (PolicyPage & { editor: string | null })[] {
  return db
    .select({ page: policyPages, editor: users.displayName })
    .from(policyPages)
    .leftJoin(users, eq(users.id, policyPages.updatedBy))
    .orderBy(desc(policyPages.updatedAt), desc(policyPages.id))
    .all()
    .map((r) => ({ ...r.page, editor: r.editor }));
}

/** Published pages in title order, optionally only those matching a search. */
export function publishedPages(db: Executor, q?: string): PolicyPage[] {
  const where = [eq(policyPages.published, true)];
  if (q) where.push(matchesSearch(policyPages.id, { type: 'policy', query: q }));
  return db.select().from(policyPages).where(and(...where)).orderBy(asc(policyPages.title), asc(policyPages.id)).limit(200).all();
}

/** Of these page ids, the published ones (slug, title): the site search's policy hits. */
export function publishedPagesAmong(db: Executor, ids: number[]): Pick<PolicyPage, 'slug' | 'title'>[] {
  if (ids.length === 0) return [];
  return db.select({ slug: policyPages.slug, title: policyPages.title }).from(policyPages).where(and(inArray(policyPages.id, ids), eq(policyPages.published, true))).all();
}
