// Staff pages that only read (the inbox, the dashboard) are kept per browser session, with the
// change stamp they were built under (src/db/change-stamps.ts); the next request of the same
// session for the same URL is answered from memory while the stamp is unchanged. The stamp is read
// on every request, so a change by anyone — another user, the scheduler, the CLI — shows at once.
//
// A route opts in by adding `app.staffPageCache.handler(stampOf)` after requireStaff() in its
// preHandlers: the sign-in, idle, disabled-user and role checks therefore run before every hit.
// The key holds the session id and the browser's CSRF secret cookie because the page carries the
// sign-out form's token; a page is never served to another session.
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ByteBoundedLru, costOfString } from '../shared/byte-lru.js';
import { missingStampTriggers } from '../db/change-stamps.js';
import { csrfCookieName } from './security.js';

/** The stamp a page is valid under, or null when this request's page is not to be cached. */
export type StampOf = (request: FastifyRequest) => string | null | Promise<string | null>;

export interface StaffPageCache {
  handler(stampOf: StampOf): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Pages held now. */
  readonly size: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    staffPageCache: StaffPageCache;
  }
  interface FastifyRequest {
    staffPageToStore?: { key: string; stamp: string };
  }
}

interface Entry {
  stamp: string;
  body: string;
  type: string;
  language: string;
}

const MAX_ENTRIES = 5000;


export default fp(
  async (app, opts: { maxBytes: number }) => {
    // Without every stamp trigger a page could outlive a change: then nothing is kept.
    const missing = await missingStampTriggers(app.db);
    if (missing.length > 0) app.log.error({ missing }, 'staff page cache off: change-stamp triggers are missing (a migration rebuilt their table?)');
    const maxBytes = missing.length > 0 ? 0 : opts.maxBytes;
    const entries = new ByteBoundedLru<Entry>(MAX_ENTRIES, maxBytes);
    app.decorateRequest('staffPageToStore', undefined);
    // A session's pages hold personal data: they go when it ends (sign-out, password change, disabling …).
    app.sessionStore.onEnded((sids) => {
      for (const sid of sids) entries.deleteByPrefix(`${sid}|`);
    });

    const csrfCookie = csrfCookieName(app.config.baseUrl);
    const keyOf = (request: FastifyRequest): string | null => {
      const sid = request.session?.sessionId;
      const csrfSecret = request.cookies[csrfCookie];
      if (!request.staff || !sid || !csrfSecret) return null;
      return `${sid}|${csrfSecret}|${request.locale}|${request.careMode ? 1 : 0}|${request.url}`;
    };

    app.decorate('staffPageCache', {
      handler(stampOf: StampOf) {
        return async (request: FastifyRequest, reply: FastifyReply) => {
          if (request.method !== 'GET' || maxBytes <= 0) return;
          const key = keyOf(request);
          if (!key) return;
          const stamp = await stampOf(request);
          if (!stamp) return;
          const hit = entries.get(key);
          if (hit && hit.stamp === stamp) {
            return reply.header('Content-Type', hit.type).header('Content-Language', hit.language).header('X-Cache', 'hit').send(hit.body);
          }
          request.staffPageToStore = { key, stamp };
        };
      },
      get size() {
        return entries.size;
      },
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const store = request.staffPageToStore;
      // A response that sets a cookie (a new CSRF secret, a touched session) is for this one request.
      if (!store || reply.statusCode !== 200 || typeof payload !== 'string' || reply.getHeader('set-cookie')) return payload;
      const type = String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8');
      const kept = entries.set(store.key, { stamp: store.stamp, body: payload, type, language: String(reply.getHeader('content-language') ?? request.locale) }, costOfString(payload, store.key));
      if (kept) reply.header('X-Cache', 'miss');
      return payload;
    });
  },
  { name: 'staff-page-cache', dependencies: ['db', 'session', 'preferences', 'auth'] },
);
