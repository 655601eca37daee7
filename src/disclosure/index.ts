import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

export { recipientImports, postings, recipients, postingEntries, policyPages } from './tables.js';
export { maskName } from './masking.js';
export { validateIdNumber, idNumberHash } from './id-number.js';

/** Postings and rosters: township imports, public lists by region, objections (issue 6). */
export async function disclosureRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
