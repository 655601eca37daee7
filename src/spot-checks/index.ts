import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

export { spotCheckRounds, spotCheckTargets, spotChecks } from './tables.js';

/** 明查暗访: plan rounds, record checks, turn findings into ledger items (issue 7). */
export async function spotCheckRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
