// /staff/cross-checks/declarants: the declarants of the user's region; the county bureau (or the
// township, for its villages) enters non-user declarants by form and keeps their relatives. Place
// selects refresh by posting the form back, as on the profile page; no JavaScript needed.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { postedForm, postedRelative, recordLeftOffice, type FormState } from '../../declarations/index.js';
import { toCstDate } from '../../clocks/index.js';
import { isPlaceRefresh, type Region } from '../../regions/index.js';
import type { Deps } from '../../shared/deps.js';
import { forbidden, notFound } from '../../shared/errors.js';
import { addDeclarantRelative, removeDeclarantRelative, saveDeclarant } from '../declarants-service.js';
import { detailContext, listContext, mayEdit, newContext, visibleDeclarant } from '../declarants-view.js';
import type { Declarant } from '../repository.js';
import { managedRegion } from '../scope.js';
import { idParam, viewGuard, type Body } from './guard.js';

const DONE = ['created', 'saved', 'relative_added', 'relative_removed'] as const;

/** The declarant's own fields as posted (name, position, ID number, home village `home_*`). */
function declarantState(body: Body): { state: FormState; idNumber: string } {
  return postedForm(body, { name: 100, position: 40 }, 'home');
}

export default async function declarantRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;
  const { db } = deps;
  const base = '/staff/cross-checks/declarants';

  async function managed(request: FastifyRequest) {
    const region = await managedRegion(db, request.staff!);
    if (!region) throw forbidden();
    return region;
  }

  async function declarantOf(request: FastifyRequest<{ Params: { id: string } }>): Promise<Declarant> {
    const id = idParam(request.params.id);
    const declarant = id === null ? undefined : await visibleDeclarant(db, request.staff!, id);
    if (!declarant) throw notFound();
    return declarant;
  }

  /** A declarant the user may change: visible (else 404) and editable by them (else 403), with the region they manage it in. */
  async function editable(request: FastifyRequest<{ Params: { id: string } }>): Promise<{ declarant: Declarant; region: Region }> {
    const declarant = await declarantOf(request);
    const region = await mayEdit(db, request.staff!, declarant);
    if (!region) throw forbidden();
    return { declarant, region };
  }

  async function renderDetail(request: FastifyRequest, reply: FastifyReply, declarant: Declarant, forms: Parameters<typeof detailContext>[3] = {}, status = 200, done: string | null = null, leftOn?: { value: string; error: string }) {
    reply.header('Cache-Control', 'no-store');
    // The leaving-office form (issue 15, retention): the date recorded, or what was typed with its error.
    const at = declarant.leftOfficeAt;
    const leftOffice = { action: `${base}/${declarant.id}/left-office`, at, value: leftOn?.value ?? (at ? toCstDate(new Date(at)) : ''), error: leftOn?.error ?? null };
    return reply.page(
      'cross-checks/declarant',
      { title: declarant.name, csrfToken: reply.generateCsrf(), done, leftOffice, ...(await detailContext(db, request.staff!, declarant, forms)) },
      { layout: 'staff', status },
    );
  }

  async function renderNew(reply: FastifyReply, region: Region, state?: FormState, status = 200) {
    reply.header('Cache-Control', 'no-store');
    return reply.page('cross-checks/declarant-new', { titleKey: 'crossChecks.declarants.new_title', csrfToken: reply.generateCsrf(), ...(await newContext(db, region, state)) }, { layout: 'staff', status });
  }

  app.get<{ Querystring: { q?: string; before?: string } }>(base, viewGuard, async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    return reply.page('cross-checks/declarants', { titleKey: 'crossChecks.declarants.title', ...(await listContext(db, request.staff!, request.query)) }, { layout: 'staff' });
  });

  app.get(`${base}/new`, viewGuard, async (request, reply) => renderNew(reply, await managed(request)));

  app.post<{ Body: Body }>(base, viewGuard, async (request, reply) => {
    const region = await managed(request);
    const body = request.body ?? {};
    const { state, idNumber } = declarantState(body);
    if (isPlaceRefresh(body)) return renderNew(reply, region, state);
    const saved = await saveDeclarant(deps, request.staff!, region, undefined, { name: state.values.name ?? '', position: state.values.position ?? '', idNumber, place: state.place });
    if (!saved.ok) return renderNew(reply, region, { ...state, errors: saved.errors }, 400);
    return reply.redirect(`${base}/${saved.value.id}?done=created`, 303);
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(`${base}/:id`, viewGuard, async (request, reply) => {
    const declarant = await declarantOf(request);
    const done = (DONE as readonly string[]).includes(request.query.done ?? '') ? request.query.done! : null;
    return renderDetail(request, reply, declarant, {}, 200, done);
  });

  app.post<{ Params: { id: string }; Body: Body }>(`${base}/:id`, viewGuard, async (request, reply) => {
    const { declarant, region } = await editable(request);
    const body = request.body ?? {};
    const { state, idNumber } = declarantState(body);
    if (isPlaceRefresh(body)) return renderDetail(request, reply, declarant, { declarant: state });
    const saved = await saveDeclarant(deps, request.staff!, region, declarant, { name: state.values.name ?? '', position: state.values.position ?? '', idNumber, place: state.place });
    if (!saved.ok) return renderDetail(request, reply, declarant, { declarant: { ...state, errors: saved.errors } }, 400);
    return reply.redirect(`${base}/${declarant.id}?done=saved`, 303);
  });

  app.post<{ Params: { id: string }; Body: Body }>(`${base}/:id/relatives`, viewGuard, async (request, reply) => {
    const { declarant } = await editable(request);
    const body = request.body ?? {};
    const { state, input } = postedRelative(body);
    if (isPlaceRefresh(body)) return renderDetail(request, reply, declarant, { relative: state });
    const added = await addDeclarantRelative(deps, request.staff!, declarant, input);
    if (!added.ok) return renderDetail(request, reply, declarant, { relative: { ...state, errors: added.errors } }, 400);
    return reply.redirect(`${base}/${declarant.id}?done=relative_added#relatives`, 303);
  });

  app.post<{ Params: { id: string }; Body: Body }>(`${base}/:id/left-office`, viewGuard, async (request, reply) => {
    const { declarant } = await editable(request);
    const value = typeof request.body?.left_on === 'string' ? request.body.left_on.slice(0, 20) : '';
    const saved = await recordLeftOffice(deps, declarant, value, request.staff!.user.id);
    if (!saved.ok) return renderDetail(request, reply, declarant, {}, 400, null, { value, error: saved.errors.left_on! });
    return reply.redirect(`${base}/${declarant.id}#left-office`, 303);
  });

  app.post<{ Params: { id: string; rid: string } }>(`${base}/:id/relatives/:rid/delete`, viewGuard, async (request, reply) => {
    const { declarant } = await editable(request);
    const rid = idParam(request.params.rid);
    if (rid === null || !(await removeDeclarantRelative(deps, request.staff!, declarant, rid))) throw notFound();
    return reply.redirect(`${base}/${declarant.id}?done=relative_removed#relatives`, 303);
  });
}
