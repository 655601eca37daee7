// Public pages are the same for every visitor (no session, no per-visitor token), so their HTML is
// cached in memory, keyed on URL, language and care mode (issue 6). Any change to public data calls
// invalidate(), so a change shows at once; and everything is dropped when the date in China changes,
// because pages count from "today" (ledger items fall overdue, statistics run to yesterday). Routes
// opt in with `config: { publicCache: true }`.
import fp from 'fastify-plugin';
import { todayInChina } from '../clocks/index.js';
import { ByteBoundedLru, costOfString } from '../shared/byte-lru.js';

export interface PublicCache {
  invalidate(): void;
  /** Pages held now. */
  readonly size: number;
  /** Their approximate memory, in bytes. */
  readonly bytes: number;
}

export interface PublicCacheOptions {
  maxEntries?: number;
  /** Memory budget: any query string makes a new key, so entries alone would not bound it (bench/findings.md). */
  maxBytes?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    publicCache?: boolean;
  }
  interface FastifyInstance {
    publicCache: PublicCache;
  }
  interface FastifyRequest {
    publicCacheKey?: string;
    /** The cache generation when the request started: a page rendered across an invalidation is not stored. */
    publicCacheGeneration?: number;
  }
}

const MAX_ENTRIES = 5000;
const MAX_BYTES = 64 * 1024 * 1024;

export default fp(
  async (app, opts: PublicCacheOptions) => {
    const entries = new ByteBoundedLru<{ body: string; type: string; generation: number }>(opts.maxEntries ?? MAX_ENTRIES, opts.maxBytes ?? MAX_BYTES);
    let generation = 0;
    let day = todayInChina();
    app.decorate('publicCache', {
      invalidate() {
        generation++;
        entries.clear();
      },
      get size() {
        return entries.size;
      },
      get bytes() {
        return entries.bytes;
      },
    });

    app.addHook('preHandler', async (request, reply) => {
      if (!request.routeOptions.config.publicCache || request.method !== 'GET') return;
      const today = todayInChina();
      if (today !== day) {
        day = today;
        app.publicCache.invalidate();
      }
      const key = `${request.locale}|${request.careMode ? 1 : 0}|${request.url}`;
      const hit = entries.get(key);
      if (hit && hit.generation === generation) {
        reply.header('Content-Type', hit.type).header('X-Cache', 'hit').header('Vary', 'Cookie');
        return reply.send(hit.body);
      }
      request.publicCacheKey = key;
      request.publicCacheGeneration = generation;
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const key = request.publicCacheKey;
      if (!key || request.publicCacheGeneration !== generation || reply.statusCode !== 200 || typeof payload !== 'string' || reply.getHeader('set-cookie')) return payload;
      reply.header('X-Cache', 'miss').header('Vary', 'Cookie');
      if (!entries.has(key)) entries.set(key, { body: payload, type: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8'), generation }, costOfString(payload, key));
      return payload;
    });
  },
  { name: 'public-cache', dependencies: ['preferences'] },
);
