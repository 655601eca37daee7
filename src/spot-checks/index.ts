import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import roundRoutes from './routes/rounds.js';
import checkRoutes from './routes/checks.js';
import verifyRoutes from './routes/verify.js';

export { drawPlan, seededUniform, townshipWeight, type Candidate, type Signals } from './sampler.js';
export { candidatesFor, replayRound } from './service.js';
export { verifyDraw, type Verification } from './verify.js';
export { judgeCall, parseDutyHours, type CallResult } from './duty-hours.js';

/** 明查暗访: plan rounds, record checks, turn findings into ledger items (issue 7). */
export async function spotCheckRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(roundRoutes, opts);
  await app.register(checkRoutes, opts);
  await app.register(verifyRoutes, opts);
}
export { makeLedgerItem, planRound, recordCheck } from './service.js';
export { roundsOf, targetsOf } from './repository.js';
