import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import { provideAnswerTemplates } from '../reports/index.js';
import routes from './routes.js';
import { templateFor, templatesFor } from './service.js';

export { templatesFor, templateFor, canEdit } from './service.js';
export { seedDefaultTemplates, DEFAULT_TEMPLATES } from './defaults.js';
export type { AnswerTemplate } from './repository.js';

/** 常用答复: answer templates per category that staff edit. */
export async function templateRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  // The report page's conclude form lists and prefills these (src/reports/answer-templates.ts).
  provideAnswerTemplates({
    choices: async (db, unitId, category) => (await templatesFor(db, unitId, category)).map((t) => ({ id: t.id, title: t.title, province: t.unitId === null })),
    text: async (db, unitId, id) => {
      const template = await templateFor(db, unitId, id);
      return template ? { id: template.id, body: template.body } : undefined;
    },
  });
  await app.register(routes, opts);
}
