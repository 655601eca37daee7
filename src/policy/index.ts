import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.js';
import staffPolicyRoutes from './routes/staff.js';
import publicPolicyRoutes from './routes/public.js';
import { canEditPolicy } from './service.js';

export { canEditPolicy } from './service.js';
export { addPublishedPage, searchPublishedPages } from './service.js';

/** Policy explainers (政策宣传) in Markdown, rendered as sanitized HTML. */
export async function policyRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  // The staff header links to the editor only for those the editor's own rule lets in.
  app.addPageContext((request) => (request.staff && canEditPolicy(request.staff) ? { mayEditPolicy: true } : {}));
  await app.register(staffPolicyRoutes, opts);
  await app.register(publicPolicyRoutes, opts);
}
