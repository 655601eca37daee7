// Display preferences are the one exception to "state changes only by POST" (DESIGN.md §6): plain
// links that set a cookie and return to a local page, working without JavaScript.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { isLocale } from '../i18n/translate.js';
import { CARE_COOKIE, LANG_COOKIE } from '../plugins/preferences.js';
import { safeLocalPath } from '../plugins/views.js';

const YEAR = 365 * 24 * 3600;

export default async function preferenceRoutes(app: FastifyInstance, opts: { config: Config }) {
  const cookieOptions = { path: '/', maxAge: YEAR, sameSite: 'lax' as const, httpOnly: true, secure: opts.config.baseUrl.startsWith('https:') };

  app.get<{ Params: { locale: string }; Querystring: { next?: string } }>('/lang/:locale', async (request, reply) => {
    const next = safeLocalPath(request.query.next);
    if (isLocale(request.params.locale)) reply.setCookie(LANG_COOKIE, request.params.locale, cookieOptions);
    reply.header('Cache-Control', 'no-store');
    return reply.redirect(next, 303);
  });

  app.get<{ Params: { state: string }; Querystring: { next?: string } }>('/care/:state', async (request, reply) => {
    const next = safeLocalPath(request.query.next);
    if (request.params.state === 'on') reply.setCookie(CARE_COOKIE, '1', cookieOptions);
    else reply.clearCookie(CARE_COOKIE, { path: '/' });
    reply.header('Cache-Control', 'no-store');
    return reply.redirect(next, 303);
  });
}
