import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

/** The problem list and rectification ledger (问题清单和整改台账): staff progress, sign-off, public view, exports. */
export async function ledgerRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
