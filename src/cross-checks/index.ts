import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

export { declarationImports, crossCheckFlags } from './tables.js';

/** Non-user declarants, declaration imports and recipient cross-checks (issue 7). */
export async function crossCheckRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
