// /staff/cross-checks: the flags of the user's region with the reason for each and the action
// taken; resolving one with the action and a note. A flag outside the region is a 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../shared/deps.js';
import { forbidden, notFound } from '../../shared/errors.js';
import { auditNamesShown, OUTCOMES, resolveFlag } from '../flags-service.js';
import { flagPageContext, parseFlagFilter, visibleFlag, type FlagFilter, type ResolveForm } from '../flags-view.js';
import { canResolve } from '../scope.js';
import { field, idParam, viewGuard, type Body } from './guard.js';

export default async function flagRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;

  async function render(request: FastifyRequest, reply: FastifyReply, filter: FlagFilter, extra: { form?: ResolveForm; done?: string | null; conflict?: boolean } = {}, status = 200) {
    const page = await flagPageContext(db, request.staff!, filter, extra.form ?? null);
    if (!page.ok) throw notFound();
    await auditNamesShown(deps, request.staff!, page.namesShown);
    reply.header('Cache-Control', 'no-store');
    return reply.page(
      'cross-checks/flags',
      { titleKey: 'crossChecks.flags.title', csrfToken: reply.generateCsrf(), outcomes: OUTCOMES, done: extra.done ?? null, conflict: extra.conflict ?? false, ...page.context },
      { layout: 'staff', status },
    );
  }

  app.get<{ Querystring: Record<string, string | undefined> }>('/staff/cross-checks', viewGuard, async (request, reply) => {
    const done = request.query.done === 'resolved' ? 'resolved' : null;
    return render(request, reply, parseFlagFilter(request.query), { done });
  });

  app.post<{ Params: { id: string }; Body: Body; Querystring: Record<string, string | undefined> }>('/staff/cross-checks/flags/:id/resolve', viewGuard, async (request, reply) => {
    const id = idParam(request.params.id);
    const flag = id === null ? undefined : await visibleFlag(db, request.staff!, id);
    if (!flag) throw notFound();
    if (!canResolve(request.staff!)) throw forbidden();
    const body = request.body ?? {};
    const values = { outcome: field(body, 'outcome', 40), note: field(body, 'note', 2000) };
    // The list the form came from (its filters travel in hidden fields).
    const filter = parseFlagFilter({ status: field(body, 'status', 10), kind: field(body, 'kind', 40), region: field(body, 'region', 12) });
    const result = await resolveFlag(deps, request.staff!, flag, values);
    if (result.ok) {
      const back = new URLSearchParams({ done: 'resolved', ...(filter.status !== 'open' ? { status: filter.status } : {}), ...(filter.kind ? { kind: filter.kind } : {}), ...(filter.region ? { region: filter.region } : {}) });
      return reply.redirect(`/staff/cross-checks?${back.toString()}#flag-${flag.id}`, 303);
    }
    if ('conflict' in result) return render(request, reply, filter, { conflict: true }, 409);
    return render(request, reply, filter, { form: { flagId: flag.id, values, errors: result.errors } }, 400);
  });
}
