import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';

export { answerTemplates } from './tables.js';

/** 常用答复: answer templates per category that staff edit. */
export async function templateRoutes(_app: FastifyInstance, _opts: { deps: Deps }) {}
