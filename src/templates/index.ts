import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import routes from './routes.js';

export { answerTemplates } from './tables.js';
export { templatesFor, templateFor, canEdit } from './service.js';
export { seedDefaultTemplates, DEFAULT_TEMPLATES } from './defaults.js';
export type { AnswerTemplate } from './repository.js';

/** 常用答复: answer templates per category that staff edit. */
export async function templateRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  await app.register(routes, opts);
}
