import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

/** Policy explainers (政策宣传) in Markdown, rendered as sanitized HTML. */
export async function policyRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
