// /staff/declarations/removals: a lead or supervisor of the supervising unit sees the requests to
// remove a declared relative and confirms or refuses each, with a reason for a refusal (issue 19
// item 4). The declarant's own requests are never listed to her, and the service refuses them.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden, notFound } from '../../shared/errors.js';
import { confirmRelativeRemoval, decidesRemovals, refuseRelativeRemoval, type DecisionResult } from '../removals.js';
import { removalListContext } from '../view.js';

const DONE = ['confirmed', 'refused', 'already_decided'] as const;
const LIST = '/staff/declarations/removals';

export default async function removalRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;

  async function render(request: FastifyRequest, reply: FastifyReply, done: string | null, failed?: { id: number; note: string; error: string }, status = 200) {
    if (!decidesRemovals(request.staff!)) throw forbidden();
    // Names of relatives: never kept by a browser or proxy cache.
    reply.header('Cache-Control', 'no-store');
    return reply.page('declarations/removals', { titleKey: 'declaration.removals.title', csrfToken: reply.generateCsrf(), done, ...(await removalListContext(deps, request.staff!, failed)) }, { layout: 'staff', status });
  }

  app.get<{ Querystring: { done?: string } }>(LIST, { preHandler: requireStaff() }, async (request, reply) => {
    const done = (DONE as readonly string[]).includes(request.query.done ?? '') ? request.query.done! : null;
    return render(request, reply, done);
  });

  // One form per request with two buttons: confirm (a note is optional) or refuse (a reason is required).
  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${LIST}/:id/decide`, { preHandler: requireStaff() }, async (request, reply) => {
    if (!/^\d{1,12}$/.test(request.params.id)) throw notFound();
    const id = Number(request.params.id);
    const { note, decision } = request.body ?? {};
    const action = decision === 'confirm' ? confirmRelativeRemoval : decision === 'refuse' ? refuseRelativeRemoval : null;
    if (!action) return render(request, reply, null, { id, note: typeof note === 'string' ? note : '', error: 'declaration.removal.errors.decision_required' }, 400);
    const result: DecisionResult = await action(deps, request.staff!, id, note);
    if (result.ok) return reply.redirect(`${LIST}?done=${decision === 'confirm' ? 'confirmed' : 'refused'}`, 303);
    if ('decided' in result) return reply.redirect(`${LIST}?done=already_decided`, 303);
    return render(request, reply, null, { id, note: typeof note === 'string' ? note : '', error: result.errors.note ?? 'declaration.removal.errors.reason_too_long' }, 400);
  });
}
