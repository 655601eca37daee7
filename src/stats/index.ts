import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

/** Public statistics with server-rendered SVG charts and CSV (issue 6). */
export async function statsRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
