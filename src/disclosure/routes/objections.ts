// Staff view of objections (对此有异议) filed from the public lists, grouped per village and entry.
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { objectionGroups } from '../objections.js';

export default async function objectionRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { db } = opts.deps;
  app.get('/staff/disclosure/objections', { preHandler: requireStaff() }, async (request, reply) => {
    const groups = await objectionGroups(db, request.staff!);
    reply.header('Cache-Control', 'no-store');
    return reply.page('disclosure/objections', { titleKey: 'disclosure.objections.title', ...groups }, { layout: 'staff' });
  });
}
