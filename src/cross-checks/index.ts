import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import flagRoutes from './routes/flags.js';
import declarantRoutes from './routes/declarants.js';
import importRoutes from './routes/import.js';

export { runCrossChecks } from './run.js';

/** Non-user declarants, declaration imports and recipient cross-checks (issue 7). */
export async function crossCheckRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(flagRoutes, opts);
  await app.register(declarantRoutes, opts);
  await app.register(importRoutes, opts);
}
export { flagCountsByKind, type FlagKind } from './repository.js';
