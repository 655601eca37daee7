import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import referralRoutesPlugin from './routes.js';

// Still handed out for test/security/action-matrix/fixtures.ts until it reads ./tables.js (issue 17: no index hands out a table).
export { referrals } from './tables.js';
export * as referralService from './service.js';
export { bodyLevelFor } from './routing.js';

export async function referralRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(referralRoutesPlugin, opts);
}
export { referralById, concludedReferralOf, type ReferralRow } from './repository.js';
