import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import referralRoutesPlugin from './routes.js';

export * as referralService from './service.js';
export { bodyLevelFor } from './routing.js';
export { runReferralSweep, type ReferralSweepResult } from './sweep.js';

export async function referralRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(referralRoutesPlugin, opts);
}
export { referralById, concludedReferralOf, referralHeldByAnyOf, type ReferralRow } from './repository.js';
