import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import statsPageRoutes from './routes.js';

export { suppressColumn } from './suppression.js';

/** Public statistics with server-rendered SVG charts and CSV (issue 6). */
export async function statsRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(statsPageRoutes, opts);
}
