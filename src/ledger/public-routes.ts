// /ledger (public, cacheable), /ledger.csv and /ledger.xlsx: the same items, the same filter.
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { todayInChina } from '../clocks/index.js';
import { loadPublicItems, parsePublicFilter, publicLedgerContext } from './public-view.js';
import { ledgerCsv, writeLedgerXlsx } from './export.js';

type Query = { Querystring: Record<string, string | undefined> };

export default async function publicLedgerRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  app.get<Query>('/ledger', { config: { publicCache: true } }, async (request, reply) => {
    const { filter, region } = await parsePublicFilter(db, request.query);
    const context = await publicLedgerContext(db, filter, region);
    return reply.page('ledger/index', { titleKey: 'ledger.public.title', descriptionKey: 'ledger.public.description', ...context });
  });

  app.get<Query>('/ledger.csv', { config: { publicCache: true } }, async (request, reply) => {
    const { filter } = await parsePublicFilter(db, request.query);
    const today = todayInChina();
    const items = await loadPublicItems(db, filter, today);
    reply.header('Content-Type', 'text/csv; charset=utf-8');
    reply.header('Content-Disposition', `attachment; filename="ledger-${today}.csv"`);
    return ledgerCsv(request.locale, items);
  });

  app.get<Query>('/ledger.xlsx', async (request, reply) => {
    const { filter } = await parsePublicFilter(db, request.query);
    const today = todayInChina();
    const items = await loadPublicItems(db, filter, today);
    reply.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    reply.header('Content-Disposition', `attachment; filename="ledger-${today}.xlsx"`);
    const out = new PassThrough();
    // Written while it is sent; a failure half-way ends the download broken rather than silently short.
    void writeLedgerXlsx(out, request.locale, items, today).catch((err: unknown) => {
      request.log.error({ err }, 'ledger xlsx export failed');
      out.destroy(err as Error);
    });
    return reply.send(out);
  });
}
