// /stats (public, cacheable) and /stats.csv: the same figures, the same suppression.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { toCsv } from '../shared/csv.js';
import { translate } from '../i18n/translate.js';
import { createStats, type Row } from './service.js';
import { cutoffOf } from './periods.js';

type Query = { Querystring: { period?: string; region?: string } };

export default async function statsPageRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const stats = createStats(deps.db);
  // Figures run to the end of yesterday: the public cache drops its pages when the date changes.
  // The default page's cube is computed at start and again just after each China midnight (when the
  // cutoff moves), in the background: a visitor does not wait for it (issue 22).
  let timer: NodeJS.Timeout | undefined;
  let warming: Promise<void> = Promise.resolve();
  const warm = () => {
    warming = stats.warm().catch((err: unknown) => app.log.error({ err }, 'statistics warm-up failed'));
    const next = cutoffOf() + 86_400_000 + 1_000;
    timer = setTimeout(warm, Math.max(1_000, next - Date.now()));
    timer.unref();
  };
  // The first one a moment after start: on SQLite the aggregation holds the connection for its run,
  // which would otherwise delay start-up's first answers.
  app.addHook('onReady', async () => {
    timer = setTimeout(warm, 2_000);
    timer.unref();
  });
  // Closing waits for a warm-up under way, which would otherwise run on a closed database.
  app.addHook('onClose', async () => {
    clearTimeout(timer);
    await warming;
  });

  app.get<Query>('/stats', { config: { publicCache: true } }, async (request, reply) => {
    const context = await stats.build(request.locale, request.query);
    return reply.page('stats/index', { titleKey: 'stats.title', descriptionKey: 'stats.description', ...context });
  });

  app.get<Query>('/stats.csv', { config: { publicCache: true } }, async (request, reply) => {
    const locale = request.locale;
    const c = await stats.build(locale, request.query);
    const t = (key: string) => translate(locale, key);
    const scope = [c.periodLabel, c.dataDate, c.regionName];
    const lines: string[][] = [[t('stats.csv.period'), t('stats.csv.data_date'), t('stats.csv.region'), t('stats.csv.group'), t('stats.csv.name'), ...c.columns.map((k) => t(`stats.columns.${k}`))]];
    const add = (group: string, rows: Row[]) => {
      for (const r of rows) lines.push([...scope, group, r.name, ...r.cells.map((x) => x.text)]);
    };
    add(t(`stats.csv.by_${c.childLevel}`), [...c.regionRows, c.totalRow]);
    add(t('stats.csv.by_quarter'), c.quarterRows);
    add(t('stats.csv.by_category'), c.categoryRows);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="stats-${c.period.code}${c.region ? `-${c.region.code}` : ''}.csv"`);
    // With a BOM (Excel on Chinese Windows reads UTF-8 then) and formula-like cells neutralised.
    return toCsv(lines);
  });
}
