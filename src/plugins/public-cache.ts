// Public pages are the same for every visitor (no session, no per-visitor token), so their HTML is
// cached in memory, keyed on URL, language and care mode (issue 6). Any change to public data calls
// invalidate(), so a change shows at once; and everything is dropped when the date in China changes,
// because pages count from "today" (ledger items fall overdue, statistics run to yesterday). Routes
// opt in with `config: { publicCache: true }`.
import fp from 'fastify-plugin';
import { todayInChina } from '../clocks/index.js';

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

/** V8 keeps a string with CJK text as two bytes a character. */
const costOf = (body: string, key: string) => (body.length + key.length) * 2;

export default fp(
  async (app, opts: PublicCacheOptions) => {
    const maxEntries = opts.maxEntries ?? MAX_ENTRIES;
    const maxBytes = opts.maxBytes ?? MAX_BYTES;
    const entries = new Map<string, { body: string; type: string; generation: number; cost: number }>();
    let bytes = 0;
    let generation = 0;
    let day = todayInChina();
    const evictOldest = () => {
      const [key, entry] = entries.entries().next().value!;
      entries.delete(key);
      bytes -= entry.cost;
    };
    app.decorate('publicCache', {
      invalidate() {
        generation++;
        entries.clear();
        bytes = 0;
      },
      get size() {
        return entries.size;
      },
      get bytes() {
        return bytes;
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
        // Refresh its place so the map evicts the least recently used first.
        entries.delete(key);
        entries.set(key, hit);
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
      const cost = costOf(payload, key);
      // A page bigger than an eighth of the budget would push out many others; it is served uncached.
      if (cost > maxBytes / 8 || entries.has(key)) return payload;
      while (entries.size > 0 && (entries.size >= maxEntries || bytes + cost > maxBytes)) evictOldest();
      entries.set(key, { body: payload, type: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8'), generation, cost });
      bytes += cost;
      return payload;
    });
  },
  { name: 'public-cache', dependencies: ['preferences'] },
);
