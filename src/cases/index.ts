import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

export { typicalCases } from './tables.js';

/** Typical cases (典型案例通报): drafting, sign-off, approval, quarterly publication, public list and feed. */
export async function caseRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
