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
  interface FastifyRequest {
    /**
     * A same-origin post whose CSRF token had expired, on a route that keeps its form
     * (`config.keepFormOnExpiredToken`): the handler shows the form again with what was typed and a
     * fresh token, and does nothing else (issue 20 item 4).
     */
    csrfExpired: boolean;
  }
  interface FastifyContextConfig {
    keepFormOnExpiredToken?: boolean;
  }
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
    app.decorateRequest('csrfExpired', false);
    const ownOrigin = new URL(app.config.baseUrl).origin;
    /**
     * A post from one of our own pages (the browser says so: Sec-Fetch-Site, or Origin): an expired
     * token there is a page left open too long, not a forgery. A cross-site post, or one the browser
     * does not vouch for, is refused as before, so no other site can pre-fill a victim's form.
     */
    const sameOrigin = (request: FastifyRequest) => request.headers['sec-fetch-site'] === 'same-origin' || request.headers.origin === ownOrigin;
    const keepForm = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
      // @fastify/csrf-protection answers a bad token itself (reply.send(error)) rather than passing
      // it on: it is given a stand-in reply that keeps the error, so a same-origin post can go on
      // to show its form again, and any other is refused exactly as on every other route.
      let refused: Error | undefined;
      const probe = Object.create(reply) as FastifyReply;
      probe.send = ((payload: unknown) => {
        refused = payload instanceof Error ? payload : new Error('CSRF');
        return probe;
      }) as FastifyReply['send'];
      app.csrfProtection(request, probe, () => done());
      if (!refused) return;
      if (sameOrigin(request)) {
        request.csrfExpired = true;
        return done();
      }
      done(refused);
    };
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) app.routeList.push({ method, url: route.url });
      if (methods.every((m) => m === 'GET' || m === 'HEAD' || m === 'OPTIONS')) return;
      const existing = route.preValidation ? (Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation]) : [];
      route.preValidation = [route.config?.keepFormOnExpiredToken ? keepForm : app.csrfProtection, ...existing];
    });
  },
  { name: 'security', dependencies: ['keys'] },
);
