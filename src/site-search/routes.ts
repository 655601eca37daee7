// Site search over the public content (issue 8): typical cases, policy pages, villages of the
// public lists and the rectification ledger. Server-rendered, works without JavaScript, cacheable.
// Each kind of hit is read through its owner's index; this route only puts them together.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { hasSearchTerms, searchIds } from '../search/index.js';
import { publishedCasesAmong } from '../cases/index.js';
import { publishedPagesAmong } from '../policy/index.js';
import { findRegions } from '../regions/index.js';
import { searchItems } from '../ledger/index.js';

const LIMIT = 20;

export default async function siteSearchRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;

  app.get<{ Querystring: { q?: string } }>('/search', { config: { publicCache: true } }, async (request, reply) => {
    const q = (request.query.q ?? '').trim().slice(0, 100);
    if (!q || !hasSearchTerms(q)) return reply.page('site-search/index', { titleKey: 'search.title', q, searched: false });
    const ids = (type: 'case' | 'policy') => searchIds(db, { type, query: q, limit: LIMIT }).map((h) => Number(h.id)).filter(Number.isSafeInteger);
    const cases = publishedCasesAmong(db, ids('case'));
    const policies = publishedPagesAmong(db, ids('policy'));
    const villageCodes = searchIds(db, { type: 'village', query: q, limit: LIMIT }).map((h) => h.id);
    const villages = await villagesWithTownship(db, villageCodes);
    const ledger = searchItems(db, q, LIMIT);
    const total = cases.length + policies.length + villages.length + ledger.length;
    return reply.page('site-search/index', { titleKey: 'search.title', q, searched: true, cases, policies, villages, ledger, total });
  });
}

/** The villages found, each with the name of its township (its parent region). */
async function villagesWithTownship(db: Deps['db'], codes: string[]): Promise<{ code: string; name: string; township: string | null }[]> {
  const villages = await findRegions(db, codes);
  const parents = new Map((await findRegions(db, [...new Set(villages.map((v) => v.parentCode).filter((c): c is string => c !== null))])).map((r) => [r.code, r.name]));
  return villages.map((v) => ({ code: v.code, name: v.name, township: (v.parentCode && parents.get(v.parentCode)) ?? null }));
}
