import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

/** Administrators: users (create, disable, reset, roles, unit, hand over work), the audit log, holiday overrides. */
export async function adminRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
