import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

export { declarants, declaredRelatives } from './tables.js';

/** Near-relative declarations on a user's own profile (issue 4), extended by supervision (issue 7). */
export async function declarationRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
