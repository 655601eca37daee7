import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import requestRoutes from './routes/request.js';
import queueRoutes from './routes/queue.js';

export { deciderUnitIdFor } from './service.js';

/** Routes of the custodian flow (DESIGN.md §4): request, decide, view. */
export async function identityAccessRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(requestRoutes, opts);
  await app.register(queueRoutes, opts);
}
