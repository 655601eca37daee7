// Headers, cookies and CSRF for every route (issue 3 "Protection of the reporter", issue 9 headers).
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import type { FastifyRequest } from 'fastify';
import { staticSecurityHeaders } from './security-headers.js';

/** Multipart bodies are not parsed when the CSRF hook runs: their forms carry the token in the action's query string. */
function getToken(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body._csrf === 'string') return body._csrf;
  const query = request.query as Record<string, unknown> | undefined;
  if (query && typeof query._csrf === 'string') return query._csrf;
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered: the security tests walk it so a new route is covered automatically. */
    routeList: { method: string; url: string }[];
  }
}

export default fp(
  async (app) => {
    await app.register(cookie, { secret: app.keys.cookie.toString('base64') });
    const securityHeaders = staticSecurityHeaders();
    app.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of securityHeaders) reply.raw.setHeader(name, value);
      done();
    });
    await app.register(csrf, {
      cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: 'auto' },
      getToken,
    });
    // Tracking and staff pages hold personal data: never stored by a browser or a proxy (issue 9).
    app.addHook('onSend', async (request, reply) => {
      if (request.url.startsWith('/staff') || request.url.startsWith('/track')) reply.header('Cache-Control', 'no-store');
    });
    // Every state-changing route checks the token, so a route added later cannot forget it.
    // preValidation, not preHandler: a missing token is then a 403, not a 400 (STACK-NOTES).
    app.decorate('routeList', [] as { method: string; url: string }[]);
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) app.routeList.push({ method, url: route.url });
      if (methods.every((m) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS')) return;
      const existing = route.preValidation ? (Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]) : [];
      route.preValidation = [app.csrfProtection, ...existing];
    });
  },
  { name: 'security', dependencies: ['keys'] },
);
