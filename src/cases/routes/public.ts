// Public typical cases: the list with filters, search and keyset paging, the detail page, the
// Atom feed. All cacheable (no session, no token, no cookie); changes invalidate the cache.
import type { FastifyInstance } from 'fastify';
import { childrenOf, findRegion, regionsAtLevel } from '../../regions/index.js';
import { CATEGORIES, isCategory } from '../../reports/index.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { translate } from '../../i18n/translate.js';
import { buildAtom } from '../atom.js';
import { isQuarter } from '../quarter.js';
import * as repo from '../repository.js';
import { excerpt, paragraphs, placeLabels, quarterLabel } from '../view-model.js';
import { rowIdOf } from '../../db/dialect.js';

const PAGE = 20;
const FEED_ENTRIES = 50;
const CODE6 = /^\d{6}$/;

export default async function publicCaseRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  app.get<{ Querystring: Record<string, string | undefined> }>('/cases', { config: { publicCache: true } }, async (request, reply) => {
    const q = request.query;
    const quarter = isQuarter(q.quarter) ? q.quarter : undefined;
    const category = isCategory(q.category) ? q.category : undefined;
    const search = (q.q ?? '').trim().slice(0, 100) || undefined;
    // Region: a prefecture, optionally one of its counties (chosen after the prefecture, no script needed).
    const prefecture = CODE6.test(q.prefecture ?? '') ? await findRegion(db, q.prefecture!) : undefined;
    const validPrefecture = prefecture?.level === 'prefecture' ? prefecture : undefined;
    const county = CODE6.test(q.county ?? '') ? await findRegion(db, q.county!) : undefined;
    const validCounty = county?.level === 'county' && (!validPrefecture || county.parentCode === validPrefecture.code) ? county : undefined;
    const regionCode = validCounty?.code ?? validPrefecture?.code;
    const m = /^(20\d{2}Q[1-4])-(\d{1,12})$/.exec(q.after ?? '');
    const afterId = rowIdOf(m?.[2]);
    const after = m && afterId ? { quarter: m[1]!, id: afterId } : undefined;

    const rows = await repo.listPublished(db, { quarter, category, regionCode, q: search, after, limit: PAGE });
    const places = await placeLabels(db, rows.map((r) => r.regionCode));
    const kept = new URLSearchParams();
    for (const [k, v] of Object.entries({ quarter, prefecture: validPrefecture?.code ?? validCounty?.parentCode ?? undefined, county: validCounty?.code, category, q: search })) if (v) kept.set(k, v);
    const last = rows[rows.length - 1];
    const nextHref = rows.length === PAGE && last ? `/cases?${kept.size ? `${kept.toString()}&` : ''}after=${last.quarter}-${last.id}` : null;
    const chosenPrefecture = validPrefecture?.code ?? validCounty?.parentCode ?? undefined;
    return reply.page('cases/index', {
      titleKey: 'cases.public.title',
      descriptionKey: 'cases.public.description',
      filter: { quarter, category, q: search, prefecture: chosenPrefecture, county: validCounty?.code },
      filtered: !!(quarter || category || search || regionCode || after),
      quarters: (await repo.publishedQuarters(db)).map((code) => ({ code, label: quarterLabel(request.locale, code) })),
      categories: CATEGORIES,
      prefectures: (await regionsAtLevel(db, 'prefecture')).map((r) => ({ code: r.code, name: r.name })),
      counties: chosenPrefecture ? (await childrenOf(db, chosenPrefecture)).map((r) => ({ code: r.code, name: r.name })) : [],
      rows: rows.map((r) => ({ id: r.id, title: r.title, place: places.get(r.regionCode), category: r.category, quarterText: quarterLabel(request.locale, r.quarter), publishedAt: r.publishedAt, excerpt: excerpt(r.body) })),
      nextHref,
    });
  });

  app.get<{ Params: { id: string } }>('/cases/:id', { config: { publicCache: true } }, async (request, reply) => {
    const c = await repo.findCase(db, rowIdOf(request.params.id) ?? 0);
    if (!c || c.status !== 'published') throw notFound();
    const places = await placeLabels(db, [c.regionCode]);
    return reply.page('cases/detail', {
      title: c.title,
      description: c.title,
      c: { id: c.id, title: c.title, category: c.category, publishedAt: c.publishedAt, quarter: c.quarter },
      quarterText: quarterLabel(request.locale, c.quarter),
      place: places.get(c.regionCode),
      paragraphs: paragraphs(c.body),
    });
  });

  app.get('/cases.atom', { config: { publicCache: true } }, async (_request, reply) => {
    const rows = await repo.latestPublished(db, FEED_ENTRIES);
    const places = await placeLabels(db, rows.map((r) => r.regionCode));
    const zh = (key: string) => translate('zh-CN', key);
    const xml = buildAtom({
      baseUrl: deps.config.baseUrl,
      title: `${zh('site.name')} · ${zh('cases.public.title')}`,
      subtitle: zh('cases.public.description'),
      author: zh('site.name'),
      lang: 'zh-CN',
      entries: rows.map((r) => ({
        id: r.id,
        title: r.title,
        text: [`${quarterLabel('zh-CN', r.quarter)} · ${places.get(r.regionCode) ?? ''} · ${zh(`report.categories.${r.category}`)}`, ...paragraphs(r.body)].join('\n\n'),
        category: zh(`report.categories.${r.category}`),
        publishedAt: r.publishedAt ?? r.updatedAt,
        updatedAt: r.updatedAt,
      })),
    });
    return reply.type('application/atom+xml; charset=utf-8').send(xml);
  });
}
