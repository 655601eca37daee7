// /staff/profile: the signed-in user's own page — account, e-mail language, home village, near-relative
// declaration (近亲属备案) and its relatives. Everything works without JavaScript: place selects
// refresh by posting the form back, relatives are added one at a time and each has a delete button.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../plugins/auth.js';
import type { Deps } from '../../shared/deps.js';
import { notFound } from '../../shared/errors.js';
import { isPlaceRefresh } from '../../regions/index.js';
import { setMailLocale } from '../../users/index.js';
import { postedForm, postedRelative } from '../form.js';
import { addRelative, removeRelative, saveDeclaration } from '../service.js';
import { profileContext } from '../view.js';

type Body = Record<string, unknown>;

const DONE = ['language_saved', 'declaration_saved', 'home_saved', 'relative_added', 'relative_removed'] as const;

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

  app.post<{ Params: { id: string } }>('/staff/profile/declaration/relatives/:id/delete', { preHandler: requireStaff() }, async (request, reply) => {
    if (!/^\d{1,12}$/.test(request.params.id) || !(await removeRelative(deps, request.staff!.user, Number(request.params.id)))) throw notFound();
    return reply.redirect('/staff/profile?done=relative_removed#relatives', 303);
  });
}
