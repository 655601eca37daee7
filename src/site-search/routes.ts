// Site search over the public content (issue 8): typical cases, policy pages, villages of the
// public lists and the rectification ledger. Server-rendered, works without JavaScript, cacheable.
// Each feature answers its own part through its index; this route only puts them together.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { hasSearchTerms } from '../search/index.js';
import { quarterLabel, searchPublishedCases } from '../cases/index.js';
import { searchPublishedPages } from '../policy/index.js';
import { searchVillagesWithTownship } from '../disclosure/index.js';
import { searchItems } from '../ledger/index.js';

const LIMIT = 20;

export default async function siteSearchRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;

  app.get<{ Querystring: { q?: string } }>('/search', { config: { publicCache: true } }, async (request, reply) => {
    const q = (request.query.q ?? '').trim().slice(0, 100);
    if (!q || !hasSearchTerms(q)) return reply.page('site-search/index', { titleKey: 'search.title', q, searched: false });
    // Independent reads: side by side.
    const [cases, policies, villages, ledger] = await Promise.all([
      searchPublishedCases(db, q, LIMIT),
      searchPublishedPages(db, q, LIMIT),
      searchVillagesWithTownship(db, q, LIMIT),
      searchItems(db, q, LIMIT),
    ]);
    const total = cases.length + policies.length + villages.length + ledger.length;
    // A quarter as the reader says it (2026年第一季度), not 2026Q1 (issue 20 item 7).
    const named = cases.map((c) => ({ ...c, quarterText: quarterLabel(request.locale, c.quarter) }));
    return reply.page('site-search/index', { titleKey: 'search.title', q, searched: true, cases: named, policies, villages, ledger, total });
  });
}
