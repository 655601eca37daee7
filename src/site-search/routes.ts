// Site search over the public content (issue 8): typical cases, policy pages, villages of the
// public lists and the rectification ledger. Server-rendered, works without JavaScript, cacheable.
import type { FastifyInstance } from 'fastify';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { hasSearchTerms, searchIds } from '../search/fts.js';
import { typicalCases } from '../cases/tables.js';
import { policyPages } from '../disclosure/tables.js';
import { regions } from '../regions/tables.js';
import { rectificationItems } from '../reports/tables.js';

const LIMIT = 20;

export default async function siteSearchRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;

  app.get<{ Querystring: { q?: string } }>('/search', { config: { publicCache: true } }, async (request, reply) => {
    const q = (request.query.q ?? '').trim().slice(0, 100);
    if (!q || !hasSearchTerms(q)) return reply.page('site-search/index', { titleKey: 'search.title', q, searched: false });
    const ids = (type: 'case' | 'policy') => searchIds(db, { type, query: q, limit: LIMIT }).map((h) => Number(h.id)).filter(Number.isSafeInteger);
    const caseIds = ids('case');
    const policyIds = ids('policy');
    const villageCodes = searchIds(db, { type: 'village', query: q, limit: LIMIT }).map((h) => h.id);
    const cases = caseIds.length ? db.select({ id: typicalCases.id, title: typicalCases.title, quarter: typicalCases.quarter }).from(typicalCases).where(and(inArray(typicalCases.id, caseIds), eq(typicalCases.status, 'published'))).all() : [];
    const policies = policyIds.length ? db.select({ slug: policyPages.slug, title: policyPages.title }).from(policyPages).where(and(inArray(policyPages.id, policyIds), eq(policyPages.published, true))).all() : [];
    const villages = villageCodes.length
      ? db.select({ code: regions.code, name: regions.name, township: sql<string>`(select name from regions t where t.code = ${regions.parentCode})` }).from(regions).where(inArray(regions.code, villageCodes)).all()
      : [];
    // The ledger is short and its text is not indexed: a bounded LIKE is enough.
    const term = `%${q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const ledger = db
      .select({ id: rectificationItems.id, problem: rectificationItems.problem, deadline: rectificationItems.deadline, status: rectificationItems.status })
      .from(rectificationItems)
      .where(sql`${rectificationItems.problem} like ${term} escape '\\' or ${rectificationItems.measures} like ${term} escape '\\'`)
      .limit(LIMIT)
      .all();
    const total = cases.length + policies.length + villages.length + ledger.length;
    return reply.page('site-search/index', { titleKey: 'search.title', q, searched: true, cases, policies, villages, ledger, total });
  });
}
