// Public disclosure pages (no session, cacheable): browse by region, find a village by name, a
// village's roster and postings, one posting's entries, a county-wide roster. Every entry links to
// the report form (对此有异议) with ids only.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { translate } from '../../i18n/translate.js';
import { todayInChina } from '../../clocks/index.js';
import { childrenOf, findRegion, placeChain, regionsAtLevel, type Region } from '../../regions/index.js';
import { ROSTER_PAGE_SIZE } from '../posting-rules.js';
import * as repo from '../repository.js';
import { breadcrumbs, cursor, historyPage, postingPage, rosterLine, villageNames, villagePage } from '../public-view.js';
import { searchVillages } from '../village-search.js';

const CODE = /^\d{6,12}$/;
const cached = { config: { publicCache: true } } as const;

function hrefOf(r: Pick<Region, 'code' | 'level'>): string {
  return r.level === 'village' ? `/disclosure/villages/${r.code}` : `/disclosure/regions/${r.code}`;
}

export default async function publicDisclosureRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;

  async function regionAt(code: string, level?: string): Promise<Region> {
    const region = CODE.test(code) ? await findRegion(db, code) : undefined;
    if (!region || (level && region.level !== level)) throw notFound();
    return region;
  }

  app.get('/disclosure', cached, async (_request, reply) => {
    const prefectures = (await regionsAtLevel(db, 'prefecture')).map((r) => ({ name: r.name, href: hrefOf(r) }));
    return reply.page('disclosure/index', { titleKey: 'disclosure.public.title', descriptionKey: 'disclosure.public.description', prefectures, postingDays: opts.deps.config.postingDays });
  });

  app.get<{ Querystring: { q?: string } }>('/disclosure/search', cached, async (request, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 40) : '';
    const hits = q ? (await searchVillages(db, q)).map((h) => ({ ...h, href: hrefOf(h) })) : [];
    return reply.page('disclosure/search', { titleKey: 'disclosure.public.search_title', q, hits, searched: q !== '' });
  });

  app.get<{ Params: { code: string } }>('/disclosure/regions/:code', cached, async (request, reply) => {
    const region = await regionAt(request.params.code);
    if (region.level === 'province') return reply.redirect('/disclosure', 301);
    if (region.level === 'village') return reply.redirect(`/disclosure/villages/${region.code}`, 301);
    const chain = await placeChain(db, region.code);
    const children = await childrenOf(db, region.code);
    const today = todayInChina();
    let villages = null;
    if (region.level === 'township') {
      const codes = children.map((c) => c.code);
      const counts = await repo.activeCounts(db, codes);
      const open = await repo.villagesWithOpenPosting(db, codes, today);
      villages = children.map((c) => ({ name: c.name, href: hrefOf(c), count: counts.get(c.code) ?? 0, open: open.has(c.code) }));
    }
    let openPostings = null;
    if (region.level === 'county') {
      const postings = await repo.openPostingsInCounty(db, region.code, today, 100);
      const names = await villageNames(db, postings.map((p) => p.villageCode));
      openPostings = postings.map((p) => ({ name: names.get(p.villageCode)?.name ?? p.villageCode, href: `/disclosure/villages/${p.villageCode}`, startsOn: p.startsOn, endsOn: p.endsOn }));
    }
    return reply.page('disclosure/region', {
      title: region.name,
      region,
      levelKey: `disclosure.levels.${region.level}`,
      childLevelKey: `disclosure.levels.${children[0]?.level ?? 'village'}`,
      breadcrumbs: breadcrumbs(chain),
      children: villages ? [] : children.map((c) => ({ name: c.name, href: hrefOf(c) })),
      villages,
      openPostings,
      countyRosterHref: region.level === 'county' ? `/disclosure/counties/${region.code}` : null,
    });
  });

  app.get<{ Params: { code: string }; Querystring: { after?: string } }>('/disclosure/villages/:code', cached, async (request, reply) => {
    const village = await regionAt(request.params.code, 'village');
    const page = await villagePage(db, village, cursor(request.query.after));
    if (!page) throw notFound();
    return reply.page('disclosure/village', {
      title: translate(request.locale, 'disclosure.page_titles.village', { name: village.name }),
      description: `${page.chain.county?.name ?? ''}${page.chain.township?.name ?? ''}${village.name}`,
      ...page,
      breadcrumbs: breadcrumbs(page.chain),
      firstHref: page.firstPage ? null : `/disclosure/villages/${village.code}`,
    });
  });

  // Past postings, one line each, beyond the village page's most recent ones.
  app.get<{ Params: { code: string }; Querystring: { before?: string } }>('/disclosure/villages/:code/postings', cached, async (request, reply) => {
    const village = await regionAt(request.params.code, 'village');
    const page = await historyPage(db, village, cursor(request.query.before));
    if (!page) throw notFound();
    return reply.page('disclosure/postings', {
      title: translate(request.locale, 'disclosure.page_titles.history', { name: village.name }),
      village,
      breadcrumbs: [...breadcrumbs(page.chain).slice(0, -1), { name: village.name, href: `/disclosure/villages/${village.code}` }],
      past: page.past,
      moreHref: page.moreHref,
    });
  });

  // One posting with its entries (keyset-paged), each with its objection link.
  app.get<{ Params: { code: string; id: string }; Querystring: { after?: string } }>('/disclosure/villages/:code/postings/:id', cached, async (request, reply) => {
    const village = await regionAt(request.params.code, 'village');
    const id = cursor(request.params.id);
    const page = id === null ? null : await postingPage(db, village, id, cursor(request.query.after));
    if (!page) throw notFound();
    const period = translate(request.locale, 'disclosure.village.period', { start: page.posting.startsOn, end: page.posting.endsOn });
    return reply.page('disclosure/posting', {
      title: `${village.name} · ${period}`,
      description: `${page.chain.county?.name ?? ''}${page.chain.township?.name ?? ''}${village.name}`,
      village,
      ...page,
      breadcrumbs: [...breadcrumbs(page.chain).slice(0, -1), { name: village.name, href: `/disclosure/villages/${village.code}` }, { name: period, href: null }],
      villageHref: `/disclosure/villages/${village.code}`,
      historyHref: `/disclosure/villages/${village.code}/postings`,
    });
  });

  app.get<{ Params: { code: string }; Querystring: { after?: string } }>('/disclosure/counties/:code', cached, async (request, reply) => {
    const county = await regionAt(request.params.code, 'county');
    const chain = await placeChain(db, county.code);
    if (!chain.prefecture) throw notFound();
    const after = cursor(request.query.after);
    const rows = await repo.countyRoster(db, county.code, after ?? 0, ROSTER_PAGE_SIZE + 1);
    const page = rows.slice(0, ROSTER_PAGE_SIZE);
    const names = await villageNames(db, page.flatMap((r) => [r.villageCode, r.townshipCode]));
    const prefecture = chain.prefecture.code;
    const last = page[page.length - 1];
    return reply.page('disclosure/county', {
      title: translate(request.locale, 'disclosure.page_titles.county', { name: county.name }),
      county,
      breadcrumbs: [...breadcrumbs(chain).slice(0, -1), { name: county.name, href: `/disclosure/regions/${county.code}` }],
      roster: page.map((r) => ({
        ...rosterLine(r, { prefecture, county: county.code, township: r.townshipCode, village: r.villageCode }, names.get(r.villageCode)?.kind, names.get(r.villageCode)?.name ?? r.villageCode),
        townshipName: names.get(r.townshipCode)?.name ?? '',
      })),
      total: after === null ? await repo.activeCountInCounty(db, county.code) : null,
      nextHref: rows.length > ROSTER_PAGE_SIZE && last ? `/disclosure/counties/${county.code}?after=${last.id}` : null,
      firstHref: after === null ? null : `/disclosure/counties/${county.code}`,
    });
  });
}
