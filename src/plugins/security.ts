// Headers, cookies and CSRF for every route (issue 3 "Protection of the reporter", issue 9 headers).
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyRequest } from 'fastify';

/** Multipart bodies are not parsed when the CSRF hook runs: their forms carry the token in the action's query string. */
function getToken(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body._csrf === 'string') return body._csrf;
  const query = request.query as Record<string, unknown> | undefined;
  if (query && typeof query._csrf === 'string') return query._csrf;
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

export default fp(
  async (app) => {
    await app.register(cookie, { secret: app.keys.cookie.toString('base64') });
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          mediaSrc: ["'self'", 'blob:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
      // HSTS only makes sense behind HTTPS; helmet sends it and browsers ignore it on plain HTTP.
    });
    await app.register(csrf, {
      cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: 'auto' },
      getToken,
    });
    // Every state-changing route checks the token, so a route added later cannot forget it.
    // preValidation, not preHandler: a missing token is then a 403, not a 400 (STACK-NOTES).
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (methods.every((m) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS')) return;
      const existing = route.preValidation ? (Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]) : [];
      route.preValidation = [app.csrfProtection, ...existing];
    });
  },
  { name: 'security', dependencies: ['keys'] },
);
