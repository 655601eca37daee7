// Policy explainers (政策宣传): who edits them, validation, saving with the search index, audit
// and the public cache.
//
// Who: a lead, supervisor or administrator of the provincial department (吉林省民政厅, the
// civil-affairs unit with no supervisor). The pages are province-wide — the table has no owning
// unit or region — so letting every county bureau edit them would let any county rewrite what the
// whole province reads. Local explainers need an owner column first (see the report of this work).
import { record } from '../audit/index.js';
import type { StaffContext } from '../plugins/auth.js';
import { withTransaction } from '../db/transaction.js';
import { indexDocument, removeDocument, searchIds } from '../search/index.js';
import type { Deps } from '../shared/deps.js';
import { forbidden, notFound } from '../shared/errors.js';
import { plainText } from './markdown.js';
import * as repo from './repository.js';

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_BODY_CHARS = 50_000;

export function canEditPolicy(staff: StaffContext): boolean {
  return staff.unit.kind === 'civil_affairs' && staff.unit.supervisorId === null && (staff.has('lead') || staff.has('supervisor') || staff.has('system_admin'));
}

export function requirePolicyEditor(staff: StaffContext): void {
  if (!canEditPolicy(staff)) throw forbidden();
}

export interface PolicyInput {
  slug: string;
  title: string;
  bodyMarkdown: string;
  published: boolean;
}

export type PolicyErrors = Partial<Record<'slug' | 'title' | 'bodyMarkdown', string>>;

export function normalizeInput(body: Record<string, string | undefined>): PolicyInput {
  return {
    slug: (body.slug ?? '').trim().toLowerCase(),
    title: (body.title ?? '').trim(),
    bodyMarkdown: (body.body ?? '').replace(/\r\n?/g, '\n').trim(),
    published: body.published === '1' || body.published === 'on',
  };
}

export async function validatePolicy(db: Deps['db'], input: PolicyInput, id: number | null): Promise<PolicyErrors> {
  const errors: PolicyErrors = {};
  if (!SLUG.test(input.slug) || input.slug.length > 64) errors.slug = 'policy.errors.slug';
  else {
    const other = await repo.findPageBySlug(db, input.slug);
    if (other && other.id !== id) errors.slug = 'policy.errors.slug_taken';
  }
  const title = Array.from(input.title).length;
  if (title < 2 || title > 100) errors.title = 'policy.errors.title';
  if (input.bodyMarkdown.length < 10 || input.bodyMarkdown.length > MAX_BODY_CHARS) errors.bodyMarkdown = 'policy.errors.body';
  return errors;
}

export type SaveResult = { page: repo.PolicyPage; errors: null } | { page: null; errors: PolicyErrors };

/** Creates (id null) or updates a page. */
export async function savePolicy(deps: Deps, staff: StaffContext, id: number | null, input: PolicyInput, now = Date.now()): Promise<SaveResult> {
  requirePolicyEditor(staff);
  const before = id === null ? undefined : await repo.findPage(deps.db, id);
  if (id !== null && !before) throw notFound();
  const errors = await validatePolicy(deps.db, input, id);
  if (Object.keys(errors).length > 0) return { page: null, errors };
  const page = await withTransaction(deps.db, async (tx) => {
    const values = { ...input, updatedBy: staff.user.id, updatedAt: now };
    let row: repo.PolicyPage;
    if (before) {
      await repo.updatePage(tx, before.id, values);
      row = { ...before, ...values };
    } else {
      row = await repo.insertPage(tx, values);
    }
    // Only published pages are searchable (the public and the site search read the index).
    if (row.published) await indexDocument(tx, { type: 'policy', id: row.id, text: [row.title, plainText(row.bodyMarkdown)] });
    else await removeDocument(tx, 'policy', row.id);
    await record(tx, deps.keys['audit-mac'], {
      actor: { type: 'staff', id: staff.user.id },
      action: before ? 'policy.updated' : 'policy.created',
      object: { type: 'policy_page', id: row.id },
      detail: { slug: row.slug, published: row.published, ...(before && before.slug !== row.slug ? { previousSlug: before.slug } : {}) },
    }, now);
    return row;
  });
  if (page.published || before?.published) deps.publicCache.invalidate();
  return { page, errors: null };
}

/**
 * Adds a published page with no editor (the demo's explainers), indexed for search in the same
 * transaction; returns false without writing when the slug is taken.
 */
export async function addPublishedPage(db: Deps['db'], page: { slug: string; title: string; body: string }, now = Date.now()): Promise<boolean> {
  if (await repo.findPageBySlug(db, page.slug)) return false;
  await withTransaction(db, async (tx) => {
    const row = await repo.insertPage(tx, { slug: page.slug, title: page.title, bodyMarkdown: page.body.trim(), published: true, updatedBy: null, updatedAt: now });
    await indexDocument(tx, { type: 'policy', id: row.id, text: [row.title, plainText(row.bodyMarkdown)] });
  });
  return true;
}

/** The site search's policy part: published pages among the best `limit` matches of the query. */
export async function searchPublishedPages(db: Deps['db'], query: string, limit: number): Promise<Pick<repo.PolicyPage, 'slug' | 'title'>[]> {
  const ids = (await searchIds(db, { type: 'policy', query, limit })).map((h) => Number(h.id)).filter(Number.isSafeInteger);
  return repo.publishedPagesAmong(db, ids);
}
