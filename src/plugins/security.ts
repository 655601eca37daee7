// Headers, cookies and CSRF for every route (issue 3 "Protection of the reporter", issue 9 headers).
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

/**
 * The cookie holding the CSRF secret. Over HTTPS it carries the `__Host-` prefix, so the browser
 * keeps it only if Secure, for this host alone and the whole path (no sibling subdomain can plant
 * one). Plain HTTP (the local demo) cannot have a Secure cookie, so it keeps the plain name.
 */
export function csrfCookieName(baseUrl: string): string {
  return baseUrl.startsWith('https:') ? '__Host-csrf' : '_csrf';
}

function csrfCookieOptions(baseUrl: string) {
  return { signed: true, httpOnly: true, sameSite: 'lax' as const, path: '/', secure: baseUrl.startsWith('https:') ? true : ('auto' as const) };
}

/**
 * A new CSRF secret for this response and the rest of this request (issue 16): at sign-in, so a
 * token seen before it (a shared computer, a page left open) is worth nothing after it. Tokens made
 * later in the request (the page's forms) use the new secret.
 */
export function rotateCsrfSecret(request: FastifyRequest, reply: FastifyReply, baseUrl: string): void {
  const name = csrfCookieName(baseUrl);
  const secret = crypto.randomBytes(18).toString('base64url');
  request.cookies[name] = reply.signCookie(secret);
  reply.setCookie(name, secret, csrfCookieOptions(baseUrl));
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
      cookieKey: csrfCookieName(app.config.baseUrl),
      cookieOpts: csrfCookieOptions(app.config.baseUrl),
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
