// /staff/profile: the signed-in user's own page — account, e-mail language, home village, near-relative
// declaration (近亲属备案) and its relatives. Everything works without JavaScript: place selects
// refresh by posting the form back, relatives are added one at a time; removing one is a request with
// a reason that the supervising unit confirms (routes/removals.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { isPlaceRefresh } from '../../regions/index.js';
import { setMailLocale } from '../../users/index.js';
import { postedForm, postedRelative } from '../form.js';
import { addRelative, saveDeclaration } from '../service.js';
import { requestRelativeRemoval } from '../removals.js';
import { profileContext, removalRequestContext } from '../view.js';

type Body = Record<string, unknown>;

const DONE = ['language_saved', 'declaration_saved', 'home_saved', 'relative_added', 'removal_requested'] as const;

export default async function profileRoutes(app: FastifyInstance, opts: { deps: Deps }) {
  const { deps } = opts;

  async function render(request: FastifyRequest, reply: FastifyReply, forms: Parameters<typeof profileContext>[2] = {}, status = 200, done: string | null = null) {
    // Personal data: never kept by a browser or proxy cache.
    reply.header('Cache-Control', 'no-store');
    return reply.page(
      'declarations/profile',
      { titleKey: 'profile.title', csrfToken: reply.generateCsrf(), done, ...(await profileContext(deps, request.staff!, forms)) },
      { layout: 'staff', status },
    );
  }

  app.get<{ Querystring: { done?: string } }>('/staff/profile', { preHandler: requireStaff() }, async (request, reply) => {
    const done = (DONE as readonly string[]).includes(request.query.done ?? '') ? request.query.done! : null;
    return render(request, reply, {}, 200, done);
  });

  app.post<{ Body: Body }>('/staff/profile/language', { preHandler: requireStaff() }, async (request, reply) => {
    if ((await setMailLocale(deps, request.staff!.user, request.body?.locale)) === 'invalid') {
      return render(request, reply, { language: { error: 'profile.mail_language_invalid' } }, 400);
    }
    return reply.redirect('/staff/profile?done=language_saved#mail-language', 303);
  });

  app.post<{ Body: Body }>('/staff/profile/declaration', { preHandler: requireStaff() }, async (request, reply) => {
    const body = request.body ?? {};
    const { state, idNumber } = postedForm(body, { position: 40 }, 'home');
    if (isPlaceRefresh(body)) return render(request, reply, { declaration: state });
    const saved = await saveDeclaration(deps, request.staff!.user, { place: state.place, position: state.values.position ?? '', idNumber });
    if (!saved.ok) return render(request, reply, { declaration: { ...state, errors: saved.errors } }, 400);
    return reply.redirect(`/staff/profile?done=${saved.value.declared ? 'declaration_saved' : 'home_saved'}#declaration`, 303);
  });

  app.post<{ Body: Body }>('/staff/profile/declaration/relatives', { preHandler: requireStaff() }, async (request, reply) => {
    const body = request.body ?? {};
    const { state, input } = postedRelative(body);
    if (isPlaceRefresh(body)) return render(request, reply, { relative: state });
    const added = await addRelative(deps, request.staff!.user, input);
    if (!added.ok) return render(request, reply, { relative: { ...state, errors: added.errors } }, 400);
    return reply.redirect('/staff/profile?done=relative_added#relatives', 303);
  });

  // Removing a relative is a request the supervising unit confirms (issue 19 item 4): a page with
  // the relative and a reason, not a one-click delete. Until confirmed recusal holds.
  async function renderRemoval(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, form: { reason?: string; errors?: Record<string, string> } = {}, status = 200) {
    const context = /^\d{1,12}$/.test(request.params.id) ? await removalRequestContext(deps, request.staff!, Number(request.params.id), form) : undefined;
    if (!context) throw notFound();
    reply.header('Cache-Control', 'no-store');
    return reply.page('declarations/removal-request', { titleKey: 'declaration.removal.title', csrfToken: reply.generateCsrf(), ...context }, { layout: 'staff', status });
  }

  app.get<{ Params: { id: string } }>('/staff/profile/declaration/relatives/:id/removal', { preHandler: requireStaff() }, async (request, reply) => renderRemoval(request, reply));

  app.post<{ Params: { id: string }; Body: Body }>('/staff/profile/declaration/relatives/:id/removal', { preHandler: requireStaff() }, async (request, reply) => {
    if (!/^\d{1,12}$/.test(request.params.id)) throw notFound();
    const reason = request.body?.reason;
    const asked = await requestRelativeRemoval(deps, request.staff!, Number(request.params.id), reason);
    if (asked === 'not_found') throw notFound();
    if (!asked.ok) return renderRemoval(request, reply, { reason: typeof reason === 'string' ? reason : '', errors: asked.errors }, 400);
    return reply.redirect('/staff/profile?done=removal_requested#relatives', 303);
  });
}
