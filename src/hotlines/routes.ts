import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { regionsAtLevel } from '../regions/index.js';
import { hotlinesIn } from './repository.js';
import staffHotlineRoutes from './staff-routes.js';

/** The public hotline page: every county's complaint numbers with duty hours, grouped by city; staff editing under /staff/hotlines. */
export async function hotlineRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;
  await app.register(staffHotlineRoutes, opts);
  app.get('/hotlines', { config: { publicCache: true } }, async (_request, reply) => {
    const prefectures = await regionsAtLevel(db, 'prefecture');
    const counties = await regionsAtLevel(db, 'county');
    const rows = await hotlinesIn(db, ['220000', ...prefectures.map((p) => p.code), ...counties.map((c) => c.code)]);
    const byRegion = new Map<string, typeof rows>();
    for (const row of rows) byRegion.set(row.regionCode, [...(byRegion.get(row.regionCode) ?? []), row]);
    const groups = prefectures.map((p) => ({
      code: p.code,
      name: p.name,
      own: byRegion.get(p.code) ?? [],
      counties: counties.filter((c) => c.parentCode === p.code).map((c) => ({ name: c.name, lines: byRegion.get(c.code) ?? [] })),
    }));
    return reply.page('hotlines/index', { titleKey: 'hotlines.title', descriptionKey: 'hotlines.description', province: byRegion.get('220000') ?? [], groups });
  });
}
