import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

export { identityRequests } from './tables.js';

/** Routes of the custodian flow (DESIGN.md §4): request, decide, view. */
export async function identityAccessRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
